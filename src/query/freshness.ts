// Freshness: how current the graph is for a workspace. The workspace layer knows when it last
// synced and whether files changed since; it plugs in through `FreshnessSource`. Without one,
// every answer says "unknown" rather than implying the graph is current.
import { isKausalError } from '../core/errors.js';

export interface WorkspaceFreshness {
  /** When the workspace was last synced (ISO 8601 text or epoch milliseconds). */
  readonly syncedAt: string | number;
  /** The commit the sync saw, when the workspace is a git checkout. */
  readonly commit?: string;
  /** Files changed on disk since that sync, when the workspace layer checked. */
  readonly filesChangedSince?: number;
  /**
   * The last link or sync stopped before it finished: the graph may hold part of it (and
   * `syncedAt` is '' when the workspace was never synced to the end).
   */
  readonly interrupted?: boolean;
  /**
   * A link or sync of the workspace is running in another process now, and this answer was read
   * from a snapshot while it wrote: the graph holds part of it (in place of `interrupted`).
   */
  readonly syncing?: boolean;
}

export type FreshnessSource = (workspace: string) => WorkspaceFreshness | undefined;

export type FreshnessState = 'fresh' | 'stale' | 'unverified' | 'interrupted' | 'syncing' | 'unknown';

export interface FreshnessReport {
  readonly workspace: string;
  /**
   * fresh: synced and no file changed since; stale: files changed since the sync; unverified:
   * synced, but nobody checked for changes; interrupted: the last link or sync stopped before it
   * finished (run a sync); syncing: a link or sync is writing it now in another process, and the
   * answer holds what it had written; unknown: no sync record (or no workspace layer).
   */
  readonly state: FreshnessState;
  readonly syncedAt?: string | number;
  readonly commit?: string;
  readonly filesChangedSince?: number;
}

function stateOf(freshness: WorkspaceFreshness): FreshnessState {
  if (freshness.syncing === true) return 'syncing';
  if (freshness.interrupted === true) return 'interrupted';
  if (freshness.filesChangedSince === undefined) return 'unverified';
  return freshness.filesChangedSince > 0 ? 'stale' : 'fresh';
}

export function freshnessOf(source: FreshnessSource | undefined, workspace: string): FreshnessReport {
  let freshness: WorkspaceFreshness | undefined;
  try {
    freshness = source?.(workspace);
  } catch (error) {
    // A failing sync record (an unreadable file, say) must not fail the query: say "unknown".
    if (!isKausalError(error)) throw error;
    freshness = undefined;
  }
  if (freshness === undefined) return { workspace, state: 'unknown' };
  return {
    workspace,
    state: stateOf(freshness),
    ...(freshness.syncedAt === '' ? {} : { syncedAt: freshness.syncedAt }),
    ...(freshness.commit === undefined ? {} : { commit: freshness.commit }),
    ...(freshness.filesChangedSince === undefined ? {} : { filesChangedSince: freshness.filesChangedSince }),
  };
}
