// The constructors of type targets. A construction (`new X()`, `X()` in Python) resolves to the
// constructor when the type declares one, so "who calls X" for a type means the callers of the
// type and of its constructors: show, trace and context all ask for callers that way.
import type { BlockId } from '../core/block-id.js';
import { limits } from '../core/limits.js';
import { compareEntities, type Entity } from './entity.js';
import type { EntityCache } from './graph-reader.js';
import { kindsOf } from './kinds.js';

export const typeKinds = kindsOf('type') as ReadonlySet<string>;

/**
 * What target resolution set aside, less what the answer includes after all (a type's
 * constructors, listed with its callers or traced as roots): what a renderer's note should name.
 */
export function setAsideExcept(setAside: readonly Entity[], included: readonly Entity[]): Entity[] {
  return setAside.filter((entity) => !included.some((other) => other.id === entity.id));
}

/** Members of kind constructor of the type targets (not themselves targets), in entity order. */
export function constructorsOf(cache: EntityCache, targets: readonly Entity[]): Entity[] {
  const found = new Map<BlockId, Entity>();
  for (const target of targets) {
    if (!typeKinds.has(target.kind)) continue;
    const members = cache.graph.outgoingEdges(target.id, { type: 'contains' });
    for (const edge of members.slice(0, limits.showConstructorMembersMax)) {
      const member = cache.get(edge.target);
      if (member?.kind === 'constructor' && !targets.some((other) => other.id === member.id))
        found.set(member.id, member);
    }
  }
  return [...found.values()].sort(compareEntities);
}
