// Where an edge came from: the call-site line and how ingestion resolved it. Every relation item
// carries this so a reader can tell an exact lexical call from a guess by name.
import type { EdgeType, GraphEdge, JsonValue } from '../core/types.js';

export type Resolution = 'lexical' | 'import' | 'receiver' | 'name-only' | 'dispatch';

export interface EdgeProvenance {
  readonly type: EdgeType;
  /** The line of the call site (or reference, or declaration for extends/implements). */
  readonly line?: number;
  readonly resolution?: string;
  /** 0..1 as ingestion judged it; absent when the edge carries none. */
  readonly confidence?: number;
  /** Call sites folded into this edge (1 when absent). */
  readonly sites: number;
  /** For `references` edges: how the function was named (argument, assignment, …). */
  readonly role?: string;
  /** True for name-only guesses: the target was chosen by name alone. */
  readonly guess: boolean;
}

function numberOf(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function provenanceOf(edge: GraphEdge): EdgeProvenance {
  const properties = edge.properties ?? {};
  const line = numberOf(properties['line']);
  const confidence = numberOf(properties['confidence']);
  const sites = numberOf(properties['sites']);
  const resolution = properties['resolution'];
  const role = properties['role'];
  // Field by field rather than spread from small objects: one of these is built per edge of every
  // answer, and the order of the fields is the order of the documented JSON.
  const provenance: { -readonly [K in keyof EdgeProvenance]: EdgeProvenance[K] } = {
    type: edge.type,
  } as EdgeProvenance;
  if (line !== undefined) provenance.line = line;
  if (typeof resolution === 'string') provenance.resolution = resolution;
  if (confidence !== undefined) provenance.confidence = confidence;
  provenance.sites = sites === undefined || sites < 1 ? 1 : Math.floor(sites);
  if (typeof role === 'string') provenance.role = role;
  provenance.guess = resolution === 'name-only';
  return provenance;
}
