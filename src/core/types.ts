// The data model: blocks (code entities with their source) and typed, directed edges between them.
import type { BlockId } from './block-id.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A block as written by a caller; the engine assigns the sequence. */
export interface BlockInput {
  readonly id: BlockId;
  readonly sourceUri: string;
  readonly metadata: JsonObject;
  readonly content: string;
}

/** A block as stored: the sequence is the engine's, increasing across restarts. */
export interface ContextBlock extends BlockInput {
  readonly sequence: number;
}

/**
 * A stored block without its content, for readers that only need to know where and what it is
 * (a query listing callers reads a hundred of them): decoding the content is most of a read.
 */
export interface BlockHeader {
  readonly id: BlockId;
  readonly sequence: number;
  readonly sourceUri: string;
  readonly metadata: JsonObject;
  /** `content.length` of the whole block: its length in UTF-16 code units. */
  readonly contentLength: number;
}

/**
 * Edge type names and their stable on-disk codes. Codes 1..11 are the original's; new types take
 * new codes. A code this build does not know reads back as `type_<code>` rather than failing.
 */
export const edgeTypeCodes = {
  imports: 1,
  defined_in: 2,
  references: 3,
  contains: 4,
  extends: 5,
  implements: 6,
  calls: 7,
  depends_on: 8,
  method_of: 9,
  calls_method: 10,
  calls_function: 11,
  /**
   * The persisted name index (src/query/name-index.ts): from a hidden key node (a name, a qualified
   * suffix, a name prefix or trigram) to the entities or names it stands for. Not a code relation.
   */
  name_index: 12,
} as const;

export type KnownEdgeType = keyof typeof edgeTypeCodes;

/**
 * Edge types stored under their source only: `incomingEdges` never lists them. The name index is
 * read only from its key nodes, and was half of all stored edge entries when mirrored (335,000 of
 * its edges on Python's standard library, each stored twice).
 */
export const outgoingOnlyEdgeCodes: ReadonlySet<number> = new Set([edgeTypeCodes.name_index]);
export type EdgeType = KnownEdgeType | `type_${number}`;

export const edgeTypes = Object.keys(edgeTypeCodes) as KnownEdgeType[];

const edgeTypeNames = new Map<number, KnownEdgeType>(
  edgeTypes.map((name) => [edgeTypeCodes[name], name] as const),
);

export function edgeTypeToCode(type: EdgeType): number {
  const known = (edgeTypeCodes as Record<string, number>)[type];
  if (known !== undefined) return known;
  return Number(type.slice('type_'.length));
}

export function edgeTypeFromCode(code: number): EdgeType {
  return edgeTypeNames.get(code) ?? `type_${code}`;
}

/** An edge as written by a caller. */
export interface GraphEdge {
  readonly source: BlockId;
  readonly target: BlockId;
  readonly type: EdgeType;
  /** Small payload, e.g. the call-site line and how the edge was resolved (capped). */
  readonly properties?: JsonObject;
}

/** An edge as stored. */
export interface StoredEdge extends GraphEdge {
  readonly sequence: number;
}

export type WriteOperation =
  | { readonly kind: 'put_block'; readonly block: BlockInput }
  | { readonly kind: 'delete_block'; readonly id: BlockId }
  | { readonly kind: 'put_edge'; readonly edge: GraphEdge }
  | { readonly kind: 'delete_edge'; readonly edge: Pick<GraphEdge, 'source' | 'target' | 'type'> };
