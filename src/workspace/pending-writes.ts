// What a link or sync may write that the workspace's file table does not list yet: block ids it
// has not produced before, and stored facts of files the table does not have. The file table is
// the sync's commit point, and the graph is written before it (in many batches for a link), so a
// sync stopped on the way (Ctrl-C, a crash, a full disk) leaves blocks that only this record
// knows about. It is written, in one batch, before the first of them (and before the names they
// add to the name index's vocabulary), and deleted in the batch that commits the file table.
// While it exists the workspace is "interrupted": the next sync parses and resolves every file
// and deletes what it no longer produces among these ids, and an unlink deletes them with the
// rest. A link also registers its workspace in that first batch, so an interrupted link is a
// workspace that `status` shows and `unlink` removes, not data that queries find under a name
// nothing else knows.
import { blockIdFromKey, isBlockId, type BlockId } from '../core/block-id.js';
import { KausalError } from '../core/errors.js';
import type { JsonObject, WriteOperation } from '../core/types.js';
import type { Database } from '../database.js';

export interface PendingWrites {
  readonly ids: readonly BlockId[];
  /** Files whose stored facts the file table does not list. */
  readonly paths: readonly string[];
  /** The names of those blocks: the vocabulary may list them before any of the blocks is stored. */
  readonly names: readonly string[];
}

/** Ids per block of the record: about 1.2 MB of JSON (a link of 66,000 entities takes two). */
const idsPerPart = 32_768;

function partId(name: string, index: number): BlockId {
  return blockIdFromKey(index === 0 ? `kausal:pending\0${name}` : `kausal:pending\0${name}\0${index}`);
}

function corrupt(name: string): KausalError {
  return new KausalError(
    'CORRUPTION',
    `the record of an interrupted sync of workspace ${JSON.stringify(name)} is damaged; run 'kausal unlink --name ${name}' and link it again`,
  );
}

/** Whether a link or sync of `name` stopped before it finished (one lookup; nothing decoded). */
export function hasPendingWrites(db: Database, name: string): boolean {
  return db.getBlockHeader(partId(name, 0)) !== undefined;
}

/** The part count the first part records, or undefined when it is damaged. */
function partsOf(metadata: JsonObject): number | undefined {
  const parts = metadata['parts'];
  return typeof parts === 'number' && Number.isSafeInteger(parts) && parts >= 1 ? parts : undefined;
}

export function readPendingWrites(db: Database, name: string): PendingWrites | undefined {
  const head = db.getBlock(partId(name, 0));
  if (head === undefined) return undefined;
  const parts = partsOf(head.metadata);
  if (parts === undefined) throw corrupt(name);
  const ids: BlockId[] = [];
  let paths: string[] = [];
  let names: string[] = [];
  for (let index = 0; index < parts; index++) {
    const block = index === 0 ? head : db.getBlock(partId(name, index));
    if (block === undefined) throw corrupt(name);
    let part: unknown;
    try {
      part = JSON.parse(block.content);
    } catch {
      throw corrupt(name);
    }
    const fields = (part ?? {}) as { ids?: unknown; paths?: unknown; names?: unknown };
    if (!Array.isArray(fields.ids) || !fields.ids.every(isBlockId)) throw corrupt(name);
    ids.push(...fields.ids);
    if (index === 0) {
      if (!isStringArray(fields.paths) || !isStringArray(fields.names)) throw corrupt(name);
      paths = fields.paths;
      names = fields.names;
    }
  }
  return { ids, paths, names };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The writes that store `pending` for workspace `name`, replacing the record stored now. */
export function pendingWritesOperations(
  db: Database,
  name: string,
  pending: PendingWrites,
): WriteOperation[] {
  const operations: WriteOperation[] = [];
  const parts = Math.max(1, Math.ceil(pending.ids.length / idsPerPart));
  for (let index = 0; index < parts; index++) {
    const ids = pending.ids.slice(index * idsPerPart, (index + 1) * idsPerPart);
    operations.push({
      kind: 'put_block',
      block: {
        id: partId(name, index),
        sourceUri: '',
        metadata: index === 0 ? { internal: 'pending_writes', parts } : { internal: 'pending_writes' },
        content: JSON.stringify(index === 0 ? { ids, paths: pending.paths, names: pending.names } : { ids }),
      },
    });
  }
  for (let index = parts; index < storedPartCount(db, name); index++) {
    operations.push({ kind: 'delete_block', id: partId(name, index) });
  }
  return operations;
}

/**
 * The deletions of the record as stored now (once the file table lists everything, or by an
 * unlink).
 */
export function pendingWritesDeletions(db: Database, name: string): WriteOperation[] {
  const operations: WriteOperation[] = [];
  for (let index = storedPartCount(db, name) - 1; index >= 0; index--) {
    operations.push({ kind: 'delete_block', id: partId(name, index) });
  }
  return operations;
}

/** Parts of the stored record: 0 without one, and the first alone when even it is damaged. */
function storedPartCount(db: Database, name: string): number {
  // Every commit asks; the count is in the metadata, and a first part can hold a megabyte of ids.
  const head = db.getBlockHeader(partId(name, 0));
  if (head === undefined) return 0;
  return partsOf(head.metadata) ?? 1;
}
