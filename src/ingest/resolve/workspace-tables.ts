// The two workspace-wide tables resolving any one file may need: the subtypes of each type (where
// a call to an abstract member or `this.m()` dispatches) and the callables by name (name-only
// guesses). Building them visits every entity and resolves every base class of the workspace, a
// good part of a one-file sync, so a sync carries them to the next one and updates only what the
// files it re-resolves contribute. The carried tables equal a fresh build: an entry comes from one
// file's facts as resolved against the workspace, and a file whose resolution may have changed is
// re-resolved (affected.ts), so its contribution is recomputed; the rest are still exact.
//
// Entries name entities by position (file and index in it), valid while that file's facts are,
// and owners by block id. Lists keep the order of a fresh build (files in path order, entities in
// file order), which matters where dispatch stops after a number of targets. Go's structural
// subtypes and Rust's `impl Trait for Type` (a base added from another file) are not carried: a
// workspace with either builds the tables afresh each time.
import type { BlockId } from '../../core/block-id.js';
import type { Steps } from '../../core/yield-budget.js';
import { callableKinds, typeKinds } from '../facts.js';
import type { SymbolResolver } from './symbols.js';
import type { EntityNode, FileNode, WorkspaceIndex } from './workspace-index.js';

/** An entity by its file's path and its index among the file's entities. */
type Position = readonly [path: string, index: number];

interface Contribution {
  /** Owners this file's types name as bases. */
  readonly owners: readonly BlockId[];
  /** Names of this file's callables. */
  readonly names: readonly string[];
}

export interface WorkspaceTables {
  /** Per type id: its subtypes, in path and entity order. */
  readonly subtypes: ReadonlyMap<BlockId, readonly Position[]>;
  /** Per name: callables with a body so named, members and free functions apart. */
  readonly methods: ReadonlyMap<string, readonly Position[]>;
  readonly functions: ReadonlyMap<string, readonly Position[]>;
  /** What each file contributed, to take it back when it is recomputed. */
  readonly contributions: ReadonlyMap<string, Contribution>;
}

/** Whether tables of this index can be carried to the next (see the top of the file). */
export function tablesCarry(index: WorkspaceIndex): boolean {
  for (const file of index.files.values()) {
    if (file.plugin.resolution.structuralInterfaces === true || file.facts.implementations.length > 0)
      return false;
  }
  return true;
}

/** Table entries converted per step of `tablesOf` (a large workspace has hundreds of thousands). */
const entriesPerStep = 4096;

/**
 * The tables from the resolver's own full build (`subtypes` as TypeHierarchy builds them), in
 * steps (see `Steps`).
 */
export function* tablesOf(
  index: WorkspaceIndex,
  subtypes: ReadonlyMap<EntityNode, readonly EntityNode[]>,
  pools: {
    functions: ReadonlyMap<string, readonly EntityNode[]>;
    methods: ReadonlyMap<string, readonly EntityNode[]>;
  },
): Steps<WorkspaceTables> {
  let converted = 0;
  /** Counts `entries` converted, with a step boundary after every `entriesPerStep`. */
  function* convert(entries: number): Steps<void> {
    converted += entries;
    if (converted < entriesPerStep) return;
    converted = 0;
    yield;
  }
  const owners = new Map<string, Set<BlockId>>();
  const names = new Map<string, Set<string>>();
  const record = <K>(map: Map<string, Set<K>>, path: string, key: K): void => {
    const set = map.get(path);
    if (set === undefined) map.set(path, new Set([key]));
    else set.add(key);
  };
  const bySubtype = new Map<BlockId, Position[]>();
  for (const [owner, list] of subtypes) {
    yield* convert(list.length + 1);
    bySubtype.set(owner.id, list.map(position));
    for (const subtype of list) record(owners, subtype.file.path, owner.id);
  }
  function* positions(pool: ReadonlyMap<string, readonly EntityNode[]>): Steps<Map<string, Position[]>> {
    const result = new Map<string, Position[]>();
    for (const [name, list] of pool) {
      yield* convert(list.length + 1);
      result.set(name, list.map(position));
      for (const entity of list) record(names, entity.file.path, name);
    }
    return result;
  }
  const methods = yield* positions(pools.methods);
  const functions = yield* positions(pools.functions);
  const contributions = new Map<string, Contribution>();
  for (const path of index.files.keys()) {
    yield* convert(1);
    contributions.set(path, { owners: [...(owners.get(path) ?? [])], names: [...(names.get(path) ?? [])] });
  }
  return { subtypes: bySubtype, methods, functions, contributions };
}

/**
 * `previous` (tables of an earlier index of the same workspace) brought up to `index`: what the
 * files of `recompute`, and the files no longer indexed, contributed is taken back, and what the
 * former contribute now is added. Every other file's facts and resolution must be unchanged.
 */
export function* updatedTables(
  previous: WorkspaceTables,
  index: WorkspaceIndex,
  symbols: SymbolResolver,
  recompute: ReadonlySet<string>,
): Steps<WorkspaceTables> {
  const subtypes = new Lists(previous.subtypes);
  const methods = new Lists(previous.methods);
  const functions = new Lists(previous.functions);
  const contributions = new Map(previous.contributions);
  const dropped = [...previous.contributions.keys()].filter(
    (path) => recompute.has(path) || !index.files.has(path),
  );
  for (const path of dropped) {
    const contribution = previous.contributions.get(path) as Contribution;
    const keep = (position: Position): boolean => position[0] !== path;
    for (const owner of contribution.owners) subtypes.filter(owner, keep);
    for (const name of contribution.names) {
      methods.filter(name, keep);
      functions.filter(name, keep);
    }
    contributions.delete(path);
  }
  yield;
  for (const path of [...recompute].sort()) {
    const file = index.files.get(path);
    if (file === undefined) continue;
    contributions.set(path, contribute(file, symbols, subtypes, methods, functions));
    yield;
  }
  return { subtypes: subtypes.map, methods: methods.map, functions: functions.map, contributions };
}

/** Adds what `file` contributes (as a fresh build would) and returns it. */
function contribute(
  file: FileNode,
  symbols: SymbolResolver,
  subtypes: Lists<BlockId>,
  methods: Lists<string>,
  functions: Lists<string>,
): Contribution {
  const owners = new Set<BlockId>();
  const names = new Set<string>();
  for (const entity of file.entities) {
    if (typeKinds.has(entity.fact.kind)) {
      for (const base of symbols.types.bases(entity)) {
        subtypes.insert(base.id, position(entity));
        owners.add(base.id);
      }
    }
    // As NameGuesser indexes them: declarations without a body are not where calls land.
    if (!callableKinds.has(entity.fact.kind) || entity.fact.isAbstract === true) continue;
    const member = symbols.types.typeOf(entity) !== undefined;
    (member ? methods : functions).insert(entity.fact.name, position(entity));
    names.add(entity.fact.name);
  }
  return { owners: [...owners], names: [...names] };
}

/**
 * Sorted position lists by key, copied from earlier tables: a list is copied before its first
 * change, so the earlier tables stay as they were.
 */
class Lists<K> {
  readonly map: Map<K, Position[]>;
  private readonly own = new Set<K>();

  constructor(earlier: ReadonlyMap<K, readonly Position[]>) {
    this.map = new Map(earlier as ReadonlyMap<K, Position[]>);
  }

  filter(key: K, keep: (position: Position) => boolean): void {
    const list = this.map.get(key);
    if (list === undefined) return;
    const kept = list.filter(keep);
    this.own.add(key);
    if (kept.length === 0) this.map.delete(key);
    else this.map.set(key, kept);
  }

  insert(key: K, at: Position): void {
    let list = this.map.get(key);
    if (list === undefined || !this.own.has(key)) {
      list = [...(list ?? [])];
      this.map.set(key, list);
      this.own.add(key);
    }
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (comparePositions(list[middle] as Position, at) < 0) low = middle + 1;
      else high = middle;
    }
    const existing = list[low];
    if (existing === undefined || comparePositions(existing, at) !== 0) list.splice(low, 0, at);
  }
}

/** The entity at `position` in `index`. */
export function entityAt(index: WorkspaceIndex, at: Position): EntityNode | undefined {
  return index.files.get(at[0])?.entities[at[1]];
}

function position(entity: EntityNode): Position {
  return [entity.file.path, entity.index];
}

function comparePositions(left: Position, right: Position): number {
  if (left[0] !== right[0]) return left[0] < right[0] ? -1 : 1;
  return left[1] - right[1];
}
