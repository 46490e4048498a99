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

export class EdgeSet {
  private readonly edges = new Map<string, PendingEdge>();

  /** Adds an edge; for a repeated pair, counts the site and keeps the higher `confidence`. */
  add(source: BlockId, target: BlockId, type: EdgeType, properties: JsonObject): void {
    const key = `${source}${target}${type}`;
    const existing = this.edges.get(key);
    if (existing === undefined) {
      this.edges.set(key, { source, target, type, properties, sites: 1 });
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
    return this.edges.size;
  }

  /** The edges, in the order they were first added; in steps (see `Steps`). */
  *toArray(): Steps<GraphEdge[]> {
    const result: GraphEdge[] = [];
    for (const edge of this.edges.values()) {
      if (result.length % edgesPerStep === edgesPerStep - 1) yield;
      const properties = edge.sites > 1 ? { ...edge.properties, sites: edge.sites } : edge.properties;
      result.push({ source: edge.source, target: edge.target, type: edge.type, properties });
    }
    return result;
  }
}
