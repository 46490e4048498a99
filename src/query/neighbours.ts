// The neighbours of one node along one edge type and direction, with each edge's provenance and
// the file its call site is in. A block read costs far more than an edge read, so the edges are
// ranked first (exact before guesses, more confident first, then call-site line, then id) and
// only the blocks of the neighbours that will be shown are read; those are then sorted in the
// stable entity order. Whatever is left out is counted, never silently dropped.
import type { BlockId } from '../core/block-id.js';
import type { EdgeType, StoredEdge } from '../core/types.js';
import { compareEntities, compareText, type Entity } from './entity.js';
import type { EntityCache } from './graph-reader.js';
import { provenanceOf, type EdgeProvenance } from './provenance.js';
import type { Direction } from './relations.js';

export interface Neighbour {
  readonly entity: Entity;
  readonly edge: EdgeProvenance;
  /** Where the edge's line points: the file of the edge's source (the caller, for calls). */
  readonly siteFile: string;
}

export interface NeighbourPick {
  /** The neighbours read, in the stable entity order. */
  readonly items: readonly Neighbour[];
  /** Far ends of the edges that passed the filter; `items` holds at most `limit` of them. */
  readonly candidates: readonly BlockId[];
  /** Candidates not read because of the limit. */
  readonly notShown: number;
  /** Edges whose far end has no block (deleted, or never written). */
  readonly dangling: number;
}

export interface NeighbourStep {
  readonly edgeType: EdgeType;
  readonly direction: Direction;
  readonly exportedOnly?: boolean;
}

export function edgesAlong(cache: EntityCache, id: BlockId, step: NeighbourStep): StoredEdge[] {
  const query = { type: step.edgeType };
  return step.direction === 'out'
    ? cache.graph.outgoingEdges(id, query)
    : cache.graph.incomingEdges(id, query);
}

export function farEnd(edge: StoredEdge, step: NeighbourStep): BlockId {
  return step.direction === 'out' ? edge.target : edge.source;
}

function numberOf(edge: StoredEdge, field: string, fallback: number): number {
  const value = edge.properties?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** What the edge order compares, read from an edge's properties once. */
interface EdgeRank {
  readonly guess: number;
  readonly confidence: number;
  readonly line: number;
  readonly far: BlockId;
}

function rankOf(edge: StoredEdge, step: NeighbourStep): EdgeRank {
  return {
    guess: Number(edge.properties?.['resolution'] === 'name-only'),
    confidence: numberOf(edge, 'confidence', 1),
    line: numberOf(edge, 'line', 0),
    far: farEnd(edge, step),
  };
}

/** Exact before guesses, more confident first, then call-site line, then far end. */
function compareRanks(left: EdgeRank, right: EdgeRank): number {
  return (
    left.guess - right.guess ||
    right.confidence - left.confidence ||
    left.line - right.line ||
    compareText(left.far, right.far)
  );
}

/** The order in which edges are picked when not all can be shown: the most trustworthy first. */
export function compareEdges(left: StoredEdge, right: StoredEdge, step: NeighbourStep): number {
  return compareRanks(rankOf(left, step), rankOf(right, step));
}

/**
 * The first `limit` edges in compareEdges order. A hub has hundreds of callers: their ranks are
 * read from the properties once, not at every comparison of the sort.
 */
function mostTrustworthy(edges: readonly StoredEdge[], step: NeighbourStep, limit: number): StoredEdge[] {
  const ranked = edges.map((edge) => ({ edge, rank: rankOf(edge, step) }));
  ranked.sort((left, right) => compareRanks(left.rank, right.rank));
  return ranked.slice(0, limit).map((item) => item.edge);
}

/**
 * Reads at most `limit` neighbours of `node`. `accept` filters far ends by id before the limit
 * applies (a walk skips nodes it has seen); exported-only steps filter after the block is read.
 */
export function pickNeighbours(
  cache: EntityCache,
  node: Entity,
  step: NeighbourStep,
  limit: number,
  accept: (id: BlockId) => boolean = () => true,
): NeighbourPick {
  const edges = edgesAlong(cache, node.id, step).filter((edge) => accept(farEnd(edge, step)));
  const chosen = edges.length > limit ? mostTrustworthy(edges, step, limit) : edges;
  const items: Neighbour[] = [];
  let dangling = 0;
  for (const edge of chosen) {
    const entity = cache.get(farEnd(edge, step));
    if (entity === undefined) {
      dangling++;
      continue;
    }
    if (step.exportedOnly === true && !entity.exported) continue;
    const siteFile = step.direction === 'out' ? node.file : entity.file;
    items.push({ entity, edge: provenanceOf(edge), siteFile });
  }
  items.sort((left, right) => compareEntities(left.entity, right.entity));
  const candidates = edges.map((edge) => farEnd(edge, step));
  return { items, candidates, notShown: edges.length - chosen.length, dangling };
}
