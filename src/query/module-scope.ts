// The module an entity is defined in, through its `defined_in` edge: module-scoped relations
// (imports, importers, exports) start there when the target is a function or a class.
import type { Entity } from './entity.js';
import type { EntityCache } from './graph-reader.js';

export function moduleOf(cache: EntityCache, entity: Entity): Entity | undefined {
  if (entity.kind === 'module') return entity;
  for (const edge of cache.graph.outgoingEdges(entity.id, { type: 'defined_in' })) {
    const module = cache.get(edge.target);
    if (module !== undefined) return module;
  }
  return undefined;
}
