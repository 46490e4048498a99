// What a ValueRef recorded in one file denotes across the workspace: names (through the module
// scopes of module-scope.ts), `this` and `super`, aliases (`export const alias = fn`), declared and
// inferred types of receivers, fields, return types and the parameter types a callee gives to a
// callback. Every chain is depth-capped and every cache is keyed by file, so the cost grows with
// distinct names, not with call sites.
import { limits } from '../../core/limits.js';
import { callableKinds, typeKinds, type FieldFact, type TypeName, type ValueRef } from '../facts.js';
import { ModuleScopes, type EvaluationContext } from './module-scope.js';
import { preferConcrete, TypeHierarchy, type TypeLookup } from './type-hierarchy.js';
import { externalValue, localValue, unknownValue, withVia, type Resolution, type Value } from './values.js';
import type { EntityNode, FileNode, WorkspaceIndex } from './workspace-index.js';

export type { EvaluationContext } from './module-scope.js';

const depthMax = limits.ingestChainDepthMax;

/** What a call runs: an entity (reached via a resolution), or why there is none. */
export type Callee =
  | { readonly entity: EntityNode; readonly via: Resolution }
  | 'external'
  | 'local'
  | 'unknown';

export class SymbolResolver extends ModuleScopes {
  readonly types: TypeHierarchy;
  private readonly typeCache = new Map<FileNode, Map<string, TypeLookup>>();

  constructor(index: WorkspaceIndex) {
    super(index);
    this.types = new TypeHierarchy(index, (file, name) => this.resolveTypeName(file, name));
  }

  evaluate(ref: ValueRef, context: EvaluationContext, depth = 0): Value {
    if (depth > depthMax) return unknownValue;
    switch (ref.kind) {
      case 'name':
        return this.lookupName(context, ref.name, depth);
      case 'this': {
        const type = this.enclosingType(context.caller);
        return type === undefined ? unknownValue : { kind: 'instance', type, via: 'receiver' };
      }
      case 'super': {
        const type = this.enclosingType(context.caller);
        const base = type === undefined ? undefined : this.types.bases(type)[0];
        if (base !== undefined) return { kind: 'entity', entity: base, via: 'receiver' };
        return type !== undefined && this.types.hasExternalBase(type) ? externalValue : unknownValue;
      }
      case 'instance':
        return this.instanceOf(this.resolveTypeName(context.file, ref.type, depth + 1));
      case 'call':
        return this.returnValue(this.evaluate(ref.target, context, depth + 1), depth + 1);
      case 'new':
        return this.constructedValue(this.evaluate(ref.target, context, depth + 1), depth + 1);
      case 'member':
        return this.memberOf(this.evaluate(ref.object, context, depth + 1), ref.name, depth + 1);
      case 'argument':
        return this.argumentValue(ref, context, depth + 1);
      case 'local':
        return localValue;
      case 'unknown':
        return unknownValue;
    }
  }

  /** The type whose instance `this` is inside `entity`: itself, its parent type, or its owner. */
  enclosingType(entity: EntityNode): EntityNode | undefined {
    let current: EntityNode | undefined = entity;
    for (let step = 0; current !== undefined && step < 8; step++) {
      if (typeKinds.has(current.fact.kind)) return current;
      const owner = this.types.typeOf(current);
      if (owner !== undefined) return owner;
      current = current.file.entities[current.fact.parent];
    }
    return undefined;
  }

  /** The callable a value denotes when called (or constructed), following aliases. */
  calleeOf(value: Value, construct: boolean, depth = 0): Callee {
    if (depth > depthMax) return 'unknown';
    switch (value.kind) {
      case 'entity': {
        const entity = value.entity;
        const kind = entity.fact.kind;
        if (callableKinds.has(kind)) return { entity, via: value.via };
        if (kind === 'class' || kind === 'struct') {
          return { entity: this.types.findConstructor(entity) ?? entity, via: value.via };
        }
        if ((kind === 'constant' || kind === 'variable') && entity.fact.value !== undefined) {
          const aliased = this.evaluate(entity.fact.value, { file: entity.file, caller: entity }, depth + 1);
          return this.calleeOf(withVia(aliased, value.via), construct, depth + 1);
        }
        return 'unknown';
      }
      case 'module': {
        // CommonJS: `const f = require('./f'); f()` calls whatever module.exports is.
        const exported = this.lookupExport(value.files, 'default', depth + 1);
        return exported === null
          ? 'unknown'
          : this.calleeOf(withVia(exported, value.via), construct, depth + 1);
      }
      case 'instance': {
        // `this(…)` in a Java constructor: another constructor of the same class.
        const constructor = construct ? this.types.findConstructor(value.type) : undefined;
        return constructor === undefined ? 'unknown' : { entity: constructor, via: value.via };
      }
      case 'external':
      case 'local':
        return value.kind;
      default:
        return 'unknown';
    }
  }

  private lookupName(context: EvaluationContext, name: string, depth: number): Value {
    const file = context.file;
    let inheritsExternal = false;
    if (file.plugin.resolution.implicitMembers) {
      // Java and C++: an unqualified name in a method may be a member of the class or of an
      // enclosing class (inner classes see their outer class's members).
      let type = this.enclosingType(context.caller);
      for (let step = 0; type !== undefined && step < 8; step++) {
        const found = this.memberOfInstance(type, name, depth + 1);
        // A constructor is not reachable by its bare name (that names the class).
        const isConstructor = found.kind === 'entity' && found.entity.fact.kind === 'constructor';
        if (
          (found.kind === 'entity' || found.kind === 'instance' || found.kind === 'module') &&
          !isConstructor
        )
          return found;
        inheritsExternal ||= this.types.inheritsFromExternal(type);
        const outer: EntityNode | undefined = type.file.entities[type.fact.parent];
        type = outer !== undefined && typeKinds.has(outer.fact.kind) ? outer : undefined;
      }
    }
    const scoped = this.fileScope(file, name, 'value', depth);
    // Not declared anywhere we can see, in a class with a base outside the workspace: inherited.
    return scoped.kind === 'unknown' && inheritsExternal ? externalValue : scoped;
  }

  memberOf(object: Value, name: string, depth: number): Value {
    if (depth > depthMax) return unknownValue;
    switch (object.kind) {
      case 'module': {
        const found = this.lookupExport(object.files, name, depth + 1) ?? this.submodule(object.files, name);
        return found === null ? unknownValue : withVia(found, object.via);
      }
      case 'entity':
        return this.memberOfEntity(object.entity, object.via, name, depth);
      case 'instance':
        return this.memberOfInstance(object.type, name, depth);
      default:
        return object;
    }
  }

  /** `Type.member` (static access, nested types) or a member of what a constant holds. */
  private memberOfEntity(entity: EntityNode, via: Resolution, name: string, depth: number): Value {
    const kind = entity.fact.kind;
    if (typeKinds.has(kind)) {
      const found = this.types.findMember(entity, name);
      if (found !== undefined) return { kind: 'entity', entity: found.member, via };
      return this.types.inheritsFromExternal(entity) ? externalValue : unknownValue;
    }
    if ((kind === 'constant' || kind === 'variable') && entity.fact.value !== undefined) {
      const held = this.evaluate(entity.fact.value, { file: entity.file, caller: entity }, depth + 1);
      return withVia(this.memberOf(held, name, depth + 1), via);
    }
    return unknownValue;
  }

  /** A member of an instance: on each type up the chain, a declared member or else a field. */
  private memberOfInstance(type: EntityNode, name: string, depth: number): Value {
    const queue = [type];
    const seen = new Set<EntityNode>();
    for (let step = 0; step < queue.length && step < depthMax * 8; step++) {
      const candidate = queue[step] as EntityNode;
      if (seen.has(candidate)) continue;
      seen.add(candidate);
      const members = this.types.members(candidate).get(name);
      if (members !== undefined) return { kind: 'entity', entity: preferConcrete(members), via: 'receiver' };
      // A field shadows members of the same name further up (`now: () => number`).
      const field = candidate.fact.fields?.find((entry) => entry.name === name);
      if (field !== undefined) return withVia(this.fieldValue(field, candidate, depth + 1), 'receiver');
      queue.push(...this.types.bases(candidate));
    }
    return this.types.inheritsFromExternal(type) ? externalValue : unknownValue;
  }

  private fieldValue(field: FieldFact, owner: EntityNode, depth: number): Value {
    if (field.type !== undefined)
      return this.instanceOf(this.resolveTypeName(owner.file, field.type, depth + 1));
    if (field.value !== undefined)
      return this.evaluate(field.value, { file: owner.file, caller: owner }, depth + 1);
    return unknownValue;
  }

  /** The value a call returns: an instance of the declared return type, a constructed class. */
  private returnValue(callee: Value, depth: number): Value {
    if (depth > depthMax) return unknownValue;
    if (callee.kind === 'entity') {
      const entity = callee.entity;
      const kind = entity.fact.kind;
      if (callableKinds.has(kind)) {
        if (entity.fact.returns !== undefined) {
          return this.instanceOf(this.resolveTypeName(entity.file, entity.fact.returns, depth + 1));
        }
        const type = kind === 'constructor' ? this.types.typeOf(entity) : undefined;
        return type === undefined ? unknownValue : { kind: 'instance', type, via: 'receiver' };
      }
      // Calling a class constructs it (Python, and Go-style conversions).
      if (kind === 'class' || kind === 'struct') return { kind: 'instance', type: entity, via: callee.via };
      if ((kind === 'constant' || kind === 'variable') && entity.fact.value !== undefined) {
        const held = this.evaluate(entity.fact.value, { file: entity.file, caller: entity }, depth + 1);
        return this.returnValue(held, depth + 1);
      }
      return unknownValue;
    }
    if (callee.kind === 'module') {
      const exported = this.lookupExport(callee.files, 'default', depth + 1);
      return exported === null ? unknownValue : this.returnValue(exported, depth + 1);
    }
    return callee.kind === 'external' ? externalValue : unknownValue;
  }

  private constructedValue(target: Value, depth: number): Value {
    if (target.kind === 'entity') {
      const entity = target.entity;
      if (typeKinds.has(entity.fact.kind)) return { kind: 'instance', type: entity, via: 'receiver' };
      if (
        (entity.fact.kind === 'constant' || entity.fact.kind === 'variable') &&
        entity.fact.value !== undefined
      ) {
        const held = this.evaluate(entity.fact.value, { file: entity.file, caller: entity }, depth + 1);
        return this.constructedValue(held, depth + 1);
      }
      return unknownValue;
    }
    return target.kind === 'external' ? externalValue : unknownValue;
  }

  /** An untyped callback parameter, typed by the declaration of the function receiving it. */
  private argumentValue(
    ref: Extract<ValueRef, { kind: 'argument' }>,
    context: EvaluationContext,
    depth: number,
  ): Value {
    const call = context.file.facts.calls[ref.call];
    if (call === undefined) return unknownValue;
    const caller = context.file.entities[call.caller] ?? context.file.module;
    const calleeValue = this.evaluate(call.target, { file: context.file, caller }, depth + 1);
    const callee = this.calleeOf(calleeValue, call.construct === true, depth + 1);
    if (typeof callee !== 'object') return callee === 'external' ? externalValue : unknownValue;
    const parameter = callee.entity.fact.parameters?.[ref.argument];
    if (parameter === undefined) return unknownValue;
    const callback =
      parameter.callback ?? this.callbackOfAlias(callee.entity.file, parameter.type, depth + 1);
    const type = ref.parameter < 0 ? callback?.thisType : callback?.parameters[ref.parameter];
    if (type === undefined || type === null) return unknownValue;
    return this.instanceOf(this.resolveTypeName(callee.entity.file, type, depth + 1));
  }

  /** A parameter typed with an alias of a function type (`type Handler = (s: S) => void`). */
  private callbackOfAlias(
    file: FileNode,
    type: TypeName | undefined,
    depth: number,
  ): EntityNode['fact']['callback'] {
    if (type === undefined) return undefined;
    const scoped = this.fileScope(file, type.split('.')[0] ?? type, 'type', depth + 1);
    if (scoped.kind !== 'entity' || type.includes('.')) return undefined;
    return scoped.entity.fact.callback;
  }

  private instanceOf(lookup: TypeLookup): Value {
    if (lookup === 'external') return externalValue;
    if (lookup === 'unknown') return unknownValue;
    return { kind: 'instance', type: lookup.type, via: 'receiver' };
  }

  /** A (possibly dotted) type name as written in `file`, following type aliases. */
  resolveTypeName(file: FileNode, name: TypeName, depth = 0): TypeLookup {
    let cache = this.typeCache.get(file);
    const cached = cache?.get(name);
    if (cached !== undefined) return cached;
    if (cache === undefined) this.typeCache.set(file, (cache = new Map()));
    // Absent while computing: a self-referencing alias resolves to unknown, not a loop.
    cache.set(name, 'unknown');
    const found = this.computeTypeName(file, name, depth);
    cache.set(name, found);
    return found;
  }

  private computeTypeName(file: FileNode, name: TypeName, depth: number): TypeLookup {
    if (depth > depthMax) return 'unknown';
    const segments = name.split('.');
    let value = this.fileScope(file, segments[0] ?? name, 'type', depth + 1);
    for (const segment of segments.slice(1)) {
      if (value.kind === 'module') {
        value = this.lookupExport(value.files, segment, depth + 1) ?? unknownValue;
      } else if (value.kind === 'entity' && typeKinds.has(value.entity.fact.kind)) {
        const nested = this.types.findMember(value.entity, segment);
        value =
          nested === undefined ? unknownValue : { kind: 'entity', entity: nested.member, via: value.via };
      } else break;
    }
    if (value.kind === 'external') return 'external';
    if (value.kind !== 'entity') return 'unknown';
    const entity = value.entity;
    if (typeKinds.has(entity.fact.kind)) return { type: entity };
    if (entity.fact.kind === 'type_alias' && entity.fact.aliasOf !== undefined) {
      return this.resolveTypeName(entity.file, entity.fact.aliasOf, depth + 1);
    }
    return 'unknown';
  }
}
