// Reads of the name index: entity hits under a key (the vocabulary's reads are in name-vocabulary.ts).
// A hit carries what ranking and filtering need (workspace, kind, language, file, line, qualified
// name) straight from the index edge, so no block is read until the final page is known.
import type { BlockId } from '../core/block-id.js';
import type { JsonValue, StoredEdge } from '../core/types.js';
import type { Entity } from './entity.js';
import type { EntityCache, GraphReader } from './graph-reader.js';
import { nameIndexEdgeType } from './name-keys.js';

export interface NameHit {
  readonly id: BlockId;
  readonly workspace: string;
  readonly kind: string;
  readonly language: string;
  readonly file: string;
  readonly line: number;
  readonly qualifiedName: string;
  /** The simple name this hit was found under (for prefix and fuzzy ranking). */
  readonly name: string;
}

function stringOf(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The hits under one entity key. An edge marked incomplete (`x`: its file or qualified name was too
 * long for the edge) is completed from the block; a hit whose block is gone is dropped.
 */
export function hitsUnder(graph: GraphReader, key: BlockId, name: string, cache: EntityCache): NameHit[] {
  const hits: NameHit[] = [];
  for (const edge of graph.outgoingEdges(key, { type: nameIndexEdgeType })) {
    const hit = hitOf(edge, name, cache);
    if (hit !== undefined) hits.push(hit);
  }
  return hits;
}

function hitOf(edge: StoredEdge, name: string, cache: EntityCache): NameHit | undefined {
  const properties = edge.properties ?? {};
  if (properties['x'] === true) {
    const entity = cache.get(edge.target);
    return entity === undefined ? undefined : hitOfEntity(entity);
  }
  const line = properties['n'];
  return {
    id: edge.target,
    workspace: stringOf(properties['w']),
    kind: stringOf(properties['k']),
    language: stringOf(properties['l']),
    file: stringOf(properties['f']),
    line: typeof line === 'number' ? line : 0,
    qualifiedName: stringOf(properties['q']),
    name,
  };
}

export function hitOfEntity(entity: Entity): NameHit {
  const { id, workspace, kind, language, file, line, qualifiedName, name } = entity;
  return { id, workspace, kind, language, file, line, qualifiedName, name };
}
