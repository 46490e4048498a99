// Removes files a crash left behind: tables the manifest does not name (a flush or compaction that
// never committed) and WAL segments the manifest says tables already cover. Only names this engine
// creates are touched; anything else in the directory is left alone.
import { isKausalError } from '../core/errors.js';
import type { Vfs } from '../vfs/vfs.js';
import { joinPath } from '../vfs/vfs.js';
import type { ManifestState } from './manifest/manifest.js';
import { parseTableFileName } from './sstable/table-format.js';
import { parseSegmentName } from './wal/wal.js';

export function removeOrphans(vfs: Vfs, directory: string, state: ManifestState): number {
  const live = new Set(state.tables.map((table) => table.number));
  let removed = 0;
  for (const name of vfs.list(directory)) {
    const table = parseTableFileName(name);
    const segment = parseSegmentName(name);
    const orphan =
      (table !== undefined && !live.has(table)) || (segment !== undefined && segment < state.walStart);
    if (!orphan) continue;
    try {
      vfs.unlink(joinPath(directory, name));
      removed += 1;
    } catch (error) {
      // A removal this process started in the background may just have finished it.
      if (!isKausalError(error, 'NOT_FOUND')) throw error;
    }
  }
  if (removed > 0) vfs.syncDirectory(directory);
  return removed;
}
