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

/**
 * Maps the edges are spread over, by the last hex digit of the source id. One Map of a few hundred
 * thousand edges rehashes in one go when it grows (~70 ms on the event loop in a large sync);
 * sixteen rehash a sixteenth each.
 */
const shardCount = 16;

function shardOf(source: string): number {
  const code = source.charCodeAt(source.length - 1);
  return ((code & 15) + (code >> 6) * 9) & (shardCount - 1); // '0'–'9' → 0–9, 'a'–'f' → 10–15
}

export class EdgeSet {
  private readonly shards = Array.from({ length: shardCount }, () => new Map<string, PendingEdge>());
  /** Every edge once, in the order first added (what `toArray` returns). */
  private readonly order: PendingEdge[] = [];

  /** Adds an edge; for a repeated pair, counts the site and keeps the higher `confidence`. */
  add(source: BlockId, target: BlockId, type: EdgeType, properties: JsonObject): void {
    const key = `${source}${target}${type}`;
    const shard = this.shards[shardOf(source)] as Map<string, PendingEdge>;
    const existing = shard.get(key);
    if (existing === undefined) {
      const edge = { source, target, type, properties, sites: 1 };
      shard.set(key, edge);
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
