// path: the shortest call paths from A to B. A layered breadth-first search from A follows
// `calls` edges, recording for each node the edges that reach it from the previous layer, and stops
// at the layer where B appears (or at the depth limit, or at the visit cap). The shortest paths
// are then walked back from B through those edges with an explicit stack, the most trustworthy
// call first (exact before guesses, then confidence, line and id: the same graph always gives the
// same paths); the first K are read and sorted in the stable entity order. Only their blocks are
// read: the search itself runs on edges alone. Longer detours are not listed: every path returned has
// the minimal length. No path within the depth is an answer too, stated as such.
import type { BlockId } from '../core/block-id.js';
import { limits } from '../core/limits.js';
import type { StoredEdge } from '../core/types.js';
import type { QueryContext, UnresolvedTarget } from './answer.js';
import { compareEntities, type Entity } from './entity.js';
import { EntityCache } from './graph-reader.js';
import { HonestyTally, type Honesty } from './honesty.js';
import { compareEdges, type NeighbourStep } from './neighbours.js';
import { provenanceOf, type EdgeProvenance } from './provenance.js';
import { checkRange, type Site } from './show.js';
import { resolveTargets } from './target.js';

export interface PathRequest {
  readonly from: string;
  readonly to: string;
  readonly maxDepth?: number;
  readonly maxPaths?: number;
  readonly workspace?: string;
  /** Take every entity a name matches, on both ends, instead of answering "ambiguous". */
  readonly all?: boolean;
}

export interface PathStep {
  readonly entity: Entity;
  /** The call into this step (absent on the first). */
  readonly edge?: EdgeProvenance;
  readonly site?: Site;
}

export interface CallPath {
  /** Calls along the path (steps minus one). */
  readonly length: number;
  readonly steps: readonly PathStep[];
}

export interface PathAnswer {
  readonly status: 'ok';
  readonly from: readonly Entity[];
  readonly to: readonly Entity[];
  readonly maxDepth: number;
  readonly paths: readonly CallPath[];
  /** Shortest paths found (a lower bound when `complete` is false). */
  readonly found: number;
  readonly complete: boolean;
  /** Why there is no path: none within the depth, or the search stopped at its visit cap. */
  readonly reason?: 'no-path-within-depth' | 'search-cap';
  /** Nodes expanded by the search. */
  readonly visited: number;
  readonly honesty: Honesty;
}

const callersStep: NeighbourStep = { edgeType: 'calls', direction: 'in' };

/** Edges reaching each node from the previous layer: the shortest-path DAG. */
type Predecessors = Map<BlockId, StoredEdge[]>;

interface SearchOutcome {
  readonly predecessors: Predecessors;
  readonly reached: BlockId[];
  readonly visited: number;
  readonly capped: boolean;
}

/** An unresolved end of a path query, naming which end it is. */
export type UnresolvedPathEnd = UnresolvedTarget & { readonly side: 'from' | 'to' };

export function findPaths(context: QueryContext, request: PathRequest): PathAnswer | UnresolvedPathEnd {
  const maxDepth = checkRange(
    'maxDepth',
    request.maxDepth ?? limits.pathDepthDefault,
    1,
    limits.traceDepthMax,
  );
  const maxPaths = checkRange(
    'maxPaths',
    request.maxPaths ?? limits.pathCountDefault,
    1,
    limits.pathCountMax,
  );
  const cache = new EntityCache(context.graph);
  const options = {
    ...(request.workspace === undefined ? {} : { workspace: request.workspace }),
    all: request.all === true,
  };
  const from = resolveTargets(context, cache, { target: request.from, ...options });
  if (from.status !== 'resolved') return { ...from, side: 'from' };
  const to = resolveTargets(context, cache, { target: request.to, ...options });
  if (to.status !== 'resolved') return { ...to, side: 'to' };

  const targets = new Set(to.entities.map((entity) => entity.id));
  const search = searchLayers(context, from.entities, targets, maxDepth);
  const enumerated = enumeratePaths(search.predecessors, search.reached);
  const paths = enumerated.paths
    .slice(0, maxPaths)
    .map((path) => toCallPath(cache, path))
    .filter((path): path is CallPath => path !== undefined)
    .sort(comparePaths);

  const honesty = new HonestyTally();
  for (const entity of [...from.entities, ...to.entities]) honesty.addEntity(entity);
  for (const path of paths) {
    for (const step of path.steps) {
      honesty.addEntity(step.entity);
      if (step.edge !== undefined) honesty.addEdge(step.edge);
    }
  }
  const reason = paths.length > 0 ? undefined : search.capped ? 'search-cap' : 'no-path-within-depth';
  return {
    status: 'ok',
    from: from.entities,
    to: to.entities,
    maxDepth,
    paths,
    found: enumerated.paths.length,
    complete: !search.capped && !enumerated.capped,
    ...(reason === undefined ? {} : { reason }),
    visited: search.visited,
    honesty: honesty.finish(context.freshness),
  };
}

function searchLayers(
  context: QueryContext,
  sources: readonly Entity[],
  targets: ReadonlySet<BlockId>,
  maxDepth: number,
): SearchOutcome {
  const predecessors: Predecessors = new Map();
  const layerOf = new Map<BlockId, number>();
  let frontier = sources.map((entity) => entity.id);
  for (const id of frontier) layerOf.set(id, 0);
  const reachedAtStart = frontier.filter((id) => targets.has(id));
  if (reachedAtStart.length > 0) return { predecessors, reached: reachedAtStart, visited: 0, capped: false };
  let visited = 0;
  for (let layer = 1; layer <= maxDepth && frontier.length > 0; layer++) {
    const next: BlockId[] = [];
    for (const id of frontier) {
      if (visited >= limits.pathVisitsMax) return { predecessors, reached: [], visited, capped: true };
      visited++;
      for (const edge of context.graph.outgoingEdges(id, { type: 'calls' })) {
        const known = layerOf.get(edge.target);
        if (known !== undefined && known < layer) continue; // reached sooner: not on a shortest path
        if (known === undefined) {
          layerOf.set(edge.target, layer);
          next.push(edge.target);
        }
        const list = predecessors.get(edge.target);
        if (list === undefined) predecessors.set(edge.target, [edge]);
        else list.push(edge);
      }
    }
    const reached = next.filter((id) => targets.has(id));
    if (reached.length > 0) return { predecessors, reached, visited, capped: false };
    frontier = next;
  }
  return { predecessors, reached: [], visited, capped: false };
}

interface EdgePath {
  readonly start: BlockId;
  readonly edges: readonly StoredEdge[];
}

/** Walks back from each reached target through the predecessor edges, with an explicit stack. */
function enumeratePaths(
  predecessors: Predecessors,
  reached: readonly BlockId[],
): { paths: EdgePath[]; capped: boolean } {
  const paths: EdgePath[] = [];
  // Each stack entry is a partial path from some node to a target, as edges in forward order.
  const stack: { node: BlockId; suffix: StoredEdge[] }[] = reached.map((node) => ({ node, suffix: [] }));
  while (stack.length > 0) {
    if (paths.length >= limits.pathEnumerationMax) return { paths, capped: true };
    const { node, suffix } = stack.pop() as { node: BlockId; suffix: StoredEdge[] };
    const incoming = predecessors.get(node);
    if (incoming === undefined) {
      paths.push({ start: node, edges: suffix }); // only sources have no predecessors
      continue;
    }
    // Pushed worst first, so the most trustworthy call (exact, confident, earliest) pops first.
    const ranked = [...incoming].sort((left, right) => compareEdges(right, left, callersStep));
    for (const edge of ranked) stack.push({ node: edge.source, suffix: [edge, ...suffix] });
  }
  return { paths, capped: false };
}

function toCallPath(cache: EntityCache, path: EdgePath): CallPath | undefined {
  const start = cache.get(path.start);
  if (start === undefined) return undefined;
  const steps: PathStep[] = [{ entity: start }];
  let previous = start;
  for (const edge of path.edges) {
    const entity = cache.get(edge.target);
    if (entity === undefined) return undefined; // a dangling edge cannot be shown as a step
    const provenance = provenanceOf(edge);
    const line = provenance.line;
    steps.push({
      entity,
      edge: provenance,
      ...(line === undefined ? {} : { site: { file: previous.file, line } }),
    });
    previous = entity;
  }
  return { length: path.edges.length, steps };
}

function comparePaths(left: CallPath, right: CallPath): number {
  if (left.length !== right.length) return left.length - right.length;
  for (let index = 0; index < left.steps.length; index++) {
    const order = compareEntities(
      (left.steps[index] as PathStep).entity,
      (right.steps[index] as PathStep).entity,
    );
    if (order !== 0) return order;
  }
  return 0;
}
