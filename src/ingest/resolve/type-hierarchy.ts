// Types and their members across the workspace: bases (extends and implements, resolved once per
// type), members (declared in the body or attached from elsewhere: Go receivers, Rust impl blocks,
// C++ out-of-line definitions), inherited lookup, constructors, and the reverse relation (subtypes)
// that interface dispatch follows. Every walk is breadth-first with a step cap.
import { limits } from '../../core/limits.js';
import { runToEnd, type Steps } from '../../core/yield-budget.js';
import { typeKinds, type TypeName } from '../facts.js';
import type { EntityNode, FileNode, WorkspaceIndex } from './workspace-index.js';

export type TypeLookup = { readonly type: EntityNode } | 'external' | 'unknown';

export type TypeNameResolver = (file: FileNode, name: TypeName) => TypeLookup;

export interface MemberLookup {
  readonly member: EntityNode;
  /** The type that declares the member (the receiver's type or one of its bases). */
  readonly owner: EntityNode;
}

const searchStepsMax = limits.ingestChainDepthMax * 8;

export class TypeHierarchy {
  private readonly memberMaps = new Map<EntityNode, Map<string, EntityNode[]>>();
  private readonly baseLists = new Map<EntityNode, { types: EntityNode[]; external: boolean }>();
  private owned: Map<EntityNode, EntityNode[]> | undefined;
  private readonly ownerOf = new Map<EntityNode, EntityNode>();
  private subtypeLists: Map<EntityNode, EntityNode[]> | undefined;
  /** Subtypes from tables carried over from an earlier resolution (workspace-tables.ts). */
  private carriedSubtypes: ((type: EntityNode) => readonly EntityNode[]) | undefined;
  private implemented: Map<EntityNode, EntityNode[]> | undefined;
  private readonly implementationLists = new Map<EntityNode, EntityNode[]>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly resolveTypeName: TypeNameResolver,
  ) {}

  /**
   * Builds the workspace-wide subtype lists in steps (one per file) before they are first needed.
   * Built on first use, they would hold the thread for the whole workspace in the middle of one
   * file's resolution.
   */
  *prepare(): Steps<void> {
    if (this.subtypeLists !== undefined || this.carriedSubtypes !== undefined) return;
    const built = yield* this.buildSubtypes();
    this.subtypeLists ??= built;
  }

  /** Takes subtypes from `lookup` (exactly what a build would find) instead of building them. */
  useSubtypes(lookup: (type: EntityNode) => readonly EntityNode[]): void {
    this.carriedSubtypes = lookup;
  }

  /** The subtypes of every type, when they were built here (not taken from carried tables). */
  builtSubtypes(): ReadonlyMap<EntityNode, readonly EntityNode[]> | undefined {
    return this.carriedSubtypes === undefined ? this.subtypeLists : undefined;
  }

  /** The type a member belongs to: its parent in the file, or the type it is attached to. */
  typeOf(member: EntityNode): EntityNode | undefined {
    const parent = member.file.entities[member.fact.parent];
    if (parent !== undefined && typeKinds.has(parent.fact.kind)) return parent;
    this.ensureOwned();
    return this.ownerOf.get(member);
  }

  /** Resolved bases in declaration order (extends before implements). */
  bases(type: EntityNode): readonly EntityNode[] {
    return this.baseInfo(type).types;
  }

  /** Whether some base of the type lies outside the workspace (its members are then unknown). */
  hasExternalBase(type: EntityNode): boolean {
    return this.baseInfo(type).external;
  }

  members(type: EntityNode): ReadonlyMap<string, readonly EntityNode[]> {
    let members = this.memberMaps.get(type);
    if (members !== undefined) return members;
    members = new Map();
    this.ensureOwned();
    const declared = type.file.children.get(type.index) ?? [];
    for (const member of [...declared, ...(this.owned?.get(type) ?? [])]) {
      const list = members.get(member.fact.name);
      if (list === undefined) members.set(member.fact.name, [member]);
      else list.push(member);
    }
    this.memberMaps.set(type, members);
    return members;
  }

  /** Finds `name` on the type or, breadth-first, on its bases. */
  findMember(type: EntityNode, name: string): MemberLookup | undefined {
    return this.searchUp(type, (candidate) => {
      const found = this.members(candidate).get(name);
      return found === undefined ? undefined : { member: preferConcrete(found), owner: candidate };
    });
  }

  /** The constructor a `new` of this type runs: its own, else the nearest base's. */
  findConstructor(type: EntityNode): EntityNode | undefined {
    return this.searchUp(type, (candidate) => {
      for (const members of this.members(candidate).values()) {
        for (const member of members) if (member.fact.kind === 'constructor') return member;
      }
      return undefined;
    });
  }

  /** Whether any type on the way up from `type` has a base outside the workspace. */
  inheritsFromExternal(type: EntityNode): boolean {
    return this.searchUp(type, (candidate) => (this.hasExternalBase(candidate) ? true : undefined)) ?? false;
  }

  /**
   * Where a call to an abstract member (an interface or trait method, an abstract method) may
   * land: the members of the same name on subtypes that have a body.
   */
  implementations(member: EntityNode, owner: EntityNode): readonly EntityNode[] {
    let found = this.implementationLists.get(member);
    if (found !== undefined) return found;
    found = [];
    this.implementationLists.set(member, found);
    const queue = [...this.subtypesOf(owner)];
    const seen = new Set<EntityNode>([owner]);
    for (let step = 0; step < queue.length && step < searchStepsMax; step++) {
      const candidate = queue[step] as EntityNode;
      if (seen.has(candidate)) continue;
      seen.add(candidate);
      const own = this.members(candidate).get(member.fact.name);
      const concrete = own?.find((entity) => !entity.fact.isAbstract);
      if (concrete !== undefined && !found.includes(concrete)) {
        found.push(concrete);
        if (found.length >= limits.ingestDispatchTargetsMax) break;
      }
      queue.push(...this.subtypesOf(candidate));
    }
    return found;
  }

  private searchUp<T>(start: EntityNode, visit: (type: EntityNode) => T | undefined): T | undefined {
    const queue: EntityNode[] = [start];
    const seen = new Set<EntityNode>();
    for (let step = 0; step < queue.length && step < searchStepsMax; step++) {
      const type = queue[step] as EntityNode;
      if (seen.has(type)) continue;
      seen.add(type);
      const result = visit(type);
      if (result !== undefined) return result;
      queue.push(...this.bases(type));
    }
    return undefined;
  }

  private baseInfo(type: EntityNode): { types: EntityNode[]; external: boolean } {
    let info = this.baseLists.get(type);
    if (info !== undefined) return info;
    info = { types: [], external: false };
    // Set before resolving, so a cycle of bases (A extends B extends A) terminates.
    this.baseLists.set(type, info);
    for (const name of [...(type.fact.bases ?? []), ...(type.fact.implements ?? [])]) {
      const found = this.resolveTypeName(type.file, name);
      if (typeof found === 'object') {
        if (found.type !== type && !info.types.includes(found.type)) info.types.push(found.type);
      } else info.external = true;
    }
    for (const trait of this.implementedElsewhere().get(type) ?? []) {
      if (!info.types.includes(trait)) info.types.push(trait);
    }
    return info;
  }

  /** Traits attached to types by `impl Trait for Type` blocks, wherever those blocks are. */
  private implementedElsewhere(): Map<EntityNode, EntityNode[]> {
    if (this.implemented !== undefined) return this.implemented;
    this.implemented = new Map();
    for (const file of this.index.files.values()) {
      for (const fact of file.facts.implementations) {
        const type = this.resolveTypeName(file, fact.type);
        const trait = this.resolveTypeName(file, fact.trait);
        if (typeof type !== 'object' || typeof trait !== 'object' || type.type === trait.type) continue;
        const list = this.implemented.get(type.type);
        if (list === undefined) this.implemented.set(type.type, [trait.type]);
        else list.push(trait.type);
      }
    }
    return this.implemented;
  }

  /** Attaches methods declared outside their type (receivers, impl blocks) to the type. */
  private ensureOwned(): void {
    if (this.owned !== undefined) return;
    this.owned = new Map();
    for (const file of this.index.files.values()) {
      for (const entity of file.entities) {
        if (entity.fact.owner === undefined) continue;
        const found = this.resolveTypeName(file, entity.fact.owner);
        if (typeof found !== 'object') continue;
        this.ownerOf.set(entity, found.type);
        const list = this.owned.get(found.type);
        if (list === undefined) this.owned.set(found.type, [entity]);
        else list.push(entity);
      }
    }
  }

  private subtypesOf(type: EntityNode): readonly EntityNode[] {
    if (this.carriedSubtypes !== undefined) return this.carriedSubtypes(type);
    this.subtypeLists ??= runToEnd(this.buildSubtypes());
    return this.subtypeLists.get(type) ?? [];
  }

  private *buildSubtypes(): Steps<Map<EntityNode, EntityNode[]>> {
    const subtypes = new Map<EntityNode, EntityNode[]>();
    for (const file of this.index.files.values()) {
      for (const entity of file.entities) {
        if (!typeKinds.has(entity.fact.kind)) continue;
        for (const base of this.bases(entity)) {
          const list = subtypes.get(base);
          if (list === undefined) subtypes.set(base, [entity]);
          else list.push(entity);
        }
      }
      yield;
    }
    yield* this.addStructuralSubtypes(subtypes);
    return subtypes;
  }

  /**
   * Go: a type implements an interface when its method set covers the interface's, without
   * saying so. Types are indexed by method name and each interface intersects the smallest sets.
   */
  private *addStructuralSubtypes(subtypes: Map<EntityNode, EntityNode[]>): Steps<void> {
    const interfaces: EntityNode[] = [];
    const typesByMethod = new Map<string, Set<EntityNode>>();
    for (const file of this.index.files.values()) {
      if (file.plugin.resolution.structuralInterfaces !== true) continue;
      yield;
      for (const entity of file.entities) {
        if (entity.fact.kind === 'interface') interfaces.push(entity);
        else if (typeKinds.has(entity.fact.kind) || entity.fact.kind === 'type_alias') {
          for (const name of this.methodSet(entity)) {
            let types = typesByMethod.get(name);
            if (types === undefined) typesByMethod.set(name, (types = new Set()));
            types.add(entity);
          }
        }
      }
    }
    for (const face of interfaces) {
      yield;
      const required = [...this.methodSet(face)];
      if (required.length === 0) continue;
      const sets = required.map((name) => typesByMethod.get(name) ?? new Set<EntityNode>());
      sets.sort((left, right) => left.size - right.size);
      const [smallest, ...rest] = sets;
      for (const candidate of smallest ?? []) {
        if (!rest.every((set) => set.has(candidate))) continue;
        const list = subtypes.get(face);
        if (list === undefined) subtypes.set(face, [candidate]);
        else if (!list.includes(candidate)) list.push(candidate);
      }
    }
  }

  /** Names of the methods a type has, its own and those promoted from its bases. */
  private methodSet(type: EntityNode): Set<string> {
    const names = new Set<string>();
    this.searchUp(type, (candidate) => {
      for (const [name, members] of this.members(candidate)) {
        if (members.some((member) => member.fact.kind === 'method')) names.add(name);
      }
      return undefined;
    });
    return names;
  }
}

/** Of several same-named members (overloads, accessors), the first one with a body. */
export function preferConcrete(members: readonly EntityNode[]): EntityNode {
  return members.find((member) => !member.fact.isAbstract) ?? (members[0] as EntityNode);
}
