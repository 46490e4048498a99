// The vocabulary of the name index: every distinct simple name that has at least one entity, in
// a fixed number of shard blocks (by the name's first lowercase code point), each the sorted names
// one per line. Prefix search reads one shard; fuzzy search reads them all and searches the text
// (a plain string search over the lowercase shard, not a parse of every name).
//
// It used to be edges (a name under each of its one- and two-character prefixes and each of its
// trigrams): on Python's standard library that was 790,000 edges, twice that many stored entries,
// 70 % of the whole name index, for 30,000 names. A shard is rewritten only when a name joins or
// leaves it, which after the first link is rare.
import { blockIdFromKey, type BlockId } from '../core/block-id.js';
import type { BlockInput, JsonObject, WriteOperation } from '../core/types.js';
import { runToEnd, type Steps } from '../core/yield-budget.js';
import type { GraphReader } from './graph-reader.js';
import { nameIndexNamespace } from './name-keys.js';

/** Fixed, so a reader knows every shard id without a directory. */
export const vocabularyShardCount = 64;
/** Longer names (generated code) are found by exact name only: nobody types a prefix of them. */
const listedNameCharsMax = 256;

/** Names that can be listed: one line each, so no line break inside. */
function listable(name: string): boolean {
  return name !== '' && name.length <= listedNameCharsMax && !name.includes('\n');
}

const internalKind = 'name_vocabulary';

export function vocabularyShardId(shard: number): BlockId {
  return blockIdFromKey(`${nameIndexNamespace}vocabulary\u0000${shard}`);
}

/** The shard of a name, or of a prefix of it: both start with the same lowercase code point. */
export function vocabularyShardOf(text: string): number {
  const first = text.toLowerCase().codePointAt(0) ?? 0;
  return first % vocabularyShardCount;
}

export type VocabularyReader = Pick<GraphReader, 'getBlock'>;

/** The text of one shard: names one per line ('' when the shard does not exist). */
function shardText(reader: VocabularyReader, shard: number): string {
  const block = reader.getBlock(vocabularyShardId(shard));
  return block === undefined || block.metadata['internal'] !== internalKind ? '' : block.content;
}

/** The names stored in one shard. */
export function readShard(reader: VocabularyReader, shard: number): string[] {
  const text = shardText(reader, shard);
  return text === '' ? [] : text.split('\n');
}

function shardBlock(shard: number, names: readonly string[]): BlockInput {
  const metadata: JsonObject = { internal: internalKind, shard, names: names.length };
  return { id: vocabularyShardId(shard), sourceUri: '', metadata, content: names.join('\n') };
}

/**
 * Names joining and leaving the vocabulary within one batch. Shards are read once, when first
 * touched, and written only when their list changed.
 */
export class VocabularyChange {
  private readonly shards = new Map<number, { names: Set<string>; changed: boolean }>();

  constructor(private readonly reader: VocabularyReader) {}

  add(name: string): void {
    if (!listable(name)) return;
    const shard = this.shard(name);
    if (shard.names.has(name)) return;
    shard.names.add(name);
    shard.changed = true;
  }

  remove(name: string): void {
    if (!listable(name)) return;
    const shard = this.shard(name);
    if (!shard.names.delete(name)) return;
    shard.changed = true;
  }

  operations(): WriteOperation[] {
    return runToEnd(this.operationSteps());
  }

  /** As `operations`, a step per shard written (sorting a shard of thousands of names). */
  *operationSteps(): Steps<WriteOperation[]> {
    const operations: WriteOperation[] = [];
    for (const [number, shard] of this.shards) {
      if (!shard.changed) continue;
      yield;
      operations.push(
        shard.names.size === 0
          ? { kind: 'delete_block', id: vocabularyShardId(number) }
          : { kind: 'put_block', block: shardBlock(number, [...shard.names].sort()) },
      );
    }
    return operations;
  }

  private shard(name: string): { names: Set<string>; changed: boolean } {
    const number = vocabularyShardOf(name);
    let shard = this.shards.get(number);
    if (shard === undefined) {
      shard = { names: new Set(readShard(this.reader, number)), changed: false };
      this.shards.set(number, shard);
    }
    return shard;
  }
}

/** Every shard written from scratch with exactly `names` (a rebuild's last step). */
export function vocabularyOfNames(names: Iterable<string>): WriteOperation[] {
  const shards: string[][] = Array.from({ length: vocabularyShardCount }, () => []);
  for (const name of new Set(names)) {
    if (listable(name)) shards[vocabularyShardOf(name)]?.push(name);
  }
  return shards.map(
    (list, shard): WriteOperation =>
      list.length === 0
        ? { kind: 'delete_block', id: vocabularyShardId(shard) }
        : { kind: 'put_block', block: shardBlock(shard, list.sort()) },
  );
}

/** Names whose lowercase form starts with `prefix` (already lowercase, at least one character). */
export function namesWithPrefix(reader: VocabularyReader, prefix: string): string[] {
  return readShard(reader, vocabularyShardOf(prefix)).filter((name) => name.toLowerCase().startsWith(prefix));
}

/**
 * Names containing at least one of the (lowercase) trigrams, with how many they contain: the
 * candidate set of a fuzzy search. Reads every shard.
 */
export function namesSharingTrigrams(
  reader: VocabularyReader,
  trigrams: readonly string[],
): Map<string, number> {
  const shared = new Map<string, number>();
  const wanted = trigrams.filter((trigram) => !trigram.includes('\n'));
  if (wanted.length === 0) return shared;
  for (let shard = 0; shard < vocabularyShardCount; shard++) {
    const text = shardText(reader, shard);
    if (text === '') continue;
    const lower = text.toLowerCase();
    if (lower.length === text.length) countInText(text, lower, wanted, shared);
    else countPerName(text.split('\n'), wanted, shared); // lowercasing moved offsets
  }
  return shared;
}

/** Finds each trigram in the lowercase shard text and credits the line (name) it falls in. */
function countInText(
  text: string,
  lower: string,
  trigrams: readonly string[],
  shared: Map<string, number>,
): void {
  const counts = new Map<number, number>();
  for (const trigram of trigrams) {
    let lastLine = -1;
    for (let at = lower.indexOf(trigram); at >= 0; at = lower.indexOf(trigram, at + 1)) {
      const line = lower.lastIndexOf('\n', at) + 1;
      if (line === lastLine) continue; // the same name again
      lastLine = line;
      counts.set(line, (counts.get(line) ?? 0) + 1);
    }
  }
  for (const [line, count] of counts) {
    const end = text.indexOf('\n', line);
    shared.set(text.slice(line, end < 0 ? text.length : end), count);
  }
}

function countPerName(
  names: readonly string[],
  trigrams: readonly string[],
  shared: Map<string, number>,
): void {
  for (const name of names) {
    const lower = name.toLowerCase();
    let count = 0;
    for (const trigram of trigrams) if (lower.includes(trigram)) count++;
    if (count > 0) shared.set(name, count);
  }
}
