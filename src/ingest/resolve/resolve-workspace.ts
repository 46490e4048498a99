// Cross-file resolution: per-file facts in, blocks and edges out. Runs on the main thread after
// the workers have parsed. It can resolve the whole workspace or only some of its files (the
// blocks and edges those files own), which is what an incremental sync needs after re-parsing
// the files that changed and their dependents (see `dependentFiles`). The work is cut into steps
// (per file, and within large files), so a server can resolve without holding its event loop.
import type { BlockInput, GraphEdge } from '../../core/types.js';
import { runToEnd, YieldBudget, type Steps } from '../../core/yield-budget.js';
import type { FileFacts } from '../facts.js';
import { emptyProjectConfig, type ProjectConfig } from '../language.js';
import { EdgeSet } from './edge-set.js';
import { NameGuesser } from './name-guess.js';
import { emptyCounters, resolveFile, type ResolveCounters } from './resolve-file.js';
import { SymbolResolver } from './symbols.js';
import { WorkspaceIndex, type EntityNode } from './workspace-index.js';
import { entityAt, tablesCarry, tablesOf, updatedTables, type WorkspaceTables } from './workspace-tables.js';

export interface ResolveOptions {
  /** Project configuration (tsconfig paths, go.mod, Cargo, package names). */
  readonly config?: ProjectConfig;
  /** Resolve only these files (their blocks and the edges they own); all files are still visible. */
  readonly files?: Iterable<string>;
  /**
   * The index of exactly these facts, when the caller has built it already (to find the files to
   * resolve, say): resolving then does not build it again.
   */
  readonly index?: WorkspaceIndex;
  /**
   * Workspace-wide tables of an earlier resolution of the same workspace (`WorkspaceGraph.tables`),
   * to update rather than build: every file outside `recompute` must have the same facts and
   * resolve the same as then (workspace-tables.ts).
   */
  readonly tables?: WorkspaceTables;
  /** The files whose facts or resolution may have changed since `tables` (default: `files`). */
  readonly recompute?: Iterable<string>;
}

export interface ResolveStats extends ResolveCounters {
  readonly files: number;
  readonly blocks: number;
  readonly edges: number;
  readonly durationMs: number;
}

export interface WorkspaceGraph {
  readonly blocks: BlockInput[];
  readonly edges: GraphEdge[];
  readonly stats: ResolveStats;
  /** The workspace-wide tables, when this resolution had them whole, for the next one to update. */
  readonly tables?: WorkspaceTables;
}

export function resolveWorkspace(
  workspace: string,
  facts: Iterable<FileFacts> | ReadonlyMap<string, FileFacts>,
  options: ResolveOptions = {},
): WorkspaceGraph {
  return runToEnd(resolveWorkspaceSteps(workspace, facts, options));
}

/**
 * As `resolveWorkspace`, handing the thread back whenever `budget` is spent: a server resolves on
 * the thread that answers queries. `facts` must not change until the promise settles.
 */
export function resolveWorkspaceAsync(
  workspace: string,
  facts: Iterable<FileFacts> | ReadonlyMap<string, FileFacts>,
  options: ResolveOptions = {},
  budget: YieldBudget = new YieldBudget(),
): Promise<WorkspaceGraph> {
  return budget.run(resolveWorkspaceSteps(workspace, facts, options));
}

function* resolveWorkspaceSteps(
  workspace: string,
  facts: Iterable<FileFacts> | ReadonlyMap<string, FileFacts>,
  options: ResolveOptions,
): Steps<WorkspaceGraph> {
  const started = performance.now();
  const all =
    facts instanceof Map
      ? (facts as ReadonlyMap<string, FileFacts>).values()
      : (facts as Iterable<FileFacts>);
  const index =
    options.index ?? (yield* WorkspaceIndex.build(workspace, all, options.config ?? emptyProjectConfig));
  const symbols = new SymbolResolver(index);
  const context = { workspace, symbols, guesser: new NameGuesser(index, symbols) };
  const only = options.files === undefined ? undefined : new Set(options.files);
  const carry = tablesCarry(index);
  let tables: WorkspaceTables | undefined;
  if (carry && options.tables !== undefined) {
    const recompute = new Set(options.recompute ?? only ?? index.files.keys());
    const updated = yield* updatedTables(options.tables, index, symbols, recompute);
    tables = updated;
    useTables(index, symbols, context.guesser, updated);
  }
  if (only === undefined || only.size * 2 >= index.files.size) {
    // Resolving most of the workspace needs its workspace-wide tables anyway: built here in steps,
    // not on first use in the middle of one file, where they would hold the thread for long.
    yield* symbols.types.prepare();
    yield* context.guesser.prepare();
  }
  const edges = new EdgeSet();
  const counters = emptyCounters();
  const blocks: BlockInput[] = [];
  let files = 0;
  // Sorted, so the output order (and every tie broken by order) is the same on every run.
  for (const path of [...index.files.keys()].sort()) {
    if (only !== undefined && !only.has(path)) continue;
    const file = index.files.get(path);
    if (file === undefined) continue;
    files++;
    for (const block of yield* resolveFile(context, file, edges, counters)) blocks.push(block);
    yield;
  }
  const edgeList = yield* edges.toArray();
  if (tables === undefined && carry) {
    const subtypes = symbols.types.builtSubtypes();
    const pools = context.guesser.builtPools();
    if (subtypes !== undefined && pools !== undefined) tables = yield* tablesOf(index, subtypes, pools);
  }
  return {
    ...(tables === undefined ? {} : { tables }),
    blocks,
    edges: edgeList,
    stats: {
      ...counters,
      files,
      blocks: blocks.length,
      edges: edgeList.length,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/** Makes the resolver take subtypes and callables from `tables` (entities looked up once each). */
function useTables(
  index: WorkspaceIndex,
  symbols: SymbolResolver,
  guesser: NameGuesser,
  tables: WorkspaceTables,
): void {
  const entities = (positions: readonly (readonly [string, number])[] | undefined): EntityNode[] => {
    const found: EntityNode[] = [];
    for (const at of positions ?? []) {
      const entity = entityAt(index, at);
      if (entity !== undefined) found.push(entity);
    }
    return found;
  };
  const subtypes = new Map<EntityNode, readonly EntityNode[]>();
  symbols.types.useSubtypes((type) => {
    let found = subtypes.get(type);
    if (found === undefined) subtypes.set(type, (found = entities(tables.subtypes.get(type.id))));
    return found;
  });
  const pools = new Map<string, readonly EntityNode[]>();
  guesser.usePools((name, member) => {
    const key = `${member ? 'm' : 'f'}${name}`;
    let found = pools.get(key);
    if (found === undefined) {
      pools.set(key, (found = entities((member ? tables.methods : tables.functions).get(name))));
    }
    return found;
  });
}
