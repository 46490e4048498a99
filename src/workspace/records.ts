// How workspaces live inside the database, so a database is one self-contained directory:
//   registry block      the sorted list of workspace names
//   workspace record    root, last sync (time, git commit, counts)
//   file table          per file: size, mtime, content hash, language, the block ids it produced
//   stat table          per file: size and mtime only (a few percent of the file table), which is
//                       all the freshness check of every query answer needs
//   facts blocks        per file: the parsed facts, so a sync re-resolves edges without
//                       re-parsing files that did not change (without entity source text,
//                       which the blocks hold; format in stored-facts.ts)
// These blocks carry `internal` in their metadata and no `workspace` field, so entity queries
// never see them. Their ids derive from fixed keys, like every other id.
import { blockIdFromKey, type BlockId } from '../core/block-id.js';
import { KausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { JsonObject, WriteOperation } from '../core/types.js';
import type { Database } from '../database.js';

export interface FileEntry {
  readonly size: number;
  readonly mtimeMs: number;
  /** SHA-256 of the content (hex, 32 chars), or '' when not computed yet. */
  readonly hash: string;
  readonly language: string;
  /** parsed, binary, minified, too-large, unreadable or failed. */
  readonly status: string;
  /** Block ids this file produced at its last resolution. */
  readonly ids: readonly BlockId[];
  /** Edges whose source is one of those blocks. */
  readonly edges: number;
  /** Call sites in this file that could not be resolved. */
  readonly unresolved?: number;
}

export interface WorkspaceRecord {
  readonly name: string;
  readonly root: string;
  readonly linkedAt: string;
  readonly syncedAt: string;
  readonly commit?: string;
  readonly files: number;
  readonly blocks: number;
  readonly edges: number;
  readonly unresolvedCalls: number;
  /**
   * SHA-256 of the project configuration the last sync resolved with (tsconfig paths, go.mod
   * module paths, crate and package names); absent in records written before it was kept.
   */
  readonly configHash?: string;
  /**
   * The facts format (`factsFormatVersion`) of the extractor that last parsed the workspace;
   * absent in records written before it was kept. Another one means the extraction changed (what
   * a signature holds, say): the next sync parses every file again, unchanged ones too.
   */
  readonly factsFormat?: number;
}

const registryKey = 'kausal:registry';

export function registryId(): BlockId {
  return blockIdFromKey(registryKey);
}

export function workspaceRecordId(name: string): BlockId {
  return blockIdFromKey(`kausal:workspace\0${name}`);
}

export function fileTableId(name: string): BlockId {
  return blockIdFromKey(`kausal:files\0${name}`);
}

export function statTableId(name: string): BlockId {
  return blockIdFromKey(`kausal:stats\0${name}`);
}

export function factsId(name: string, path: string): BlockId {
  return blockIdFromKey(`kausal:facts\0${name}\0${path}`);
}

export function readRegistry(db: Database): string[] {
  const names = db.getBlockHeader(registryId())?.metadata['workspaces'];
  return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [];
}

export function registryBlock(names: readonly string[]): {
  id: BlockId;
  sourceUri: string;
  metadata: JsonObject;
  content: string;
} {
  return {
    id: registryId(),
    sourceUri: '',
    metadata: { internal: 'registry', workspaces: [...new Set(names)].sort() },
    content: '',
  };
}

export function readWorkspaceRecord(db: Database, name: string): WorkspaceRecord | undefined {
  const block = db.getBlockHeader(workspaceRecordId(name));
  if (block === undefined) return undefined;
  return block.metadata['record'] as unknown as WorkspaceRecord;
}

export function requireWorkspace(db: Database, name: string): WorkspaceRecord {
  const record = readWorkspaceRecord(db, name);
  if (record === undefined) {
    const known = readRegistry(db);
    const hint =
      known.length === 0
        ? "no workspace is linked; run 'kausal link --path <dir>'"
        : `linked: ${known.join(', ')}`;
    throw new KausalError('NOT_FOUND', `no workspace named ${JSON.stringify(name)} (${hint})`);
  }
  return record;
}

export function workspaceRecordBlock(record: WorkspaceRecord): {
  id: BlockId;
  sourceUri: string;
  metadata: JsonObject;
  content: string;
} {
  return {
    id: workspaceRecordId(record.name),
    sourceUri: `file://${record.root}`,
    metadata: { internal: 'workspace', record: record as unknown as JsonObject },
    content: '',
  };
}

/** Chunk `index` (1 or more) of a file table; chunk 0 is the table's own block. */
function fileTableChunkId(name: string, index: number): BlockId {
  return blockIdFromKey(`kausal:files\0${name}\0${index}`);
}

/** How many blocks the stored file table of `name` spans (0 when there is none). */
function storedChunkCount(db: Database, name: string): number {
  const head = db.getBlock(fileTableId(name));
  if (head === undefined) return 0;
  const chunks = head.metadata['chunks'];
  return typeof chunks === 'number' && Number.isSafeInteger(chunks) && chunks > 0 ? chunks : 1;
}

export function readFileTable(db: Database, name: string): Map<string, FileEntry> {
  return readStoredFileTable(db, name).table;
}

/** A file table with the parts it is stored in, so that a rewrite can skip the unchanged ones. */
export interface StoredFileTable {
  readonly table: Map<string, FileEntry>;
  /** The content of each stored part, in order ('' for an empty table). */
  readonly parts: readonly string[];
}

export function readStoredFileTable(db: Database, name: string): StoredFileTable {
  const table = new Map<string, FileEntry>();
  const parts: string[] = [];
  const chunks = storedChunkCount(db, name);
  for (let index = 0; index < chunks; index++) {
    const id = index === 0 ? fileTableId(name) : fileTableChunkId(name, index);
    const block = db.getBlock(id);
    if (block === undefined) {
      throw new KausalError(
        'CORRUPTION',
        `the file table of workspace ${JSON.stringify(name)} lacks part ${index} of ${chunks}; run 'kausal sync ${name} --force'`,
      );
    }
    parts.push(block.content);
    if (block.content === '') continue;
    for (const [path, entry] of Object.entries(JSON.parse(block.content) as Record<string, FileEntry>)) {
      table.set(path, entry);
    }
  }
  return { table, parts };
}

/** Each entry's JSON, computed once per entry object (a sync keeps the entries of unchanged files). */
const entryJson = new WeakMap<FileEntry, string>();

/**
 * Whether a part of the file table ends after `path`: decided by the path alone (a hash), so that
 * a file's change rewrites only its part and an added or deleted file moves no other boundary.
 */
function endsPart(path: string, entriesInPart: number): boolean {
  if (entriesInPart < limits.fileTablePartEntriesMin) return false;
  let hash = 0x811c9dc5;
  for (let index = 0; index < path.length; index++) {
    hash = Math.imul(hash ^ path.charCodeAt(index), 0x01000193);
  }
  return (hash >>> 0) % limits.fileTablePartEntriesAverage === 0;
}

/**
 * The file table's JSON parts: some tens of entries each, cut where the paths say (see `endsPart`)
 * and at most `limits.fileTableChunkBytes` each (one block would cap a workspace at some ten
 * thousand files).
 */
function fileTableParts(table: ReadonlyMap<string, FileEntry>): string[] {
  const sorted = [...table.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const chunks: string[] = [];
  let members: string[] = [];
  let bytes = 0;
  const cut = (): void => {
    chunks.push(`{${members.join(',')}}`);
    members = [];
    bytes = 0;
  };
  for (const [path, entry] of sorted) {
    let json = entryJson.get(entry);
    if (json === undefined) entryJson.set(entry, (json = JSON.stringify(entry)));
    const member = `${JSON.stringify(path)}:${json}`;
    if (members.length > 0 && bytes + member.length > limits.fileTableChunkBytes) cut();
    members.push(member);
    bytes += member.length + 1;
    if (endsPart(path, members.length)) cut();
  }
  if (members.length > 0 || chunks.length === 0) cut();
  return chunks;
}

/** Deletions of every block of the file table of `name` (unlink). */
export function fileTableDeletions(db: Database, name: string): WriteOperation[] {
  const operations: WriteOperation[] = [];
  for (let index = storedChunkCount(db, name) - 1; index >= 1; index--) {
    operations.push({ kind: 'delete_block', id: fileTableChunkId(name, index) });
  }
  operations.push({ kind: 'delete_block', id: fileTableId(name) });
  return operations;
}

/** What the freshness check compares with the disk: size and mtime per file. */
export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The writes that store `table` as the file table of `name`, with its stat table (derived): parts
 * equal to those of `stored` (the table as stored now) are not written again, and parts the stored
 * table had beyond the new ones are deleted. Also returns the table as stored once they apply.
 */
export function fileTableUpdate(
  db: Database,
  name: string,
  table: ReadonlyMap<string, FileEntry>,
  stored?: StoredFileTable,
): { operations: WriteOperation[]; stored: StoredFileTable } {
  const parts = fileTableParts(table);
  const operations: WriteOperation[] = [];
  parts.forEach((content, index) => {
    // The first part also carries the counts: it is rewritten whenever they change.
    const unchanged =
      stored !== undefined &&
      stored.parts[index] === content &&
      (index > 0 || (stored.table.size === table.size && stored.parts.length === parts.length));
    if (unchanged) return;
    operations.push({
      kind: 'put_block',
      block: {
        id: index === 0 ? fileTableId(name) : fileTableChunkId(name, index),
        sourceUri: '',
        metadata:
          index === 0
            ? { internal: 'files', files: table.size, chunks: parts.length }
            : { internal: 'files' },
        content,
      },
    });
  });
  const storedCount = stored?.parts.length ?? storedChunkCount(db, name);
  for (let index = parts.length; index < storedCount; index++) {
    operations.push({ kind: 'delete_block', id: fileTableChunkId(name, index) });
  }
  operations.push(statTableWrite(name, table));
  return { operations, stored: { table: new Map(table), parts } };
}

/** The stat table of `table`; none past the size the freshness check of answers looks at. */
function statTableWrite(name: string, table: ReadonlyMap<string, FileEntry>): WriteOperation {
  // Answers do not check workspaces this large (they say "unverified"): no stat table needed.
  if (table.size > limits.freshnessCheckFilesMax) return { kind: 'delete_block', id: statTableId(name) };
  const stats = [...table].map(([path, entry]) => [path, entry.size, entry.mtimeMs]);
  return {
    kind: 'put_block',
    block: {
      id: statTableId(name),
      sourceUri: '',
      metadata: { internal: 'stats', files: stats.length },
      content: JSON.stringify(stats),
    },
  };
}

/**
 * Size and mtime per file, from the stat table (from the file table of a database synced before
 * stat tables existed), or undefined when the workspace has more than `filesMax` files.
 */
export function readStatTable(
  db: Database,
  name: string,
  filesMax: number,
): Map<string, FileStat> | undefined {
  const block = db.getBlock(statTableId(name));
  if (block === undefined) {
    const files = db.getBlockHeader(fileTableId(name))?.metadata['files'];
    return typeof files === 'number' && files > filesMax ? undefined : readFileTable(db, name);
  }
  const files = block.metadata['files'];
  if (typeof files === 'number' && files > filesMax) return undefined;
  const stats = new Map<string, FileStat>();
  for (const row of JSON.parse(block.content) as [string, number, number][]) {
    stats.set(row[0], { size: row[1], mtimeMs: row[2] });
  }
  return stats;
}
