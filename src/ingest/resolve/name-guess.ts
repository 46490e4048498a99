// Name-only guesses, the resolver's last resort and always labelled as such. Candidates are tried
// nearest first (same file, files it imports, same directory, whole workspace) and the first
// non-empty tier wins; a tier with more than `limits.ingestNameCandidatesMax` candidates is
// reported as ambiguous instead of fanning one call out to many unrelated targets.
import { limits } from '../../core/limits.js';
import { runToEnd, type Steps } from '../../core/yield-budget.js';
import { callableKinds } from '../facts.js';
import type { SymbolResolver } from './symbols.js';
import { directoryOf, stemOf } from './paths.js';
import type { EntityNode, FileNode, WorkspaceIndex } from './workspace-index.js';

export type Guess =
  | { readonly kind: 'found'; readonly targets: readonly EntityNode[]; readonly confidence: number }
  | { readonly kind: 'ambiguous'; readonly candidates: number }
  | { readonly kind: 'none' };

/** Confidence of a guess from each tier, shared among its candidates. */
const tierConfidence = [0.6, 0.5, 0.4, 0.3] as const;

export class NameGuesser {
  private functions: Map<string, EntityNode[]> | undefined;
  private methods: Map<string, EntityNode[]> | undefined;
  private readonly imported = new Map<FileNode, ReadonlySet<FileNode>>();
  /** Callables by name from tables carried over from an earlier resolution (workspace-tables.ts). */
  private carried: ((name: string, member: boolean) => readonly EntityNode[]) | undefined;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly resolver: SymbolResolver,
  ) {}

  /**
   * Guesses the target of a call from `file`: a free function named `name`, a method named
   * `name` (`member`), or, for a dotted `qualifier` (`util.add` from C++ `util::add`), any callable
   * whose qualified name ends with it.
   */
  guess(file: FileNode, name: string, member: boolean, qualifier?: string): Guess {
    let pool = this.pool(name, member);
    if (qualifier !== undefined) {
      const suffix = `.${qualifier}`;
      pool = [...pool, ...this.pool(name, true)].filter(
        (candidate) =>
          candidate.fact.qualifiedName === qualifier || candidate.fact.qualifiedName.endsWith(suffix),
      );
    }
    if (pool.length === 0) return { kind: 'none' };
    const imported = this.importedFiles(file);
    const directory = directoryOf(file.path);
    const tiers: ((candidate: EntityNode) => boolean)[] = [
      (candidate) => candidate.file === file,
      (candidate) => imported.has(candidate.file),
      (candidate) => directoryOf(candidate.file.path) === directory,
      () => true,
    ];
    for (let tier = 0; tier < tiers.length; tier++) {
      const matches = pool.filter(tiers[tier] as (candidate: EntityNode) => boolean);
      if (matches.length === 0) continue;
      if (matches.length > limits.ingestNameCandidatesMax)
        return { kind: 'ambiguous', candidates: matches.length };
      return { kind: 'found', targets: matches, confidence: (tierConfidence[tier] ?? 0.3) / matches.length };
    }
    return { kind: 'none' };
  }

  /** Files `file` imports, plus the companion sources of included headers (`utils.h` → `utils.c`). */
  private importedFiles(file: FileNode): ReadonlySet<FileNode> {
    const cached = this.imported.get(file);
    if (cached !== undefined) return cached;
    const files = new Set<FileNode>();
    this.imported.set(file, files);
    for (let index = 0; index < file.facts.imports.length; index++) {
      for (const target of this.resolver.targetsOf(file, index)) {
        files.add(target);
        const stem = stemOf(target.path);
        for (const sibling of this.index.siblings(target)) {
          if (stemOf(sibling.path) === stem) files.add(sibling);
        }
      }
    }
    return files;
  }

  /** Takes callables by name from `lookup` (exactly what a build would find) instead of building. */
  usePools(lookup: (name: string, member: boolean) => readonly EntityNode[]): void {
    this.carried = lookup;
  }

  /** The callables by name, when they were built here (not taken from carried tables). */
  builtPools():
    | {
        functions: ReadonlyMap<string, readonly EntityNode[]>;
        methods: ReadonlyMap<string, readonly EntityNode[]>;
      }
    | undefined {
    if (this.carried !== undefined || this.functions === undefined || this.methods === undefined)
      return undefined;
    return { functions: this.functions, methods: this.methods };
  }

  private pool(name: string, member: boolean): readonly EntityNode[] {
    if (this.carried !== undefined) return this.carried(name, member);
    this.ensureIndexed();
    return (member ? this.methods : this.functions)?.get(name) ?? [];
  }

  /**
   * Indexes the workspace's callables by name in steps (one per file) before the first guess
   * needs them, rather than all at once in the middle of one file's resolution.
   */
  *prepare(): Steps<void> {
    if (this.functions !== undefined || this.carried !== undefined) return;
    const built = yield* this.buildIndex();
    if (this.functions !== undefined) return;
    this.functions = built.functions;
    this.methods = built.methods;
  }

  private ensureIndexed(): void {
    if (this.functions !== undefined) return;
    const built = runToEnd(this.buildIndex());
    this.functions = built.functions;
    this.methods = built.methods;
  }

  private *buildIndex(): Steps<{ functions: Map<string, EntityNode[]>; methods: Map<string, EntityNode[]> }> {
    const functions = new Map<string, EntityNode[]>();
    const methods = new Map<string, EntityNode[]>();
    for (const file of this.index.files.values()) {
      for (const entity of file.entities) {
        // Declarations without a body (prototypes, interface members) are not where calls land.
        if (!callableKinds.has(entity.fact.kind) || entity.fact.isAbstract) continue;
        const isMember = this.resolver.types.typeOf(entity) !== undefined;
        const map = isMember ? methods : functions;
        const list = map.get(entity.fact.name);
        if (list === undefined) map.set(entity.fact.name, [entity]);
        else list.push(entity);
      }
      yield;
    }
    return { functions, methods };
  }
}
