// What a moved git checkout means for a workspace. The checkout's commit moves with any commit in
// the repository, also one that touches nothing under the workspace's root (which may be a
// subdirectory): then there is nothing to sync, and saying "run sync" would send people to no end.
import type { WorkspaceStatus } from './status.js';

export type CheckoutMove = 'none' | 'workspace-untouched' | 'sync-needed';

export function checkoutMove(status: WorkspaceStatus): CheckoutMove {
  // A workspace never synced to the end (an interrupted link) has no commit to have moved from.
  if (status.syncedAt === '') return 'none';
  if (status.currentCommit === undefined || status.currentCommit === status.commit) return 'none';
  const changes = status.changes;
  const untouched =
    changes !== undefined &&
    changes.added + changes.modified + changes.deleted === 0 &&
    !changes.configChanged;
  return untouched ? 'workspace-untouched' : 'sync-needed';
}
