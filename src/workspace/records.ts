// How workspaces live inside the database, so a database is one self-contained directory:
//   registry block      the sorted list of workspace names
//   workspace record    root, last sync (time, git commit, counts)
//   file table          per file: size, mtime, content hash, language, the block ids it produced
//   stat table          per file: size and mtime only (a few percent of the file table), which is
//                       all the freshness check of every query answer needs
//   facts blocks        per file: the parsed facts, so a sync re-resolves edges without
//                       re-parsing files that did not change
// These blocks carry `internal` in their metadata and no `workspace` field, so entity queries
// never see them. Their ids derive from fixed keys, like every other id.
import { blockIdFromKey, type BlockId } from '../core/block-id.js';
import { KausalError } from '../core/errors.js';
import type { BlockInput, JsonObject } from '../core/types.js';
import type { Database } from '../database.js';

export interface FileEntry {
  readonly size: number;
  readonly mtimeMs: number;
  /** SHA-256 of the content (hex, 32 chars), or '' when not computed yet. */
  readonly hash: string;
  readonly language: string;
  /** parsed, binary, too-large, unreadable or failed. */
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
  const names = db.getBlock(registryId())?.metadata['workspaces'];
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
  const block = db.getBlock(workspaceRecordId(name));
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

export function readFileTable(db: Database, name: string): Map<string, FileEntry> {
  const block = db.getBlock(fileTableId(name));
  if (block === undefined || block.content === '') return new Map();
  return new Map(Object.entries(JSON.parse(block.content) as Record<string, FileEntry>));
}

export function fileTableBlock(
  name: string,
  table: ReadonlyMap<string, FileEntry>,
): { id: BlockId; sourceUri: string; metadata: JsonObject; content: string } {
  const sorted = [...table.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return {
    id: fileTableId(name),
    sourceUri: '',
    metadata: { internal: 'files', files: sorted.length },
    content: JSON.stringify(Object.fromEntries(sorted)),
  };
}

/** What the freshness check compares with the disk: size and mtime per file. */
export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
}

/** The file table and its stat table, written together (the stat table is derived). */
export function fileTableBlocks(name: string, table: ReadonlyMap<string, FileEntry>): BlockInput[] {
  const stats = [...table].map(([path, entry]) => [path, entry.size, entry.mtimeMs]);
  return [
    fileTableBlock(name, table),
    {
      id: statTableId(name),
      sourceUri: '',
      metadata: { internal: 'stats', files: stats.length },
      content: JSON.stringify(stats),
    },
  ];
}

/**
 * Size and mtime per file, from the stat table; from the file table when there is none (a
 * database synced before stat tables existed).
 */
export function readStatTable(db: Database, name: string): Map<string, FileStat> {
  const block = db.getBlock(statTableId(name));
  if (block === undefined) return readFileTable(db, name);
  const stats = new Map<string, FileStat>();
  for (const row of JSON.parse(block.content) as [string, number, number][]) {
    stats.set(row[0], { size: row[1], mtimeMs: row[2] });
  }
  return stats;
}
