// The per-file facts a sync stores, so a later sync re-resolves a file without parsing it again.
// They are the file's `FileFacts` as JSON, with two differences that keep them small and quick
// to load (a one-file edit loads every file's facts):
//   - no entity content: the entity's block holds that text already, and a sync copies it from
//     there when it re-resolves a file it did not parse (`restoreContent`);
//   - calls as one flat array instead of an object per call site and per expression: caller
//     (-1 - caller for a construction), line, then the target in prefix notation, one tag per
//     ValueRef followed by its fields (`m`, name, object… for a member); the array is stored as a
//     JSON string inside the JSON, and decoded only when something reads the calls (resolving
//     the file): a sync reads every file's facts, and resolves few.
// On Python's standard library that takes the facts from 126 MiB (76 of them content, 32 calls)
// to 28 MiB (10 calls), and halves the time to parse them.
// Facts of another format (`factsFormatVersion`) are not decoded: the sync parses the file again.
import { KausalError } from '../core/errors.js';
import type { BlockId } from '../core/block-id.js';
import type { BlockInput, JsonObject } from '../core/types.js';
import type { Steps } from '../core/yield-budget.js';
import type { Database } from '../database.js';
import { factsFormatVersion, type CallFact, type FileFacts, type ValueRef } from '../ingest/index.js';
import { factsId } from './records.js';

type Flat = (string | number)[];

/** Stored facts of a file: decoded, of another format (parse the file again), or none. */
export type StoredFacts = FileFacts | 'outdated' | undefined;

export function storedFactsBlock(workspace: string, path: string, facts: FileFacts): BlockInput {
  return {
    id: factsId(workspace, path),
    sourceUri: `file://${path}`,
    metadata: { internal: 'facts', file: path },
    content: encodeFacts(facts),
  };
}

export function loadStoredFacts(db: Database, workspace: string, path: string): StoredFacts {
  // Read once per sync (and kept decoded by a process that syncs again): not worth cache room.
  const block = db.getBlock(factsId(workspace, path), { fillCache: false });
  if (block === undefined) return undefined;
  const corrupt = (): KausalError =>
    new KausalError(
      'CORRUPTION',
      `stored facts of ${path} in workspace ${workspace} do not parse; run 'kausal sync --force'`,
    );
  try {
    return decodeFacts(block.content, corrupt);
  } catch {
    throw corrupt();
  }
}

/** The stored form of `facts` (see the top of this file). */
export function encodeFacts(facts: FileFacts): string {
  const calls: Flat = [];
  for (const call of facts.calls) {
    calls.push(call.construct === true ? -1 - call.caller : call.caller, call.line);
    encodeValue(call.target, calls);
  }
  return JSON.stringify({
    ...facts,
    entities: facts.entities.map(({ content: _content, ...entity }) => entity),
    calls: JSON.stringify(calls),
  });
}

/**
 * Facts from their stored form, without entity content; throws on malformed input. The calls are
 * decoded when first read; malformed, they throw `corrupt()` then.
 */
export function decodeFacts(
  text: string,
  corrupt: () => Error = () => new Error('malformed calls'),
): FileFacts | 'outdated' {
  const stored = JSON.parse(text) as Omit<FileFacts, 'calls'> & { calls: unknown };
  if (stored.format !== factsFormatVersion) return 'outdated';
  const encoded = stored.calls;
  if (typeof encoded !== 'string') throw new Error('calls are not a string');
  let calls: CallFact[] | undefined;
  const facts = { ...stored };
  Object.defineProperty(facts, 'calls', {
    enumerable: true,
    get(): CallFact[] {
      if (calls !== undefined) return calls;
      try {
        calls = decodeCalls(JSON.parse(encoded) as unknown);
      } catch {
        throw corrupt();
      }
      return calls;
    },
  });
  return facts as unknown as FileFacts;
}

function decodeCalls(flat: unknown): CallFact[] {
  if (!Array.isArray(flat)) throw new Error('calls are not an array');
  const calls: CallFact[] = [];
  const cursor = { at: 0 };
  while (cursor.at < flat.length) {
    const caller = numberAt(flat, cursor);
    const line = numberAt(flat, cursor);
    const target = decodeValue(flat, cursor, 0);
    calls.push(
      caller < 0 ? { caller: -1 - caller, line, target, construct: true } : { caller, line, target },
    );
  }
  return calls;
}

function encodeValue(ref: ValueRef, into: Flat): void {
  switch (ref.kind) {
    case 'name':
      into.push('n', ref.name);
      return;
    case 'this':
      into.push('t');
      return;
    case 'super':
      into.push('s');
      return;
    case 'instance':
      into.push('i', ref.type);
      return;
    case 'call':
      into.push('c');
      encodeValue(ref.target, into);
      return;
    case 'new':
      into.push('w');
      encodeValue(ref.target, into);
      return;
    case 'member':
      into.push('m', ref.name);
      encodeValue(ref.object, into);
      return;
    case 'argument':
      into.push('a', ref.call, ref.argument, ref.parameter);
      return;
    case 'local':
      into.push('l', ref.name);
      return;
    case 'unknown':
      into.push('u');
      return;
    default:
      return unreachable(ref);
  }
}

/**
 * Extracted expressions are at most `limits.ingestValueRefDepthMax` deep; this bound only keeps
 * damaged input from recursing without end.
 */
const valueDepthMax = 64;

function decodeValue(flat: Flat, cursor: { at: number }, depth: number): ValueRef {
  if (depth > valueDepthMax) throw new Error('expression too deep');
  const tag = flat[cursor.at++];
  switch (tag) {
    case 'n':
      return { kind: 'name', name: stringAt(flat, cursor) };
    case 't':
      return { kind: 'this' };
    case 's':
      return { kind: 'super' };
    case 'i':
      return { kind: 'instance', type: stringAt(flat, cursor) };
    case 'c':
      return { kind: 'call', target: decodeValue(flat, cursor, depth + 1) };
    case 'w':
      return { kind: 'new', target: decodeValue(flat, cursor, depth + 1) };
    case 'm': {
      const name = stringAt(flat, cursor);
      return { kind: 'member', object: decodeValue(flat, cursor, depth + 1), name };
    }
    case 'a':
      return {
        kind: 'argument',
        call: numberAt(flat, cursor),
        argument: numberAt(flat, cursor),
        parameter: numberAt(flat, cursor),
      };
    case 'l':
      return { kind: 'local', name: stringAt(flat, cursor) };
    case 'u':
      return { kind: 'unknown' };
    default:
      throw new Error(`unknown expression tag ${JSON.stringify(tag)}`);
  }
}

function stringAt(flat: Flat, cursor: { at: number }): string {
  const value = flat[cursor.at++];
  if (typeof value !== 'string') throw new Error('expected a string');
  return value;
}

function numberAt(flat: Flat, cursor: { at: number }): number {
  const value = flat[cursor.at++];
  if (typeof value !== 'number') throw new Error('expected a number');
  return value;
}

function unreachable(value: never): never {
  throw new Error(`unhandled expression ${JSON.stringify(value)}`);
}

/**
 * The source text of the entities of files a sync parsed, kept apart from their facts: the sync
 * resolves facts without text, as they are stored, and `restoreContent` puts the text back.
 */
export class ParsedContent {
  private readonly byPath = new Map<string, readonly (string | undefined)[]>();

  /** `facts` without entity content; the content is kept for `path`. */
  take(path: string, facts: FileFacts): FileFacts {
    this.byPath.set(
      path,
      facts.entities.map((entity) => entity.content),
    );
    return { ...facts, entities: facts.entities.map(({ content: _content, ...entity }) => entity) };
  }

  /** The content of each entity of `path` (in entity order), when the sync parsed it. */
  of(path: string): readonly (string | undefined)[] | undefined {
    return this.byPath.get(path);
  }
}

/** Blocks given their text from memory per step of `restoreContent` (each a small copy). */
const blocksPerStep = 2048;

export interface RestoredContent {
  /** Files with a block that has no stored counterpart: they must be parsed again. */
  readonly unmatched: Set<string>;
  /**
   * The stored metadata of each block whose text came from its stored block (same id, source URI
   * and text), so the write compares metadata without reading the block a second time.
   */
  readonly storedMetadata: Map<BlockId, JsonObject>;
}

/**
 * Blocks are resolved from facts without source text. A file this sync parsed has it in
 * `parsed`: the blocks of a file come in entity order. Any other file is unchanged, so each entity
 * is too: its text is that of the stored block with the same id and source URI (same file, kind,
 * qualified name, occurrence and lines). Fills it in, in place, a step per `perStep` stored
 * blocks read. Files with a block that has no such stored counterpart (the stored graph does not
 * match the facts) come back as unmatched.
 */
export function* restoreContent(
  db: Database,
  blocks: BlockInput[],
  parsed: ParsedContent,
  perStep: number,
): Steps<RestoredContent> {
  const unmatched = new Set<string>();
  const storedMetadata = new Map<BlockId, JsonObject>();
  const positions = new Map<string, number>();
  let reads = 0;
  for (let index = 0; index < blocks.length; index++) {
    if (index % blocksPerStep === blocksPerStep - 1) yield;
    const block = blocks[index] as BlockInput;
    const file = block.metadata['file'];
    if (typeof file !== 'string' || unmatched.has(file)) continue;
    const contents = parsed.of(file);
    if (contents !== undefined) {
      const position = positions.get(file) ?? 0;
      positions.set(file, position + 1);
      blocks[index] = { ...block, content: contents[position] ?? '' };
      continue;
    }
    if (++reads % perStep === 0) yield;
    // Read once: a server's cache is better left to the blocks its queries read.
    const stored = db.getBlock(block.id, { fillCache: false });
    if (stored === undefined || stored.sourceUri !== block.sourceUri) {
      unmatched.add(file);
      continue;
    }
    blocks[index] = { ...block, content: stored.content };
    storedMetadata.set(block.id, stored.metadata);
  }
  return { unmatched, storedMetadata };
}
