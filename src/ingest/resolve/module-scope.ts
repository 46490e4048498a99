// Module scopes: what a name means at the top of a file (its declarations, imports, package
// siblings, glob imports) and what a module exports under a name, following re-export chains
// (`export … from`, `export *`, `pub use`, Python's module namespaces). Abstract over `evaluate`,
// which SymbolResolver (symbols.ts) provides, because exports may be expressions
// (`export default connect(…)`).
import { limits } from '../../core/limits.js';
import { typeKinds, type EntityKind, type ImportBinding, type ValueRef } from '../facts.js';
import type { TypeHierarchy } from './type-hierarchy.js';
import { externalValue, unknownValue, withVia, type Value } from './values.js';
import type { EntityNode, FileNode, WorkspaceIndex } from './workspace-index.js';

export interface EvaluationContext {
  readonly file: FileNode;
  /** The entity whose code is being evaluated: decides what `this` and `super` mean. */
  readonly caller: EntityNode;
}

export type Space = 'value' | 'type';

const depthMax = limits.ingestChainDepthMax;

/** Preference among same-named declarations: a class and an interface may share a name. */
// Maps, not object literals: an entity kind is named 'constructor'.
const valueRank = new Map<EntityKind, number>([
  ['interface', 9],
  ['type_alias', 9],
  ['trait', 8],
  ['module', 7],
]);
const typeRank = new Map<EntityKind, number>([
  ['class', 0],
  ['struct', 0],
  ['interface', 1],
  ['trait', 1],
  ['enum', 2],
  ['union', 2],
  ['type_alias', 3],
]);

function pick(candidates: readonly EntityNode[], space: Space): EntityNode | undefined {
  let best: EntityNode | undefined;
  let bestRank = Infinity;
  for (const candidate of candidates) {
    const rank = (space === 'value' ? valueRank : typeRank).get(candidate.fact.kind) ?? 5;
    if (rank < bestRank) {
      best = candidate;
      bestRank = rank;
    }
  }
  return best;
}

export abstract class ModuleScopes {
  abstract readonly types: TypeHierarchy;
  private readonly importTargets = new Map<FileNode, (readonly FileNode[])[]>();
  private readonly scopeCache = new Map<FileNode, Map<string, Value>>();
  private readonly exportCache = new Map<FileNode, Map<string, Value | null>>();

  constructor(readonly index: WorkspaceIndex) {}

  abstract evaluate(ref: ValueRef, context: EvaluationContext, depth?: number): Value;

  /** A name as the file's module scope sees it: declarations, imports, package, globs. */
  fileScope(file: FileNode, name: string, space: Space, depth = 0): Value {
    const key = `${space}:${name}`;
    let cache = this.scopeCache.get(file);
    const cached = cache?.get(key);
    if (cached !== undefined) return cached;
    const value = this.computeFileScope(file, name, space, depth);
    if (cache === undefined) this.scopeCache.set(file, (cache = new Map()));
    cache.set(key, value);
    return value;
  }

  private computeFileScope(file: FileNode, name: string, space: Space, depth: number): Value {
    const declared = pick(file.topLevel.get(name) ?? [], space);
    if (declared !== undefined) return { kind: 'entity', entity: declared, via: 'lexical' };
    const imports = file.facts.imports;
    for (let index = 0; index < imports.length; index++) {
      const fact = imports[index];
      if (fact === undefined || fact.reexport === 'only') continue;
      for (const binding of fact.bindings) {
        if (binding.kind !== 'glob' && binding.local === name)
          return this.bindingValue(file, index, binding, depth + 1);
      }
    }
    if (file.plugin.resolution.sharedScope === 'directory') {
      for (const sibling of this.index.siblings(file)) {
        const found = pick(sibling.topLevel.get(name) ?? [], space);
        if (found !== undefined) return { kind: 'entity', entity: found, via: 'lexical' };
      }
    }
    for (let index = 0; index < imports.length; index++) {
      const fact = imports[index];
      if (fact === undefined || fact.reexport === 'only') continue;
      if (!fact.bindings.some((binding) => binding.kind === 'glob')) continue;
      const found = this.lookupExport(this.targetsOf(file, index), name, depth + 1);
      if (found !== null) return withVia(found, 'import');
    }
    return file.plugin.resolution.undeclaredNames === 'external' ? externalValue : unknownValue;
  }

  /** The files an import of `file` names (cached; empty when it names nothing in the workspace). */
  targetsOf(file: FileNode, importIndex: number): readonly FileNode[] {
    let targets = this.importTargets.get(file);
    if (targets === undefined) {
      targets = file.facts.imports.map((fact) =>
        file.plugin.resolution
          .resolveImport(fact, file.path, this.index.project)
          .map((path) => this.index.files.get(path))
          .filter((target): target is FileNode => target !== undefined && target !== file),
      );
      this.importTargets.set(file, targets);
    }
    return targets[importIndex] ?? [];
  }

  private bindingValue(file: FileNode, importIndex: number, binding: ImportBinding, depth: number): Value {
    const targets = this.targetsOf(file, importIndex);
    if (targets.length === 0) return externalValue;
    if (binding.kind === 'namespace') return { kind: 'module', files: targets, via: 'import' };
    const name = binding.kind === 'default' ? 'default' : binding.imported;
    const found = this.lookupExport(targets, name, depth + 1);
    if (found !== null) return withVia(found, 'import');
    if (binding.kind === 'default') return { kind: 'module', files: targets, via: 'import' };
    const submodule = this.submodule(targets, name);
    return submodule ?? unknownValue;
  }

  protected submodule(files: readonly FileNode[], name: string): Value | null {
    const first = files[0];
    const resolveSubmodule = first?.plugin.resolution.resolveSubmodule;
    if (first === undefined || resolveSubmodule === undefined) return null;
    const paths = resolveSubmodule(
      files.map((file) => file.path),
      name,
      this.index.project,
    );
    const found = paths
      .map((path) => this.index.files.get(path))
      .filter((file): file is FileNode => file !== undefined);
    return found.length === 0 ? null : { kind: 'module', files: found, via: 'import' };
  }

  /** What `files` export under `name`, following re-exports; null when they export nothing so named. */
  lookupExport(files: readonly FileNode[], name: string, depth = 0): Value | null {
    if (depth > depthMax) return null;
    for (const file of files) {
      let cache = this.exportCache.get(file);
      if (cache === undefined) this.exportCache.set(file, (cache = new Map()));
      if (cache.has(name)) {
        const cached = cache.get(name) ?? null;
        if (cached !== null) return cached;
        continue;
      }
      // Marked absent while computing, so an `export *` cycle ends instead of looping.
      cache.set(name, null);
      const found = this.exportOf(file, name, depth);
      cache.set(name, found);
      if (found !== null) return found;
    }
    return null;
  }

  private exportOf(file: FileNode, name: string, depth: number): Value | null {
    for (const fact of file.facts.exports) {
      if (fact.exported !== name) continue;
      const value = this.evaluate(fact.value, { file, caller: file.module }, depth + 1);
      if (value.kind !== 'unknown') return withVia(value, 'import');
    }
    // In module-namespace languages (Python) every module-level name can be imported.
    const exportsImports = file.plugin.resolution.importsAreExported;
    const visible = (file.topLevel.get(name) ?? []).filter(
      (entity) => entity.fact.exported || exportsImports,
    );
    const declared = pick(visible, 'value');
    if (declared !== undefined) return { kind: 'entity', entity: declared, via: 'import' };
    if (file.plugin.resolution.staticMembersExported === true) {
      const member = this.staticMember(file, name);
      if (member !== undefined) return { kind: 'entity', entity: member, via: 'import' };
    }
    const imports = file.facts.imports;
    for (let index = 0; index < imports.length; index++) {
      const fact = imports[index];
      if (fact === undefined || (fact.reexport === undefined && !exportsImports)) continue;
      for (const binding of fact.bindings) {
        if (binding.kind !== 'glob' && binding.local === name) {
          return withVia(this.bindingValue(file, index, binding, depth + 1), 'import');
        }
      }
    }
    if (name === 'default') return null;
    for (let index = 0; index < imports.length; index++) {
      const fact = imports[index];
      if (fact === undefined || (fact.reexport === undefined && !exportsImports)) continue;
      if (!fact.bindings.some((binding) => binding.kind === 'glob')) continue;
      const found = this.lookupExport(this.targetsOf(file, index), name, depth + 1);
      if (found !== null) return withVia(found, 'import');
    }
    return null;
  }

  /** Java `import static a.B.m`: a static member of a type declared in the file. */
  private staticMember(file: FileNode, name: string): EntityNode | undefined {
    for (const candidates of file.topLevel.values()) {
      for (const type of candidates) {
        if (!typeKinds.has(type.fact.kind)) continue;
        const member = this.types
          .members(type)
          .get(name)
          ?.find((entity) => entity.fact.isStatic === true);
        if (member !== undefined) return member;
      }
    }
    return undefined;
  }
}
