// ValueRef builders shared by the extractors. Each grammar names its syntax differently, but what
// a name, a member access or a constructed value denotes is the same in every language.
import type { TypeName, ValueRef } from '../facts.js';
import type { LocalScopes } from './local-scopes.js';

export const unknownRef: ValueRef = { kind: 'unknown' };

/** A name: what the local of that name denotes when one is in scope, else the name itself. */
export function nameInScope(scopes: LocalScopes, name: string): ValueRef {
  return scopes.lookup(name) ?? { kind: 'name', name };
}

/** The member `name` of what `object` denotes (`a.b`, `a->b`, `a::b`). */
export function memberRef(object: ValueRef, name: string): ValueRef {
  return { kind: 'member', object, name };
}

/** A new value of `type` (a constructor call, a literal), unknown when no type could be read. */
export function instanceRef(type: TypeName | null): ValueRef {
  return type === null ? unknownRef : { kind: 'instance', type };
}
