// The query layer's API: find, show, trace, path, context and export over a database, plus the
// name index they rely on (maintained by ingestion through `nameIndexOperations`).
export type { AmbiguousAnswer, Candidate, NotFoundAnswer, QueryContext, UnresolvedTarget } from './answer.js';
export {
  buildContext,
  type ContextAnswer,
  type ContextRequest,
  type IncludedItem,
  type OmittedGroup,
} from './context.js';
export type { ContextRole, ContextSection } from './context-items.js';
export { compareEntities, locationOf, type Entity } from './entity.js';
export {
  exportEdgeTypes,
  exportGraph,
  type ExportContext,
  type ExportEdge,
  type ExportRequest,
  type GraphExport,
} from './export.js';
export { toDot, toMermaid } from './export-formats.js';
export { find, type FindAnswer, type FindRequest, type FindResult, type MatchQuality } from './find.js';
export type { FreshnessReport, FreshnessSource, FreshnessState, WorkspaceFreshness } from './freshness.js';
export type { GraphReader, GraphScanner, GraphWriter } from './graph-reader.js';
export type { Honesty } from './honesty.js';
export { entityKinds, kindFilters, type KindFilter } from './kinds.js';
export {
  entityIndexEdges,
  NameIndexChange,
  nameIndexOperations,
  nameIndexPresent,
  versionEdge as nameIndexVersionEdge,
  type IndexedEntity,
  type NameIndexReader,
  type RemovedEntity,
} from './name-index.js';
export { rebuildNameIndex, type RebuildSummary } from './name-index-rebuild.js';
export { nameIndexEdgeType, nameIndexVersion } from './name-keys.js';
export { matchModes, type MatchMode } from './name-match.js';
export {
  findPaths,
  type CallPath,
  type PathAnswer,
  type PathRequest,
  type PathStep,
  type UnresolvedPathEnd,
} from './paths.js';
export type { EdgeProvenance } from './provenance.js';
export { relationNames, relations, type RelationName, type RelationSpec } from './relations.js';
export { SharedEntityCache, type EntityCacheStats, type WriteAnnouncer } from './shared-entity-cache.js';
export { show, type RelationItem, type ShowAnswer, type ShowRequest, type Site } from './show.js';
export { estimateTokens } from './token-budget.js';
export {
  trace,
  type TraceAnswer,
  type TraceDirection,
  type TraceMark,
  type TraceNode,
  type TraceRequest,
} from './trace.js';
