// The freshness every query answer carries: when the workspace was synced, at which commit, and
// a cheap check for edited files (stat of each file in the table; no walk, so new files are not
// seen). Kept apart from status.ts so a query process does not load the ingestion modules.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { limits } from '../core/limits.js';
import type { Database } from '../database.js';
import type { FreshnessSource } from '../query/index.js';
import { hasPendingWrites } from './pending-writes.js';
import { readStatTable, readWorkspaceRecord, type FileStat } from './records.js';

/** Files of the table whose size or mtime moved (no walk: new files are not seen). */
function quickModifiedCount(root: string, table: ReadonlyMap<string, FileStat>): number {
  let modified = 0;
  for (const [path, entry] of table) {
    try {
      const stats = statSync(join(root, path), { throwIfNoEntry: false });
      if (stats === undefined || stats.size !== entry.size || stats.mtimeMs !== entry.mtimeMs) modified++;
    } catch {
      modified++; // unreadable now (a directory in its path became a file, permissions)
    }
  }
  return modified;
}

/** The freshness every query answer carries: sync time, commit, and a cheap check for edits. */
export function freshnessSource(db: Database): FreshnessSource {
  return (workspace) => {
    const record = readWorkspaceRecord(db, workspace);
    if (record === undefined) return undefined;
    // A link or sync that stopped on the way: no stat can say how much of it the graph holds.
    if (hasPendingWrites(db, workspace)) return { syncedAt: record.syncedAt, interrupted: true };
    if (record.syncedAt === '') return undefined;
    const base = {
      syncedAt: record.syncedAt,
      ...(record.commit === undefined ? {} : { commit: record.commit }),
    };
    if (!isDirectory(record.root)) return base;
    // Larger workspaces say "unverified": a stat of every file would cost every answer too much.
    const table = readStatTable(db, workspace, limits.freshnessCheckFilesMax);
    if (table === undefined) return base;
    return { ...base, filesChangedSince: quickModifiedCount(record.root, table) };
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
