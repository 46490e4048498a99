// The blocks and edges one file contributes: the edges its facts produce (structure, imports,
// inheritance, calls, references). All but one kind have their source in this file; the
// exception is `implements` from a Rust `impl Trait for Type` whose Type is declared elsewhere.
// An incremental sync that re-resolves a file replaces exactly the edges that file produced.
import type { BlockInput } from '../../core/types.js';
import type { Steps } from '../../core/yield-budget.js';
import { callableKinds, typeKinds } from '../facts.js';
import { blockOf, CallStats } from './blocks.js';
import { resolveCall, type EdgeResolution } from './calls.js';
import type { EdgeSet } from './edge-set.js';
import type { NameGuesser } from './name-guess.js';
import type { SymbolResolver } from './symbols.js';
import type { EntityNode, FileNode } from './workspace-index.js';

export interface ResolveCounters {
  callSites: number;
  externalCalls: number;
  unresolvedCalls: number;
  ambiguousCalls: number;
  /** Call sites resolved, by how (a site with dispatch targets counts once, by its main target). */
  resolvedCalls: Record<EdgeResolution, number>;
  references: number;
  importsResolved: number;
  importsExternal: number;
}

export function emptyCounters(): ResolveCounters {
  return {
    callSites: 0,
    externalCalls: 0,
    unresolvedCalls: 0,
    ambiguousCalls: 0,
    resolvedCalls: { lexical: 0, import: 0, receiver: 0, dispatch: 0, 'name-only': 0 },
    references: 0,
    importsResolved: 0,
    importsExternal: 0,
  };
}

export interface FileResolver {
  readonly workspace: string;
  readonly symbols: SymbolResolver;
  readonly guesser: NameGuesser;
}

/**
 * Call sites and references resolved per step. One takes some microseconds (more when it fills a
 * cache), and a large file has tens of thousands, so a file is cut into steps too.
 */
const sitesPerStep = 128;

/** Resolves one file, in steps (see `Steps`); returns the file's blocks. */
export function* resolveFile(
  context: FileResolver,
  file: FileNode,
  edges: EdgeSet,
  counters: ResolveCounters,
): Steps<BlockInput[]> {
  addStructureEdges(context, file, edges);
  addImportEdges(context, file, edges, counters);
  addInheritanceEdges(context, file, edges);
  const stats = yield* addCallEdges(context, file, edges, counters);
  yield* addReferenceEdges(context, file, edges, counters);
  return file.entities.map((entity) => blockOf(context.workspace, entity, stats.get(entity.index)));
}

function addStructureEdges(context: FileResolver, file: FileNode, edges: EdgeSet): void {
  const module = file.module;
  for (const entity of file.entities) {
    if (entity === module) continue;
    edges.add(entity.id, module.id, 'defined_in', {});
    const parent = file.entities[entity.fact.parent] ?? module;
    edges.add(parent.id, entity.id, 'contains', {});
    if (entity.fact.kind !== 'method' && entity.fact.kind !== 'constructor') continue;
    const type = context.symbols.types.typeOf(entity);
    if (type !== undefined) edges.add(entity.id, type.id, 'method_of', {});
  }
}

function addImportEdges(
  context: FileResolver,
  file: FileNode,
  edges: EdgeSet,
  counters: ResolveCounters,
): void {
  file.facts.imports.forEach((fact, index) => {
    const targets = context.symbols.targetsOf(file, index);
    if (targets.length === 0) counters.importsExternal++;
    else counters.importsResolved++;
    for (const target of targets) {
      edges.add(file.module.id, target.module.id, 'imports', {
        line: fact.line,
        specifier: fact.specifier.slice(0, 200),
      });
    }
  });
}

function addInheritanceEdges(context: FileResolver, file: FileNode, edges: EdgeSet): void {
  // `impl Trait for Type` in this file: the edge is this file's even when Type lives elsewhere.
  for (const fact of file.facts.implementations) {
    const type = context.symbols.resolveTypeName(file, fact.type);
    const trait = context.symbols.resolveTypeName(file, fact.trait);
    if (typeof type === 'object' && typeof trait === 'object' && type.type !== trait.type) {
      edges.add(type.type.id, trait.type.id, 'implements', { line: fact.line });
    }
  }
  for (const entity of file.entities) {
    if (!typeKinds.has(entity.fact.kind)) continue;
    for (const [names, type] of [
      [entity.fact.bases, 'extends'],
      [entity.fact.implements, 'implements'],
    ] as const) {
      for (const name of names ?? []) {
        const found = context.symbols.resolveTypeName(file, name);
        if (typeof found === 'object' && found.type !== entity) {
          edges.add(entity.id, found.type.id, type, { line: entity.fact.lineStart });
        }
      }
    }
  }
}

function* addCallEdges(
  context: FileResolver,
  file: FileNode,
  edges: EdgeSet,
  counters: ResolveCounters,
): Steps<Map<number, CallStats>> {
  const stats = new Map<number, CallStats>();
  for (const [index, call] of file.facts.calls.entries()) {
    if (index % sitesPerStep === sitesPerStep - 1) yield;
    let callerStats = stats.get(call.caller);
    if (callerStats === undefined) stats.set(call.caller, (callerStats = new CallStats()));
    callerStats.sites++;
    counters.callSites++;
    const outcome = resolveCall(context.symbols, context.guesser, file, call);
    if (outcome.kind === 'external') {
      callerStats.external++;
      counters.externalCalls++;
      continue;
    }
    if (outcome.kind === 'unresolved') {
      callerStats.recordUnresolved(outcome.name, outcome.ambiguous);
      counters.unresolvedCalls++;
      if (outcome.ambiguous) counters.ambiguousCalls++;
      continue;
    }
    callerStats.resolved++;
    const caller = file.entities[call.caller] ?? file.module;
    const first = outcome.targets[0];
    if (first !== undefined) counters.resolvedCalls[first.resolution]++;
    for (const target of outcome.targets) {
      edges.add(caller.id, target.entity.id, 'calls', {
        line: call.line,
        resolution: target.resolution,
        confidence: Math.round(target.confidence * 100) / 100,
      });
    }
  }
  return stats;
}

/** Functions named without being called: callback arguments, assignments, `const alias = fn`. */
function* addReferenceEdges(
  context: FileResolver,
  file: FileNode,
  edges: EdgeSet,
  counters: ResolveCounters,
): Steps<void> {
  for (const [index, reference] of file.facts.references.entries()) {
    if (index % sitesPerStep === sitesPerStep - 1) yield;
    const from = file.entities[reference.from] ?? file.module;
    const target = referencedEntity(context, file, from, reference.target);
    if (target === undefined || target === from) continue;
    edges.add(from.id, target.id, 'references', { line: reference.line, role: reference.role });
    counters.references++;
  }
  for (const entity of file.entities) {
    if (entity.index % sitesPerStep === sitesPerStep - 1) yield;
    const value = entity.fact.value;
    if (value === undefined || (value.kind !== 'name' && value.kind !== 'member')) continue;
    const target = referencedEntity(context, file, entity, value);
    if (target === undefined || target === entity) continue;
    edges.add(entity.id, target.id, 'references', { line: entity.fact.lineStart, role: 'alias' });
    counters.references++;
  }
}

function referencedEntity(
  context: FileResolver,
  file: FileNode,
  from: EntityNode,
  target: Parameters<SymbolResolver['evaluate']>[0],
): EntityNode | undefined {
  const value = context.symbols.evaluate(target, { file, caller: from });
  if (value.kind !== 'entity') return undefined;
  const kind = value.entity.fact.kind;
  return callableKinds.has(kind) || typeKinds.has(kind) ? value.entity : undefined;
}
