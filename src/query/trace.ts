// trace: the call tree from a target, callers or callees, to a depth. Breadth first with an
// explicit queue, so the tree is built level by level and no recursion depends on the graph.
// A node already on the path from the root is a cycle: shown, marked, not expanded. By default a
// node expanded elsewhere in the tree is shown once more as `repeat` and not expanded again; with
// `allPaths` it is expanded on every path (cycles still stop). Caps on nodes and on children per
// node bound the work; the answer says when either was hit.
import type { BlockId } from '../core/block-id.js';
import { limits } from '../core/limits.js';
import type { QueryContext, UnresolvedTarget } from './answer.js';
import type { Entity } from './entity.js';
import { EntityCache } from './graph-reader.js';
import { HonestyTally, type Honesty } from './honesty.js';
import { possibleMissingCallers } from './missing-callers.js';
import { pickNeighbours } from './neighbours.js';
import type { EdgeProvenance } from './provenance.js';
import { checkRange, type Site } from './show.js';
import { resolveTargets } from './target.js';
import { constructorsOf } from './constructors.js';

export type TraceDirection = 'callers' | 'callees';

export interface TraceRequest {
  readonly target: string;
  readonly direction: TraceDirection;
  readonly depth?: number;
  readonly allPaths?: boolean;
  readonly workspace?: string;
  readonly all?: boolean;
  /** Nodes in the whole tree (the roots included). */
  readonly maxNodes?: number;
  /** Children drawn under one node. */
  readonly maxFanOut?: number;
}

export type TraceMark = 'cycle' | 'repeat';

export interface TraceNode {
  readonly entity: Entity;
  readonly depth: number;
  /** The edge from the parent (absent on roots). */
  readonly edge?: EdgeProvenance;
  readonly site?: Site;
  /** cycle: already on the path from the root; repeat: expanded elsewhere in this tree. */
  readonly mark?: TraceMark;
  readonly children: TraceNode[];
  /** Neighbours not drawn under this node because of the fan-out or node cap. */
  hiddenChildren: number;
  /** Set when the node cap was reached before this node could be expanded. */
  notExpanded?: true;
}

export interface TraceAnswer {
  readonly status: 'ok';
  readonly direction: TraceDirection;
  readonly depth: number;
  readonly allPaths: boolean;
  readonly roots: readonly TraceNode[];
  readonly setAside: readonly Entity[];
  /** Nodes drawn, and distinct entities among them. */
  readonly nodes: number;
  readonly distinct: number;
  readonly caps: {
    readonly nodesHit: boolean;
    /** Nodes left unexpanded because the node cap was reached first. */
    readonly notExpanded: number;
    /** Nodes whose children were cut by the fan-out cap. */
    readonly fanOutHits: number;
    /** True when some node sits at the depth limit (the tree may go on below it). */
    readonly depthReached: boolean;
  };
  readonly honesty: Honesty;
}

interface Pending {
  readonly node: TraceNode;
  /** The pending entry of this node's parent: the path from the root, walked upwards. */
  readonly parent: Pending | undefined;
}

/** True when `id` is on the path from the root to `pending`'s node (that node included). */
function onPath(pending: Pending, id: BlockId): boolean {
  // A walk up at most `depth` links: cheaper than a set of the path copied for every node.
  for (let at: Pending | undefined = pending; at !== undefined; at = at.parent) {
    if (at.node.entity.id === id) return true;
  }
  return false;
}

export function trace(context: QueryContext, request: TraceRequest): TraceAnswer | UnresolvedTarget {
  const depth = checkRange('depth', request.depth ?? limits.traceDepthDefault, 1, limits.traceDepthMax);
  const maxNodes = checkRange(
    'maxNodes',
    request.maxNodes ?? limits.traceNodesDefault,
    1,
    limits.resultCountMax,
  );
  const maxFanOut = checkRange(
    'maxFanOut',
    request.maxFanOut ?? limits.traceFanOutDefault,
    1,
    limits.resultCountMax,
  );
  const cache = new EntityCache(context.graph, context.entities);
  const outcome = resolveTargets(context, cache, request);
  if (outcome.status !== 'resolved') return outcome;

  const honesty = new HonestyTally();
  const step = { edgeType: 'calls', direction: request.direction === 'callers' ? 'in' : 'out' } as const;
  const roots: TraceNode[] = [];
  const queue: Pending[] = [];
  const expanded = new Set<BlockId>();
  const distinct = new Set<BlockId>();
  let nodes = 0;
  // Callers of a type: its constructors are roots too (constructors.ts).
  const constructors = request.direction === 'callers' ? constructorsOf(cache, outcome.entities) : [];
  const rootEntities = [...outcome.entities, ...constructors];
  for (const entity of rootEntities.slice(0, maxNodes)) {
    const root: TraceNode = { entity, depth: 0, children: [], hiddenChildren: 0 };
    roots.push(root);
    queue.push({ node: root, parent: undefined });
    expanded.add(entity.id);
    distinct.add(entity.id);
    honesty.addEntity(entity);
    nodes++;
  }
  const caps = {
    nodesHit: rootEntities.length > maxNodes,
    notExpanded: 0,
    fanOutHits: 0,
    depthReached: false,
  };
  // A queue with a moving head: each node is taken once, so the loop ends after `nodes` turns.
  for (let head = 0; head < queue.length; head++) {
    const pending = queue[head] as Pending;
    const node = pending.node;
    if (node.depth >= depth) {
      caps.depthReached = true;
      continue;
    }
    const room = maxNodes - nodes;
    if (room <= 0) {
      // Reading this node's edges only to count them would cost as much as the tree itself.
      node.notExpanded = true;
      caps.nodesHit = true;
      caps.notExpanded++;
      continue;
    }
    const pick = pickNeighbours(cache, node.entity, step, Math.min(maxFanOut, room));
    node.hiddenChildren = pick.notShown;
    if (pick.candidates.length > maxFanOut) caps.fanOutHits++;
    else if (pick.notShown > 0) caps.nodesHit = true;
    for (const neighbour of pick.items) {
      const id = neighbour.entity.id;
      const mark: TraceMark | undefined = onPath(pending, id)
        ? 'cycle'
        : request.allPaths !== true && expanded.has(id)
          ? 'repeat'
          : undefined;
      const line = neighbour.edge.line;
      const child: TraceNode = {
        entity: neighbour.entity,
        depth: node.depth + 1,
        edge: neighbour.edge,
        ...(line === undefined ? {} : { site: { file: neighbour.siteFile, line } }),
        ...(mark === undefined ? {} : { mark }),
        children: [],
        hiddenChildren: 0,
      };
      node.children.push(child);
      nodes++;
      distinct.add(id);
      honesty.addEntity(neighbour.entity);
      honesty.addEdge(neighbour.edge);
      if (mark !== undefined) continue;
      expanded.add(id);
      queue.push({ node: child, parent: pending });
    }
  }
  if (request.direction === 'callers') {
    honesty.setPossibleMissingCallers(possibleMissingCallers(context.graph, outcome.entities, distinct));
  }
  return {
    status: 'ok',
    direction: request.direction,
    depth,
    allPaths: request.allPaths === true,
    roots,
    setAside: outcome.setAside,
    nodes,
    distinct: distinct.size,
    caps,
    honesty: honesty.finish(context.freshness),
  };
}
