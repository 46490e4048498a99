// The requests a KausalDB database answers, as plain JSON-shaped data: one vocabulary for the CLI
// in-process, the CLI through a server, the wire protocol and the MCP tools. Adding a request
// kind means adding it here, to `requestKinds`, to the parameter checks (params.ts) and to the
// service (service.ts); the compiler points at whatever is missing.
import type { EntityCacheStats } from '../query/shared-entity-cache.js';
import type { DatabaseStats } from '../database.js';
import type {
  ContextAnswer,
  ContextRequest,
  ExportRequest,
  FindAnswer,
  FindRequest,
  GraphExport,
  PathAnswer,
  PathRequest,
  RebuildSummary,
  ShowAnswer,
  ShowRequest,
  TraceAnswer,
  TraceRequest,
  UnresolvedPathEnd,
  UnresolvedTarget,
} from '../query/index.js';
import type { SyncReport, UnlinkReport, WorkspaceStatus } from '../workspace/index.js';

export interface PingParams {
  readonly echo?: string;
}

export interface PingResult {
  readonly pong: true;
  readonly version: string;
  readonly pid: number;
  readonly dataDirectory: string;
  /** 'server' when a server answered, 'embedded' when the caller opened the database itself. */
  readonly mode: 'server' | 'embedded';
  readonly uptimeMs: number;
  readonly echo?: string;
  /** Present when a server answered. */
  readonly server?: ServerStats;
}

export interface ServerStats {
  readonly connections: number;
  readonly connectionsRefused: number;
  readonly requests: number;
  readonly writesQueued: number;
  /** The write request running now, if any (link, sync, …). */
  readonly writeRunning?: RequestKind;
}

export interface StatusParams {
  readonly workspace?: string;
  /** Compare the directory with the file table (default true). */
  readonly check?: boolean;
  readonly verbose?: boolean;
}

export interface StatusResult {
  readonly dataDirectory: string;
  readonly workspaces: readonly WorkspaceStatus[];
  readonly storage?: DatabaseStats;
  /** With `verbose`, in a process that keeps one: the entities shared by queries. */
  readonly entityCache?: EntityCacheStats;
}

export interface LinkParams {
  /** An absolute path: the server resolves nothing against its own working directory. */
  readonly root: string;
  readonly name: string;
  readonly workers?: number;
}

export interface UnlinkParams {
  readonly name: string;
}

export interface SyncParams {
  /** Workspaces to sync; with neither this nor `all`, the only linked workspace. */
  readonly names?: readonly string[];
  readonly all?: boolean;
  readonly force?: boolean;
  readonly workers?: number;
}

export interface ReindexResult extends RebuildSummary {
  readonly seconds: number;
}

/** Every request kind with its parameters and its result. */
export interface RequestMap {
  ping: { params: PingParams; result: PingResult };
  status: { params: StatusParams; result: StatusResult };
  link: { params: LinkParams; result: SyncReport };
  unlink: { params: UnlinkParams; result: UnlinkReport };
  sync: { params: SyncParams; result: SyncReport[] };
  reindex: { params: Record<string, never>; result: ReindexResult };
  find: { params: FindRequest; result: FindAnswer };
  show: { params: ShowRequest; result: ShowAnswer | UnresolvedTarget };
  trace: { params: TraceRequest; result: TraceAnswer | UnresolvedTarget };
  path: { params: PathRequest; result: PathAnswer | UnresolvedPathEnd };
  context: { params: ContextRequest; result: ContextAnswer | UnresolvedTarget };
  export: { params: ExportRequest; result: GraphExport | UnresolvedTarget };
}

export type RequestKind = keyof RequestMap;
export type ParamsOf<K extends RequestKind> = RequestMap[K]['params'];
export type ResultOf<K extends RequestKind> = RequestMap[K]['result'];

export const requestKinds = [
  'ping',
  'status',
  'link',
  'unlink',
  'sync',
  'reindex',
  'find',
  'show',
  'trace',
  'path',
  'context',
  'export',
] as const satisfies readonly RequestKind[];

/** Requests that change the database: one runs at a time, queries keep being answered meanwhile. */
export const writeRequestKinds: ReadonlySet<RequestKind> = new Set(['link', 'unlink', 'sync', 'reindex']);

/** Progress of a long request (link, sync), streamed to whoever asked. */
export interface ProgressEvent {
  readonly workspace?: string;
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}

export function isRequestKind(value: unknown): value is RequestKind {
  return typeof value === 'string' && (requestKinds as readonly string[]).includes(value);
}
