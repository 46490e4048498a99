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
 * long for the edge) is completed from the block; a hit whose block is gone is dropped. A server
 * keeps long lists between queries; callers must not change the list or its hits.
 */
export function hitsUnder(
  graph: GraphReader,
  key: BlockId,
  name: string,
  cache: EntityCache,
): readonly NameHit[] {
  const shared = cache.sharedHits(key, name);
  if (shared !== undefined) return shared;
  const hits: NameHit[] = [];
  // A hit completed from a block would go stale when the block changes alone: such lists are
  // not shared (the cache follows index edges, not blocks).
  let completedFromBlocks = false;
  for (const edge of graph.outgoingEdges(key, { type: nameIndexEdgeType })) {
    if (edge.properties?.['x'] === true) {
      completedFromBlocks = true;
      const entity = cache.get(edge.target);
      if (entity !== undefined) hits.push(hitOfEntity(entity));
    } else {
      hits.push(hitOf(edge, name));
    }
  }
  if (!completedFromBlocks) cache.shareHits(key, name, hits);
  return hits;
}

function hitOf(edge: StoredEdge, name: string): NameHit {
  const properties = edge.properties ?? {};
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
