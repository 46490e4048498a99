// Workspaces: directories linked into the database and kept in sync with it.
export {
  linkWorkspace,
  syncWorkspace,
  type SyncOptions,
  type SyncPhase,
  type SyncProgress,
  type SyncReport,
} from './sync.js';
export { unlinkWorkspace, type UnlinkOptions, type UnlinkReport } from './unlink.js';
export { freshnessSource } from './freshness.js';
export { changesSince, workspaceStatuses, type ChangesSinceSync, type WorkspaceStatus } from './status.js';
export {
  readRegistry,
  readWorkspaceRecord,
  requireWorkspace,
  type FileEntry,
  type WorkspaceRecord,
} from './records.js';
