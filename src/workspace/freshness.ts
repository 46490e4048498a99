// The freshness every query answer carries: when the workspace was synced, at which commit, and
// a cheap check for edited files (stat of each file in the table; no walk, so new files are not
// seen). Kept apart from status.ts so a query process does not load the ingestion modules.
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { limits } from '../core/limits.js';
import type { Database } from '../database.js';
import type { FreshnessSource, WorkspaceFreshness } from '../query/index.js';
import { isDirectory, statMoved } from './file-stats.js';
import { hasPendingWrites } from './pending-writes.js';
import { readStatTable, readWorkspaceRecord, type FileStat } from './records.js';

/** Files of the table whose size or mtime moved (no walk: new files are not seen). */
function quickModifiedCount(root: string, table: ReadonlyMap<string, FileStat>): number {
  let modified = 0;
  for (const [path, entry] of table) {
    try {
      if (statMoved(entry, statSync(join(root, path), { throwIfNoEntry: false }))) modified++;
    } catch {
      modified++; // unreadable now (a directory in its path became a file, permissions)
    }
  }
  return modified;
}

/** The same count with the stats run on libuv's thread pool, a bounded number at a time. */
async function modifiedCountOffThread(root: string, table: ReadonlyMap<string, FileStat>): Promise<number> {
  const entries = [...table];
  let next = 0;
  let modified = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const [path, entry] = entries[next++] as [string, FileStat];
      try {
        if (statMoved(entry, await stat(join(root, path)))) modified++;
      } catch {
        modified++; // gone, or unreadable now
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(statsInFlightMax, entries.length) }, worker));
  return modified;
}

/** Stats in flight at once in `modifiedCountOffThread` (libuv runs four at a time by default). */
const statsInFlightMax = 16;

/** What a freshness check reads from the database, and the stat table it then checks, if any. */
type FreshnessPlan =
  | { readonly done: WorkspaceFreshness | undefined }
  | {
      readonly base: WorkspaceFreshness;
      readonly root: string;
      readonly table: ReadonlyMap<string, FileStat>;
    };

/**
 * Whether a link, sync or unlink of `workspace` is running now: one of this process's (a server
 * answers queries while it syncs), or any, for a snapshot read while another process writes.
 * A write found on the way is then running, not stopped.
 */
export type SyncingNow = (workspace: string) => boolean;

const noneSyncing: SyncingNow = () => false;

function planFreshness(db: Database, workspace: string, syncingNow: SyncingNow): FreshnessPlan {
  const record = readWorkspaceRecord(db, workspace);
  if (record === undefined) return { done: undefined };
  // A link or sync on the way: no stat can say how much of it the graph holds.
  if (hasPendingWrites(db, workspace)) {
    const state = syncingNow(workspace) ? { syncing: true } : { interrupted: true };
    return { done: { syncedAt: record.syncedAt, ...state } };
  }
  if (record.syncedAt === '') return { done: undefined };
  const base = {
    syncedAt: record.syncedAt,
    ...(record.commit === undefined ? {} : { commit: record.commit }),
  };
  if (!isDirectory(record.root)) return { done: base };
  // Larger workspaces say "unverified": a stat of every file would cost every answer too much.
  const table = readStatTable(db, workspace, limits.freshnessCheckFilesMax);
  if (table === undefined) return { done: base };
  return { base, root: record.root, table };
}

/** The freshness every query answer carries: sync time, commit, and a cheap check for edits. */
export function freshnessSource(db: Database, syncingNow: SyncingNow = noneSyncing): FreshnessSource {
  return (workspace) => {
    const plan = planFreshness(db, workspace, syncingNow);
    if ('done' in plan) return plan.done;
    return { ...plan.base, filesChangedSince: quickModifiedCount(plan.root, plan.table) };
  };
}

/**
 * The same check with the stats off the event loop: a server refreshes a workspace's freshness
 * this way while its queries go on (a stat costs 15 µs here, 75 ms for a workspace of 5,000
 * files). The database is read before the first stat, so it may close meanwhile.
 */
export async function checkFreshnessOffThread(
  db: Database,
  workspace: string,
  syncingNow: SyncingNow = noneSyncing,
): Promise<WorkspaceFreshness | undefined> {
  const plan = planFreshness(db, workspace, syncingNow);
  if ('done' in plan) return plan.done;
  return { ...plan.base, filesChangedSince: await modifiedCountOffThread(plan.root, plan.table) };
}
