// Unlink: remove every block and edge a workspace produced (those an interrupted sync left too),
// its name-index entries, its stored facts and file table, and finally its record. The record
// goes last, so an interrupted unlink can simply be run again; until then the workspace is marked
// interrupted (pending-writes.ts), so a sync in between restores it. Like a sync, it runs in steps
// under a yield budget.
import type { BlockId } from '../core/block-id.js';
import { isKausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { WriteOperation } from '../core/types.js';
import { systemClock } from '../core/clock.js';
import { YieldBudget } from '../core/yield-budget.js';
import type { Database } from '../database.js';
import { GraphChange } from './graph-change.js';
import {
  factsId,
  fileTableDeletions,
  statTableId,
  readFileTable,
  readRegistry,
  registryBlock,
  requireWorkspace,
  workspaceRecordId,
} from './records.js';
import {
  hasPendingWrites,
  pendingWritesDeletions,
  pendingWritesOperations,
  readPendingWrites,
  type PendingWrites,
} from './pending-writes.js';
import { writeChunked } from './write-batches.js';

export interface UnlinkReport {
  readonly workspace: string;
  readonly root: string;
  readonly files: number;
  readonly blocksDeleted: number;
  readonly edgesDeleted: number;
}

export interface UnlinkOptions {
  /** As `SyncOptions.yieldEveryMs`: how long the unlink may hold the event loop between yields. */
  readonly yieldEveryMs?: number;
  /** As `SyncOptions.contended`. */
  readonly contended?: () => boolean;
}

export async function unlinkWorkspace(
  db: Database,
  name: string,
  options: UnlinkOptions = {},
): Promise<UnlinkReport> {
  const budget = new YieldBudget(
    options.yieldEveryMs ?? limits.yieldBudgetMsDefault,
    systemClock,
    options.contended,
  );
  const record = requireWorkspace(db, name);
  const table = readFileTable(db, name);
  // An interrupted link or sync may have written blocks and facts the file table does not list.
  // A damaged record of them (what it listed is lost) must not keep the workspace from going.
  const pending = pendingWritesIfReadable(db, name);
  const ids: BlockId[] = [...(pending?.ids ?? [])];
  for (const entry of table.values()) ids.push(...entry.ids);
  // Until its last batch the workspace is interrupted: a sync in between would find blocks gone
  // that the file table still lists, and must parse everything again, not call it up to date.
  // A record already stored (readable or not) marks it so.
  if (!hasPendingWrites(db, name)) {
    db.write(pendingWritesOperations(db, name, { ids: [], paths: [], names: [] }));
  }
  const change = new GraphChange(db, name, budget);
  if (pending !== undefined) change.recheckNames(pending.names);
  await change.remove(ids);
  const paths = new Set([...table.keys(), ...(pending?.paths ?? [])]);
  const operations: WriteOperation[] = [...paths].map((path) => ({
    kind: 'delete_block',
    id: factsId(name, path),
  }));
  await writeChunked(db, operations, budget);
  db.write([
    ...pendingWritesDeletions(db, name),
    ...fileTableDeletions(db, name),
    { kind: 'delete_block', id: statTableId(name) },
    { kind: 'delete_block', id: workspaceRecordId(name) },
    { kind: 'put_block', block: registryBlock(readRegistry(db).filter((other) => other !== name)) },
  ]);
  return {
    workspace: name,
    root: record.root,
    files: table.size,
    blocksDeleted: change.counts.blocksDeleted,
    edgesDeleted: change.counts.edgesDeleted,
  };
}

function pendingWritesIfReadable(db: Database, name: string): PendingWrites | undefined {
  try {
    return readPendingWrites(db, name);
  } catch (error) {
    if (isKausalError(error) && error.code === 'CORRUPTION') return undefined;
    throw error;
  }
}
