// Collects edges with their provenance, one per (source, target, type): several call sites
// between the same two entities become one edge that keeps the first line, the number of sites
// and the most confident resolution.
import type { BlockId } from '../../core/block-id.js';
import type { EdgeType, GraphEdge, JsonObject } from '../../core/types.js';
import type { Steps } from '../../core/yield-budget.js';

/** Edges copied out per step (a large workspace has hundreds of thousands). */
const edgesPerStep = 4096;

interface PendingEdge {
  readonly source: BlockId;
  readonly target: BlockId;
  readonly type: EdgeType;
  properties: JsonObject;
  sites: number;
}

/** The edges of one source, by target: one edge, or the few of different types to that target. */
type TargetEdges = Map<BlockId, PendingEdge | PendingEdge[]>;

/**
 * Maps the sources are spread over, by the last hex digit of their id. One Map of a few hundred
 * thousand entries rehashes in one go when it grows (~70 ms on the event loop in a large sync);
 * sixteen rehash a sixteenth each.
 */
const shardCount = 16;

function shardOf(source: string): number {
  const code = source.charCodeAt(source.length - 1);
  return ((code & 15) + (code >> 6) * 9) & (shardCount - 1); // '0'–'9' → 0–9, 'a'–'f' → 10–15
}

export class EdgeSet {
  /**
   * Edges by source, then by target. Keyed by the id strings themselves, which the resolver reuses
   * (V8 keeps a string's hash with it): a key made by joining source, target and type was a new
   * string to build and hash for every call site, a sixth of a large link's resolve phase.
   */
  private readonly bySource = Array.from({ length: shardCount }, () => new Map<BlockId, TargetEdges>());
  /** Every edge once, in the order first added (what `toArray` returns). */
  private readonly order: PendingEdge[] = [];

  /** Adds an edge; for a repeated pair, counts the site and keeps the higher `confidence`. */
  add(source: BlockId, target: BlockId, type: EdgeType, properties: JsonObject): void {
    const shard = this.bySource[shardOf(source)] as Map<BlockId, TargetEdges>;
    let targets = shard.get(source);
    if (targets === undefined) {
      targets = new Map();
      shard.set(source, targets);
    }
    const found = targets.get(target);
    const existing = found === undefined ? undefined : ofType(found, type);
    if (existing === undefined) {
      const edge = { source, target, type, properties, sites: 1 };
      targets.set(target, found === undefined ? edge : [...(Array.isArray(found) ? found : [found]), edge]);
      this.order.push(edge);
      return;
    }
    existing.sites++;
    const previous = existing.properties['confidence'];
    const next = properties['confidence'];
    if (typeof previous === 'number' && typeof next === 'number' && next > previous) {
      existing.properties = {
        ...properties,
        line: existing.properties['line'] ?? properties['line'] ?? null,
      };
    }
  }

  get size(): number {
    return this.order.length;
  }

  /** The edges, in the order they were first added; in steps (see `Steps`). */
  *toArray(): Steps<GraphEdge[]> {
    const result: GraphEdge[] = [];
    for (const edge of this.order) {
      if (result.length % edgesPerStep === edgesPerStep - 1) yield;
      const properties = edge.sites > 1 ? { ...edge.properties, sites: edge.sites } : edge.properties;
      result.push({ source: edge.source, target: edge.target, type: edge.type, properties });
    }
    return result;
  }
}

function ofType(found: PendingEdge | PendingEdge[], type: EdgeType): PendingEdge | undefined {
  if (!Array.isArray(found)) return found.type === type ? found : undefined;
  return found.find((edge) => edge.type === type);
}
