// A file's interface: what other files can observe of it when they are resolved, keyed by the
// name under which they look it up. An incremental sync compares a changed file's interface before
// and after the change; the names whose entries differ are the only lookups whose answers can
// have moved, so only the files that mention one of those names need re-resolving (affected.ts).
// A body-only edit changes no entry, and only the edited file is resolved again.
//
// Every lookup the resolver makes in another file is by a name (module-scope.ts, symbols.ts,
// type-hierarchy.ts, name-guess.ts): a top-level declaration, a member, a field, an import
// binding, an export. What is reached without a name is covered by related names: a type's
// constructor is found by kind (so a constructor's entry also names its type), a type's bases
// decide which overrides dispatch reaches (so a type's entry names its members), a Go type's
// method set decides which interfaces it satisfies (so a Go member's entry names its type), and a
// method attached from elsewhere (Go receivers, Rust impls, C++ `A::f`) names its owner. Glob
// imports bring in names that are not listed anywhere: a change of them is not described by names.
//
// Entries leave out what only the file's own blocks and edges use (lines, signatures, call sites),
// and describe positions by identity, not index, so inserting a function does not change the
// entries of the others.
import { typeKinds, type CallbackType, type EntityFact, type FileFacts, type ValueRef } from '../facts.js';
import { languagePlugin } from '../languages/registry.js';

export interface FileInterface {
  /** Per name, what other files observe under it (entities, fields, bindings, exports), in file order. */
  readonly entries: ReadonlyMap<string, string>;
  /** Per name, further names whose lookups change when its entry changes (see the top of the file). */
  readonly related: ReadonlyMap<string, readonly string[]>;
  /** What other files observe without a name: the glob imports. */
  readonly unnamed: string;
}

/** Visits names; returning true stops the walk (and the walk returns true). */
export type NameVisitor = (name: string) => boolean;

/** Expressions are at most `limits.ingestValueRefDepthMax` deep; this guards damaged input. */
const depthMax = 64;

const interfaceOfFacts = new WeakMap<FileFacts, FileInterface>();

/** The interface of `facts` (computed once per facts object). */
export function fileInterface(facts: FileFacts): FileInterface {
  let face = interfaceOfFacts.get(facts);
  if (face === undefined) interfaceOfFacts.set(facts, (face = new InterfaceBuilder(facts).build()));
  return face;
}

/**
 * The names whose lookups may answer differently in `next` than in `previous` (either may be
 * absent: an added or deleted file), or 'all' when a change is not described by names.
 */
export function interfaceDelta(
  previous: FileInterface | undefined,
  next: FileInterface | undefined,
): Set<string> | 'all' {
  if ((previous?.unnamed ?? '') !== (next?.unnamed ?? '')) return 'all';
  const names = new Set<string>();
  const compare = (from: FileInterface | undefined, to: FileInterface | undefined): void => {
    for (const [name, entry] of from?.entries ?? []) {
      if (to?.entries.get(name) === entry) continue;
      names.add(name);
      for (const related of from?.related.get(name) ?? []) names.add(related);
      for (const related of to?.related.get(name) ?? []) names.add(related);
    }
  };
  compare(previous, next);
  compare(next, previous);
  return names;
}

/**
 * An entry whose meaning depends on other names: the names looked up (the entry's own and its
 * related names) and the names it mentions.
 */
export interface EntryMentions {
  readonly names: readonly string[];
  readonly mentions: ReadonlySet<string>;
}

const entriesOfFacts = new WeakMap<FileFacts, readonly EntryMentions[]>();
const namesOfFacts = new WeakMap<FileFacts, ReadonlySet<string>>();

/** `FileFacts.names`: every name `facts` mention, sorted and distinct. */
export function mentionedNames(facts: FileFacts): string[] {
  const all = new Set<string>();
  const add = (name: string): boolean => {
    all.add(name);
    return false;
  };
  visitEntryMentions(facts, (_entry, _related, mention) => add(mention));
  visitBodyNames(facts, add);
  return [...all].sort();
}

/**
 * Whether `facts` mention any of `names`: by `FileFacts.names` when the extractor set them (a
 * binary search, without reading the calls), else by walking the facts once.
 */
export function mentionsAny(facts: FileFacts, names: ReadonlySet<string>): boolean {
  const sorted = facts.names;
  if (sorted === undefined) {
    let all = namesOfFacts.get(facts);
    if (all === undefined) namesOfFacts.set(facts, (all = new Set(mentionedNames(facts))));
    for (const name of names) if (all.has(name)) return true;
    return false;
  }
  for (const name of names) {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const found = sorted[middle] as string;
      if (found === name) return true;
      if (found < name) low = middle + 1;
      else high = middle;
    }
  }
  return false;
}

/** The entries of `facts` that mention names (computed once per facts object). */
export function entryMentions(facts: FileFacts): readonly EntryMentions[] {
  const known = entriesOfFacts.get(facts);
  if (known !== undefined) return known;
  const entries = new Map<string, { names: readonly string[]; mentions: Set<string> }>();
  visitEntryMentions(facts, (entry, related, mention) => {
    const key = related.length === 0 ? entry : `${entry}\u0000${related.join('\u0000')}`;
    let found = entries.get(key);
    if (found === undefined) entries.set(key, (found = { names: [entry, ...related], mentions: new Set() }));
    found.mentions.add(mention);
    return false;
  });
  const list = [...entries.values()];
  entriesOfFacts.set(facts, list);
  return list;
}

/**
 * Visits, for each name other files can look up in this file, the names its meaning depends on:
 * types (each segment of a dotted name), names and members in the values of constants, fields and
 * exports (following `argument` expressions to the call site they name), the imported name of a
 * binding. `entry` is the name looked up and `related` its related names (see the top of the
 * file). When a mentioned name changes meaning, so may the entry.
 */
export function visitEntryMentions(
  facts: FileFacts,
  visit: (entry: string, related: readonly string[], mention: string) => boolean,
): boolean {
  let entry = '';
  let related: readonly string[] = [];
  const walker = new NameWalker(facts, (mention) => visit(entry, related, mention));
  const structural = languagePlugin(facts.language).resolution.structuralInterfaces === true;
  for (const [entityIndex, entity] of facts.entities.entries()) {
    entry = entity.name;
    related = relatedNames(facts, entity, entityIndex, structural);
    if (walker.entity(entity)) return true;
    related = [];
    for (const field of entity.fields ?? []) {
      entry = field.name;
      if (walker.type(field.type)) return true;
      if (field.value !== undefined && walker.value(field.value)) return true;
    }
  }
  // A module used as a value (a namespace or default binding, a submodule) is called or
  // constructed through its 'default' export, a name no expression spells out.
  const submodules = languagePlugin(facts.language).resolution.resolveSubmodule !== undefined;
  for (const fact of facts.imports) {
    for (const binding of fact.bindings) {
      if (binding.kind === 'glob') continue;
      entry = binding.local;
      if (binding.kind === 'named' && walker.visitName(binding.imported)) return true;
      if ((binding.kind !== 'named' || submodules) && walker.visitName('default')) return true;
    }
  }
  for (const fact of facts.exports) {
    entry = fact.exported;
    if (walker.value(fact.value)) return true;
  }
  for (const fact of facts.implementations) {
    const names = [...typeNameSegments(fact.type), ...typeNameSegments(fact.trait)];
    for (const name of names) {
      entry = name;
      related = names;
      if (walker.type(fact.type) || walker.type(fact.trait)) return true;
    }
  }
  return false;
}

/** Visits the names a file's call sites and references use (the rest: `visitEntryMentions`). */
export function visitBodyNames(facts: FileFacts, visit: NameVisitor): boolean {
  const walker = new NameWalker(facts, visit);
  for (const call of facts.calls) if (walker.value(call.target)) return true;
  for (const reference of facts.references) if (walker.value(reference.target)) return true;
  return false;
}

/**
 * Names whose lookups change with an entity's entry besides its own: its owner's (a method
 * attached from elsewhere); its type's for a constructor (found by kind) or, where method sets
 * decide which interfaces a type satisfies, for any member; and for a type, its members' (whose
 * lookups through subtypes, dispatch to overrides, follow the type's bases).
 */
function relatedNames(facts: FileFacts, entity: EntityFact, index: number, structural: boolean): string[] {
  const related = entity.owner === undefined ? [] : typeNameSegments(entity.owner);
  const parent = facts.entities[entity.parent];
  if (parent !== undefined && typeKinds.has(parent.kind) && (entity.kind === 'constructor' || structural)) {
    related.push(parent.name);
  }
  if (typeKinds.has(entity.kind)) related.push(...memberNames(facts, index));
  return related;
}

const memberLists = new WeakMap<FileFacts, Map<number, string[]>>();

/** Names of the entities whose parent is `index` (computed once per facts). */
function memberNames(facts: FileFacts, index: number): readonly string[] {
  let lists = memberLists.get(facts);
  if (lists === undefined) {
    lists = new Map();
    for (const entity of facts.entities) {
      const list = lists.get(entity.parent);
      if (list === undefined) lists.set(entity.parent, [entity.name]);
      else list.push(entity.name);
    }
    memberLists.set(facts, lists);
  }
  return lists.get(index) ?? [];
}

/** The dotted segments of a type name (`ns.Store` → ns, Store). */
function typeNameSegments(name: string): string[] {
  return name.split('.');
}

class NameWalker {
  constructor(
    private readonly facts: FileFacts,
    private readonly visit: NameVisitor,
  ) {}

  entity(entity: EntityFact): boolean {
    const types = [
      entity.owner,
      ...(entity.bases ?? []),
      ...(entity.implements ?? []),
      entity.returns,
      entity.aliasOf,
      ...(entity.parameters ?? []).map((parameter) => parameter.type),
    ];
    for (const type of types) if (this.type(type)) return true;
    if (this.callback(entity.callback)) return true;
    for (const parameter of entity.parameters ?? []) if (this.callback(parameter.callback)) return true;
    return entity.value !== undefined && this.value(entity.value);
  }

  visitName(name: string): boolean {
    return this.visit(name);
  }

  type(type: string | null | undefined): boolean {
    if (type === undefined || type === null) return false;
    for (const segment of typeNameSegments(type)) if (this.visit(segment)) return true;
    return false;
  }

  callback(callback: CallbackType | undefined): boolean {
    if (callback === undefined) return false;
    for (const type of callback.parameters) if (this.type(type)) return true;
    return this.type(callback.returns) || this.type(callback.thisType);
  }

  value(ref: ValueRef, depth = 0, calls: readonly number[] = []): boolean {
    if (depth > depthMax) return false;
    switch (ref.kind) {
      case 'name':
      case 'local':
        return this.visit(ref.name);
      case 'instance':
        return this.type(ref.type);
      case 'call':
      case 'new':
        return this.value(ref.target, depth + 1, calls);
      case 'member':
        return this.visit(ref.name) || this.value(ref.object, depth + 1, calls);
      case 'argument': {
        // The resolver types the argument from the callee of the call site it names.
        const call = this.facts.calls[ref.call];
        if (call === undefined || calls.includes(ref.call)) return false;
        return this.value(call.target, depth + 1, [...calls, ref.call]);
      }
      default:
        return false;
    }
  }
}

class InterfaceBuilder {
  private readonly entries = new Map<string, string[]>();
  private readonly related = new Map<string, string[]>();
  private readonly unnamed: string[] = [];
  /** `kind␀qualifiedName␀occurrence` per entity: the identity its block id derives from. */
  private readonly identities: string[] = [];
  private readonly structural: boolean;

  constructor(private readonly facts: FileFacts) {
    this.structural = languagePlugin(facts.language).resolution.structuralInterfaces === true;
  }

  build(): FileInterface {
    const facts = this.facts;
    const occurrences = new Map<string, number>();
    for (const entity of facts.entities) {
      const key = `${entity.kind}\u0000${entity.qualifiedName}`;
      const occurrence = occurrences.get(key) ?? 0;
      occurrences.set(key, occurrence + 1);
      this.identities.push(`${key}\u0000${occurrence}`);
    }
    facts.entities.forEach((entity, index) => this.addEntity(entity, index));
    for (const fact of facts.imports) {
      const head = [fact.specifier, fact.system === true, fact.reexport ?? ''];
      for (const binding of fact.bindings) {
        if (binding.kind === 'glob') this.unnamed.push(JSON.stringify(['glob', ...head]));
        else this.add(binding.local, ['import', ...head, binding.kind, binding.imported]);
      }
    }
    for (const fact of facts.exports) this.add(fact.exported, ['export', this.value(fact.value)]);
    for (const fact of facts.implementations) {
      const names = [...typeNameSegments(fact.type), ...typeNameSegments(fact.trait)];
      for (const name of names) this.add(name, ['impl', fact.type, fact.trait], names);
    }
    return {
      entries: new Map([...this.entries].map(([name, parts]) => [name, parts.join('\n')])),
      related: this.related,
      unnamed: this.unnamed.join('\n'),
    };
  }

  private addEntity(entity: EntityFact, index: number): void {
    const related = relatedNames(this.facts, entity, index, this.structural);
    this.add(
      entity.name,
      [
        'entity',
        this.identities[index] ?? '',
        entity.parent < 0 ? '' : (this.identities[entity.parent] ?? '?'),
        entity.exported,
        entity.isStatic === true,
        entity.isAbstract === true,
        entity.owner ?? '',
        entity.bases ?? [],
        entity.implements ?? [],
        entity.returns ?? '',
        entity.parameters ?? [],
        entity.value === undefined ? '' : this.value(entity.value),
        entity.aliasOf ?? '',
        entity.callback ?? '',
      ],
      related,
    );
    for (const field of entity.fields ?? []) {
      this.add(field.name, [
        'field',
        this.identities[index] ?? '',
        field.type ?? '',
        field.value === undefined ? '' : this.value(field.value),
      ]);
    }
  }

  private add(name: string, entry: unknown[], related: readonly string[] = []): void {
    const text = JSON.stringify(entry);
    const list = this.entries.get(name);
    if (list === undefined) this.entries.set(name, [text]);
    else list.push(text);
    if (related.length === 0) return;
    const names = this.related.get(name);
    if (names === undefined) this.related.set(name, [...related]);
    else names.push(...related);
  }

  /**
   * An expression as stable data. An `argument` expression points at a call site by index, which
   * moves with every edit above it: it is written out as the call it points at (its caller's
   * identity and target) instead; the resolver reads that call site.
   */
  private value(ref: ValueRef, depth = 0, calls: readonly number[] = []): unknown {
    if (depth > depthMax) return '?';
    switch (ref.kind) {
      case 'name':
      case 'local':
        return [ref.kind, ref.name];
      case 'instance':
        return [ref.kind, ref.type];
      case 'call':
      case 'new':
        return [ref.kind, this.value(ref.target, depth + 1, calls)];
      case 'member':
        return [ref.kind, ref.name, this.value(ref.object, depth + 1, calls)];
      case 'argument': {
        const call = this.facts.calls[ref.call];
        // A call site met again on the way (a callback calling its own parameter) ends the chain.
        if (call === undefined || calls.includes(ref.call))
          return [ref.kind, '?', ref.argument, ref.parameter];
        return [
          ref.kind,
          this.identities[call.caller] ?? '?',
          call.construct === true,
          this.value(call.target, depth + 1, [...calls, ref.call]),
          ref.argument,
          ref.parameter,
        ];
      }
      default:
        return [ref.kind];
    }
  }
}
