// A server's freshness checks. Each answer carries its workspaces' freshness, whose check stats
// every file of the workspace (15 µs a stat on this machine: 75 ms for the 5,000 files above
// which a workspace is only "unverified"). Run on the event loop at every query, or even once a
// second, that stalls every client. So an answer is reused between queries, and once it is older
// than the TTL the next query still gets it while a check runs again with its stats on libuv's
// thread pool (stale while revalidating). Under a steady stream of queries the answers so stay
// within about a TTL of the disk; only a workspace's first check, the first after a write, and
// one after a quiet spell (an answer older than `staleAgeFactor` TTLs is not served) stat on
// the event loop.
import type { Database } from '../database.js';
import type { FreshnessSource, WorkspaceFreshness } from '../query/index.js';
import { checkFreshnessOffThread, freshnessSource, type SyncingNow } from '../workspace/freshness.js';

/** Past this many TTLs an answer is checked again before it is served, not after. */
const staleAgeFactor = 5;

interface Checked {
  readonly at: number;
  readonly value: WorkspaceFreshness | undefined;
}

export class FreshnessCache {
  private readonly checked = new Map<string, Checked>();
  private readonly refreshing = new Map<string, Promise<void>>();
  /** Moves on every write: a check that started before it must not land after it. */
  private generation = 0;

  private readonly syncingNow: SyncingNow | undefined;
  private readonly now: () => number;

  /** `syncingNow`: the workspaces being written (see SyncingNow); `now`: the clock (tests). */
  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
    options: { readonly syncingNow?: SyncingNow; readonly now?: () => number } = {},
  ) {
    this.syncingNow = options.syncingNow;
    this.now = options.now ?? Date.now;
  }

  /** The freshness source for one query's answer. */
  source(): FreshnessSource {
    const check = freshnessSource(this.db, this.syncingNow);
    return (workspace) => {
      const cached = this.checked.get(workspace);
      const age = cached === undefined ? Number.POSITIVE_INFINITY : this.now() - cached.at;
      if (cached === undefined || age >= this.ttlMs * staleAgeFactor) {
        const value = check(workspace);
        this.checked.set(workspace, { at: this.now(), value });
        return value;
      }
      if (age >= this.ttlMs) this.refresh(workspace);
      return cached.value;
    };
  }

  /** Forgets every answer: a write may have changed any of them. */
  clear(): void {
    this.checked.clear();
    this.generation++;
  }

  /** Resolves once the checks under way have landed (or been dropped). */
  async settled(): Promise<void> {
    await Promise.all(this.refreshing.values());
  }

  private refresh(workspace: string): void {
    if (this.refreshing.has(workspace)) return;
    const generation = this.generation;
    const landed = checkFreshnessOffThread(this.db, workspace, this.syncingNow).then(
      (value) => {
        if (generation === this.generation) this.checked.set(workspace, { at: this.now(), value });
      },
      () => {
        // The last answer stays until a check succeeds (an unreadable record, say).
      },
    );
    this.refreshing.set(
      workspace,
      landed.finally(() => this.refreshing.delete(workspace)),
    );
  }
}
