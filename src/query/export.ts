// export: a workspace, or the neighbourhood of a target, as nodes and edges. A workspace export is
// a scan (every block, then every edge); a neighbourhood is a breadth-first walk over the code
// relations in both directions. Both stop at a node cap and say so. The index's own edges and the
// inverse duplicates of `contains` (`defined_in`, `method_of`) are left out.
import type { BlockId } from '../core/block-id.js';
import { limits } from '../core/limits.js';
import type { EdgeType, KnownEdgeType, StoredEdge } from '../core/types.js';
import type { QueryContext, UnresolvedTarget } from './answer.js';
import { compareEntities, entityFromBlock, isEntityMetadata, type Entity } from './entity.js';
import { EntityCache, type GraphScanner } from './graph-reader.js';
import { HonestyTally, type Honesty } from './honesty.js';
import { provenanceOf, type EdgeProvenance } from './provenance.js';
import { checkRange } from './show.js';
import { resolveTargets } from './target.js';

export const exportEdgeTypes: ReadonlySet<EdgeType> = new Set<KnownEdgeType>([
  'calls',
  'imports',
  'contains',
  'extends',
  'implements',
  'references',
  'depends_on',
  'calls_method',
  'calls_function',
]);

export interface ExportRequest {
  readonly workspace?: string;
  /** Export the neighbourhood of this target instead of a whole workspace. */
  readonly target?: string;
  /** Steps from the target (default 1). */
  readonly depth?: number;
  readonly maxNodes?: number;
  readonly all?: boolean;
}

export interface ExportEdge {
  readonly source: BlockId;
  readonly target: BlockId;
  readonly edge: EdgeProvenance;
}

export interface GraphExport {
  readonly status: 'ok';
  readonly workspace?: string;
  readonly targets: readonly Entity[];
  readonly depth?: number;
  readonly nodes: readonly Entity[];
  readonly edges: readonly ExportEdge[];
  /** True when the node cap stopped the export: some nodes (and their edges) are missing. */
  readonly truncated: boolean;
  readonly honesty: Honesty;
}

export interface ExportContext extends QueryContext {
  readonly graph: GraphScanner;
}

export function exportGraph(context: ExportContext, request: ExportRequest): GraphExport | UnresolvedTarget {
  const maxNodes = checkRange(
    'maxNodes',
    request.maxNodes ?? limits.exportNodesDefault,
    1,
    limits.exportNodesMax,
  );
  if (request.target !== undefined) return exportNeighbourhood(context, request, maxNodes);
  const nodes = new Map<BlockId, Entity>();
  let truncated = false;
  for (const block of context.graph.scanBlocks()) {
    if (!isEntityMetadata(block.metadata)) continue;
    if (request.workspace !== undefined && block.metadata['workspace'] !== request.workspace) continue;
    if (nodes.size >= maxNodes) {
      truncated = true;
      break;
    }
    nodes.set(block.id, entityFromBlock(block));
  }
  const edges: ExportEdge[] = [];
  for (const edge of context.graph.scanEdges()) {
    if (exportEdgeTypes.has(edge.type) && nodes.has(edge.source) && nodes.has(edge.target))
      edges.push(exportEdgeOf(edge));
  }
  return finish(context, request, [], nodes, edges, truncated);
}

function exportEdgeOf(edge: StoredEdge): ExportEdge {
  return { source: edge.source, target: edge.target, edge: provenanceOf(edge) };
}

function exportNeighbourhood(
  context: ExportContext,
  request: ExportRequest,
  maxNodes: number,
): GraphExport | UnresolvedTarget {
  const depth = checkRange('depth', request.depth ?? 1, 1, limits.traceDepthMax);
  const cache = new EntityCache(context.graph, context.entities);
  const outcome = resolveTargets(context, cache, { ...request, target: request.target ?? '' });
  if (outcome.status !== 'resolved') return outcome;
  const nodes = new Map<BlockId, Entity>();
  for (const entity of outcome.entities.slice(0, maxNodes)) nodes.set(entity.id, entity);
  let truncated = outcome.entities.length > maxNodes;
  let frontier = [...nodes.keys()];
  for (let step = 1; step <= depth && frontier.length > 0 && !truncated; step++) {
    const next: BlockId[] = [];
    for (const id of frontier) {
      const adjacent = [...context.graph.outgoingEdges(id), ...context.graph.incomingEdges(id)];
      for (const edge of adjacent) {
        if (!exportEdgeTypes.has(edge.type)) continue;
        const far = edge.source === id ? edge.target : edge.source;
        if (nodes.has(far)) continue;
        const entity = cache.get(far);
        if (entity === undefined) continue;
        if (nodes.size >= maxNodes) {
          truncated = true;
          break;
        }
        nodes.set(far, entity);
        next.push(far);
      }
      if (truncated) break;
    }
    frontier = next;
  }
  const edges: ExportEdge[] = [];
  for (const id of nodes.keys()) {
    for (const edge of context.graph.outgoingEdges(id)) {
      if (exportEdgeTypes.has(edge.type) && nodes.has(edge.target)) edges.push(exportEdgeOf(edge));
    }
  }
  return finish(context, request, outcome.entities, nodes, edges, truncated, depth);
}

function finish(
  context: QueryContext,
  request: ExportRequest,
  targets: readonly Entity[],
  nodes: ReadonlyMap<BlockId, Entity>,
  edges: ExportEdge[],
  truncated: boolean,
  depth?: number,
): GraphExport {
  const ordered = [...nodes.values()].sort(compareEntities);
  const rank = new Map(ordered.map((entity, index) => [entity.id, index]));
  const position = (id: BlockId): number => rank.get(id) ?? 0;
  edges.sort(
    (left, right) =>
      position(left.source) - position(right.source) ||
      (left.edge.type < right.edge.type ? -1 : left.edge.type > right.edge.type ? 1 : 0) ||
      position(left.target) - position(right.target),
  );
  const honesty = new HonestyTally();
  if (request.workspace !== undefined) honesty.addWorkspace(request.workspace);
  for (const entity of ordered) honesty.addEntity(entity);
  for (const edge of edges) honesty.addEdge(edge.edge);
  return {
    status: 'ok',
    ...(request.workspace === undefined ? {} : { workspace: request.workspace }),
    targets,
    ...(depth === undefined ? {} : { depth }),
    nodes: ordered,
    edges,
    truncated,
    honesty: honesty.finish(context.freshness),
  };
}
