// The service: every request kind run against one open database. The CLI runs it in-process on a
// database it opened for one command; the server runs it on the database it owns for its whole
// life. Both therefore give the same answers. Parameters are checked here (they may come from a
// network peer). The heavy modules (parsers, resolution, the file walk) are loaded only by the
// requests that need them, so a query stays light; the light ones are imported up front, because
// each module loaded on demand costs a short query process a resolve-and-link round of its own.
import { isAbsolute } from 'node:path';
import { KausalError, invalidArgument } from '../core/errors.js';
import type { Database } from '../database.js';
import type { FreshnessSource, QueryContext } from '../query/index.js';
import { limits } from '../core/limits.js';
import { printable } from '../core/printable.js';
import { systemClock } from '../core/clock.js';
import { YieldBudget } from '../core/yield-budget.js';
import { buildContext } from '../query/context.js';
import { exportGraph } from '../query/export.js';
import { find } from '../query/find.js';
import { rebuildNameIndex } from '../query/name-index-rebuild.js';
import { findPaths } from '../query/paths.js';
import { show } from '../query/show.js';
import { trace } from '../query/trace.js';
import { SharedEntityCache } from '../query/shared-entity-cache.js';
import { version } from '../version.js';
import { readRegistry, requireWorkspace } from '../workspace/records.js';
import { freshnessSource } from '../workspace/freshness.js';
import { FreshnessCache } from './freshness-cache.js';
import { unlinkWorkspace } from '../workspace/unlink.js';
import { checkParams } from './params.js';
import {
  writeRequestKinds,
  type ParamsOf,
  type ProgressEvent,
  type RequestKind,
  type ResultOf,
  type SyncParams,
} from './requests.js';

export interface ServiceOptions {
  readonly mode: 'server' | 'embedded';
  /**
   * How long a workspace's freshness (a stat of each of its files) may be reused. A server
   * answering many queries a second sets it; zero checks on every query. Any write clears it.
   */
  readonly freshnessTtlMs?: number;
  readonly startedAt?: number;
  /** Parse workers of a link or sync that names none (default: the ingestion default). */
  readonly parseWorkers?: number;
  /**
   * The budget of the entities shared by queries (0: none). By default
   * `limits.entityCacheBytesDefault` in a server, none in an embedded command.
   */
  readonly entityCacheBytes?: number;
  /**
   * The database is a snapshot read while another process writes it (an embedded query during a
   * link): a link or sync found on the way is reported as running (`syncing`), not interrupted.
   */
  readonly writerActive?: boolean;
}

/**
 * How long a write may hold the thread between yields. A server answers queries between the steps
 * of a sync; a command in its own process has no one to yield to, and takes the large batches
 * (fewer fsyncs: a Python-stdlib link is 10–20 % faster).
 */
function yieldEveryMs(mode: ServiceOptions['mode']): number {
  return mode === 'server' ? limits.yieldBudgetMsDefault : Number.POSITIVE_INFINITY;
}

export interface RequestOptions {
  readonly onProgress?: (event: ProgressEvent) => void;
}

type Handler<K extends RequestKind> = (params: ParamsOf<K>, options: RequestOptions) => Promise<ResultOf<K>>;

export class Service {
  private readonly startedAt: number;
  /** A server's freshness answers, reused between queries (undefined: checked at every answer). */
  private readonly freshnessCache: FreshnessCache | undefined;
  private readonly handlers: { readonly [K in RequestKind]: Handler<K> };
  /** Entities decoded by earlier queries; writes to the database make it forget what they change. */
  private readonly entities: SharedEntityCache | undefined;
  /** Workspaces a link, sync or unlink of this service is writing now, with how many do. */
  private readonly writing = new Map<string, number>();
  /**
   * Whether a write of `workspace` runs now: its pending writes are then work under way, not a
   * stopped sync (freshness `syncing`, not `interrupted`). On a snapshot read while another
   * process writes, any workspace may be.
   */
  private readonly syncingNow = (workspace: string): boolean =>
    this.options.writerActive === true || this.writing.has(workspace);
  /** When the last query (any request that is not a write) arrived. */
  private lastQueryAt = Number.NEGATIVE_INFINITY;
  /**
   * Whether queries are being answered now: a link, sync, unlink or reindex then yields after
   * about a millisecond instead of its full budget (YieldBudget), so queries come first.
   */
  private readonly contended = (): boolean =>
    performance.now() - this.lastQueryAt < limits.queryContentionWindowMs;

  constructor(
    readonly db: Database,
    private readonly options: ServiceOptions,
  ) {
    this.startedAt = options.startedAt ?? Date.now();
    // An embedded command opens the database for one request: nothing would outlive it.
    const entityCacheBytes =
      options.entityCacheBytes ?? (options.mode === 'server' ? limits.entityCacheBytesDefault : 0);
    this.entities = entityCacheBytes > 0 ? SharedEntityCache.following(db, entityCacheBytes) : undefined;
    const freshnessTtlMs = options.freshnessTtlMs ?? 0;
    this.freshnessCache =
      freshnessTtlMs > 0
        ? new FreshnessCache(db, freshnessTtlMs, { syncingNow: this.syncingNow })
        : undefined;
    this.handlers = {
      ping: async (params) => this.ping(params.echo),
      status: async (params) => this.status(params),
      link: async (params, { onProgress }) => {
        if (!isAbsolute(params.root)) throw invalidArgument('root must be an absolute path');
        const { linkWorkspace } = await import('../workspace/sync.js');
        const workers = params.workers ?? this.options.parseWorkers;
        return this.whileWriting(params.name, () =>
          linkWorkspace(this.db, params.root, params.name, {
            ...this.syncOptions(),
            ...(workers === undefined ? {} : { workers }),
            ...progressOption(params.name, onProgress),
          }),
        );
      },
      unlink: async (params) => {
        return this.whileWriting(params.name, () =>
          unlinkWorkspace(this.db, params.name, {
            yieldEveryMs: yieldEveryMs(this.options.mode),
            contended: this.contended,
          }),
        );
      },
      sync: async (params, options) => this.sync(params, options),
      reindex: async () => {
        const started = performance.now();
        const summary = await rebuildNameIndex(
          this.db,
          new YieldBudget(yieldEveryMs(this.options.mode), systemClock, this.contended),
        );
        return { ...summary, seconds: (performance.now() - started) / 1000 };
      },
      find: async (params) => find(this.queryContext(params), params),
      show: async (params) => show(this.queryContext(params), params),
      trace: async (params) => trace(this.queryContext(params), params),
      path: async (params) => findPaths(this.queryContext(params), params),
      context: async (params) => buildContext(this.queryContext(params), params),
      export: async (params) => exportGraph(this.queryContext(params), params),
    };
  }

  /**
   * The sync options the mode implies: the yield budget, yielding sooner while queries are
   * answered, and warm parse workers only in a server (a command's process ends right after, and
   * their memory would go with it anyway).
   */
  private syncOptions(): { yieldEveryMs: number; contended: () => boolean; keepWorkersWarm: boolean } {
    const mode = this.options.mode;
    return {
      yieldEveryMs: yieldEveryMs(mode),
      contended: this.contended,
      keepWorkersWarm: mode === 'server',
    };
  }

  /** Runs one request; `params` is checked first, whatever its origin. */
  async execute<K extends RequestKind>(
    kind: K,
    params: unknown,
    options: RequestOptions = {},
  ): Promise<ResultOf<K>> {
    const checked = checkParams(kind, params);
    if (!writeRequestKinds.has(kind)) this.lastQueryAt = performance.now();
    const handler = this.handlers[kind] as Handler<K>;
    try {
      const result = await handler(checked, options);
      if (writeRequestKinds.has(kind)) this.compactAfterBulkWrite();
      return result;
    } finally {
      if (writeRequestKinds.has(kind)) {
        this.freshnessCache?.clear();
      }
    }
  }

  /**
   * A request that wrote much of the database (a first link, a forced sync) leaves it spread over
   * several tables, and every lookup probes each of them; merged into one, the callers query on a
   * million-edge graph took half the time at p99 (1.4 → 0.7 ms). Only in a command's own process,
   * whose counters cover just this request: a server merges tiers in the background between
   * queries, and rewriting the database after a small sync would cost more than it saves.
   */
  private compactAfterBulkWrite(): void {
    if (this.options.mode !== 'embedded') return;
    const stats = this.db.stats();
    if (stats.tables > 1 && stats.walBytesWritten * 4 >= stats.tableBytes) this.db.compact();
  }

  private ping(echo: string | undefined): ResultOf<'ping'> {
    return {
      pong: true,
      version,
      pid: process.pid,
      dataDirectory: this.db.directory,
      mode: this.options.mode,
      uptimeMs: Date.now() - this.startedAt,
      ...(echo === undefined ? {} : { echo }),
    };
  }

  private async status(params: ParamsOf<'status'>): Promise<ResultOf<'status'>> {
    const { workspaceStatuses } = await import('../workspace/status.js');
    return {
      dataDirectory: this.db.directory,
      workspaces: await workspaceStatuses(this.db, {
        check: params.check !== false,
        syncingNow: this.syncingNow,
        ...(params.workspace === undefined ? {} : { name: params.workspace }),
      }),
      ...(params.verbose === true ? { storage: this.db.stats() } : {}),
      ...(params.verbose === true && this.entities !== undefined
        ? { entityCache: this.entities.stats() }
        : {}),
    };
  }

  private async sync(params: SyncParams, { onProgress }: RequestOptions): Promise<ResultOf<'sync'>> {
    const { syncWorkspace } = await import('../workspace/sync.js');
    const names = this.syncTargets(params);
    const workers = params.workers ?? this.options.parseWorkers;
    const reports = [];
    for (const name of names) {
      reports.push(
        await this.whileWriting(name, () =>
          syncWorkspace(this.db, requireWorkspace(this.db, name), {
            ...this.syncOptions(),
            ...(params.force === undefined ? {} : { force: params.force }),
            ...(workers === undefined ? {} : { workers }),
            ...progressOption(name, onProgress),
          }),
        ),
      );
    }
    return reports;
  }

  /** Runs `write` with `workspace` counted as being written (see `syncingNow`). */
  private async whileWriting<T>(workspace: string, write: () => Promise<T>): Promise<T> {
    this.writing.set(workspace, (this.writing.get(workspace) ?? 0) + 1);
    try {
      return await write();
    } finally {
      const count = (this.writing.get(workspace) ?? 1) - 1;
      if (count === 0) this.writing.delete(workspace);
      else this.writing.set(workspace, count);
    }
  }

  private syncTargets(params: SyncParams): readonly string[] {
    const linked = readRegistry(this.db);
    if (params.all === true) return linked;
    if (params.names !== undefined && params.names.length > 0) return params.names;
    if (linked.length === 1) return linked;
    if (linked.length === 0) {
      throw invalidArgument("no workspace is linked; run 'kausal link --path <dir>' first");
    }
    throw invalidArgument(`several workspaces are linked (${linked.join(', ')}); name one or pass --all`);
  }

  /** The context of a query: the graph, the linked workspaces, and their freshness when there are some. */
  private queryContext(params: { readonly workspace?: string | undefined }): QueryContext & {
    readonly graph: Database;
  } {
    const linked = readRegistry(this.db);
    const workspace = params.workspace;
    if (workspace !== undefined && linked.length > 0 && !linked.includes(workspace)) {
      throw new KausalError(
        'NOT_FOUND',
        `no workspace named '${printable(workspace)}' (linked: ${linked.map(printable).join(', ')})`,
      );
    }
    const entities = this.entities === undefined ? {} : { entities: this.entities };
    // With none linked, answers still say so (see unsearchableReason), and need no freshness.
    const freshness = linked.length === 0 ? {} : { freshness: this.freshness() };
    return { graph: this.db, ...freshness, workspaces: linked, ...entities };
  }

  private freshness(): FreshnessSource {
    return this.freshnessCache?.source() ?? freshnessSource(this.db, this.syncingNow);
  }
}

function progressOption(
  workspace: string,
  onProgress: ((event: ProgressEvent) => void) | undefined,
): { onProgress?: (progress: Omit<ProgressEvent, 'workspace'>) => void } {
  if (onProgress === undefined) return {};
  return { onProgress: (progress) => onProgress({ workspace, ...progress }) };
}
