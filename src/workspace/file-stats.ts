// Questions about a workspace's files on disk that the sync, its status and every answer's
// freshness ask alike. A module of its own so a query process does not load the ingestion modules.
import { statSync } from 'node:fs';
import type { FileStat } from './records.js';

/** Whether `path` is a directory now (false when it is gone or cannot be read). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether a file moved since `recorded` was taken: another size or mtime, or gone (`now` undefined). */
export function statMoved(recorded: FileStat, now: FileStat | undefined): boolean {
  return now === undefined || now.size !== recorded.size || now.mtimeMs !== recorded.mtimeMs;
}
