// The public API of the kausaldb package. Everything not exported here is internal.
export { Database, type DatabaseOptions, type DatabaseStats } from './database.js';
export { blockIdFromKey, isBlockId, type BlockId } from './core/block-id.js';
export { KausalError, isKausalError, type ErrorCode } from './core/errors.js';
export { limits } from './core/limits.js';
export {
  edgeTypeCodes,
  edgeTypes,
  type BlockInput,
  type ContextBlock,
  type EdgeType,
  type GraphEdge,
  type JsonObject,
  type JsonValue,
  type KnownEdgeType,
  type StoredEdge,
  type WriteOperation,
} from './core/types.js';
export type { EdgeQuery, ReadOptions, WriteOptions, WriteResult } from './storage/engine.js';
export type { Vfs, VfsFile, VfsLock, VfsStat } from './vfs/vfs.js';
export { NodeVfs } from './vfs/node-vfs.js';
export { KausalServer, type ServerOptions } from './server/server.js';
export { KausalClient, type ConnectOptions } from './server/client.js';
export type { ParamsOf, ProgressEvent, RequestKind, RequestMap, ResultOf } from './service/requests.js';
export { version } from './version.js';
export * from './query/index.js';
