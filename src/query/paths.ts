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

/** Edges reaching each node from the previous forward layer: the source side of the DAG. */
type Predecessors = Map<BlockId, StoredEdge[]>;

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
  const cache = new EntityCache(context.graph, context.entities);
  const options = {
    ...(request.workspace === undefined ? {} : { workspace: request.workspace }),
    all: request.all === true,
  };
  const from = resolveTargets(context, cache, { target: request.from, ...options });
  if (from.status !== 'resolved') return { ...from, side: 'from' };
  const to = resolveTargets(context, cache, { target: request.to, ...options });
  if (to.status !== 'resolved') return { ...to, side: 'to' };

  const targets = new Set(to.entities.map((entity) => entity.id));
  const search = searchBothWays(context, from.entities, targets, maxDepth);
  const enumerated = enumeratePaths(search);
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

/** Edges leaving each node toward the next backward layer: the target side of the DAG. */
type Successors = Map<BlockId, StoredEdge[]>;

interface SearchOutcome {
  readonly predecessors: Predecessors;
  readonly successors: Successors;
  /** Nodes every shortest path passes exactly one of (empty when there is no path). */
  readonly meeting: BlockId[];
  readonly visited: number;
  readonly capped: boolean;
}

/** One side of the search: the layer of each node reached, and the frontier to expand next. */
class SearchSide {
  readonly layerOf = new Map<BlockId, number>();
  readonly links = new Map<BlockId, StoredEdge[]>();
  depth = 0;
  frontier: BlockId[];

  constructor(
    starts: readonly BlockId[],
    private readonly direction: 'out' | 'in',
  ) {
    this.frontier = [...starts];
    for (const id of starts) this.layerOf.set(id, 0);
  }

  /** Expands one layer; false when the visit cap stopped it part-way. */
  expand(context: QueryContext, visits: { count: number }): boolean {
    const layer = this.depth + 1;
    const next: BlockId[] = [];
    for (const id of this.frontier) {
      if (visits.count >= limits.pathVisitsMax) return false;
      visits.count++;
      const edges =
        this.direction === 'out'
          ? context.graph.outgoingEdges(id, { type: 'calls' })
          : context.graph.incomingEdges(id, { type: 'calls' });
      for (const edge of edges) {
        const far = this.direction === 'out' ? edge.target : edge.source;
        const known = this.layerOf.get(far);
        if (known !== undefined && known < layer) continue; // reached sooner: not on a shortest path
        if (known === undefined) {
          this.layerOf.set(far, layer);
          next.push(far);
        }
        const list = this.links.get(far);
        if (list === undefined) this.links.set(far, [edge]);
        else list.push(edge);
      }
    }
    this.depth = layer;
    this.frontier = next;
    return true;
  }
}

/**
 * A bidirectional breadth-first search: forward from the sources along calls, backward from the
 * targets along callers, one whole layer at a time, always on the side with the smaller frontier.
 * A graph with hub functions (thousands of callers) would make a one-sided search expand tens of
 * thousands of nodes for a path of four calls; two searches that meet halfway expand the square
 * root of that. When a layer first reaches nodes the other side knows, the shortest length D is
 * the least sum of the two layers over them; every shortest path then crosses the layer just
 * expanded at exactly one node, and those nodes are the meeting set.
 */
function searchBothWays(
  context: QueryContext,
  sources: readonly Entity[],
  targets: ReadonlySet<BlockId>,
  maxDepth: number,
): SearchOutcome {
  const forward = new SearchSide(
    sources.map((entity) => entity.id),
    'out',
  );
  const backward = new SearchSide([...targets], 'in');
  const visits = { count: 0 };
  const outcome = (meeting: BlockId[], capped: boolean): SearchOutcome => ({
    predecessors: forward.links,
    successors: backward.links,
    meeting,
    visited: visits.count,
    capped,
  });
  const atStart = forward.frontier.filter((id) => targets.has(id));
  if (atStart.length > 0) return outcome(atStart, false);
  while (forward.depth + backward.depth < maxDepth) {
    if (forward.frontier.length === 0 || backward.frontier.length === 0) break;
    const side = forward.frontier.length <= backward.frontier.length ? forward : backward;
    const other = side === forward ? backward : forward;
    if (!side.expand(context, visits)) return outcome([], true);
    let shortest = Number.POSITIVE_INFINITY;
    for (const id of side.frontier) {
      const far = other.layerOf.get(id);
      if (far !== undefined) shortest = Math.min(shortest, side.depth + far);
    }
    if (shortest === Number.POSITIVE_INFINITY) continue;
    const wanted = shortest - side.depth;
    return outcome(
      side.frontier.filter((id) => other.layerOf.get(id) === wanted),
      false,
    );
  }
  return outcome([], false);
}

interface EdgePath {
  readonly start: BlockId;
  readonly edges: readonly StoredEdge[];
}

/** Every chain of edges from a node back to a search start, or on to a target: the partial paths. */
function chainsFrom(
  node: BlockId,
  links: Map<BlockId, StoredEdge[]>,
  toward: 'sources' | 'targets',
  budget: { left: number; cut: boolean },
): StoredEdge[][] {
  const chains: StoredEdge[][] = [];
  const stack: { node: BlockId; chain: StoredEdge[] }[] = [{ node, chain: [] }];
  while (stack.length > 0) {
    if (budget.left <= 0) {
      budget.cut = true;
      break;
    }
    const { node: at, chain } = stack.pop() as { node: BlockId; chain: StoredEdge[] };
    const edges = links.get(at);
    if (edges === undefined) {
      chains.push(chain); // a start of the search: nothing leads further
      budget.left--;
      continue;
    }
    for (const edge of edges) {
      stack.push(
        toward === 'sources'
          ? { node: edge.source, chain: [edge, ...chain] }
          : { node: edge.target, chain: [...chain, edge] },
      );
    }
  }
  return chains;
}

/**
 * The shortest paths through the meeting nodes (at most `limits.pathEnumerationMax`), in the
 * order of trust read from the target end: the most trustworthy last call first (exact before
 * guesses, then confidence, line, id), then the call before it, and so on.
 */
function enumeratePaths(search: SearchOutcome): { paths: EdgePath[]; capped: boolean } {
  const paths: EdgePath[] = [];
  const budget = { left: limits.pathEnumerationMax, cut: false };
  for (const node of search.meeting) {
    const prefixes = chainsFrom(node, search.predecessors, 'sources', budget);
    const suffixes = chainsFrom(node, search.successors, 'targets', budget);
    for (const prefix of prefixes) {
      for (const suffix of suffixes) {
        if (paths.length >= limits.pathEnumerationMax) return { paths: sortPaths(paths), capped: true };
        const edges = [...prefix, ...suffix];
        paths.push({ start: edges[0]?.source ?? node, edges });
      }
    }
  }
  return { paths: sortPaths(paths), capped: budget.cut };
}

function sortPaths(paths: EdgePath[]): EdgePath[] {
  const endOf = (path: EdgePath): BlockId => path.edges[path.edges.length - 1]?.target ?? path.start;
  return paths.sort((left, right) => {
    const ends = compareText(endOf(left), endOf(right));
    if (ends !== 0) return ends;
    for (let back = 1; back <= left.edges.length; back++) {
      const order = compareEdges(
        left.edges[left.edges.length - back] as StoredEdge,
        right.edges[right.edges.length - back] as StoredEdge,
        callersStep,
      );
      if (order !== 0) return order;
    }
    return 0;
  });
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
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
