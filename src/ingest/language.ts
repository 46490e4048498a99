// The language plug-in interface. A plug-in says which files it reads, which tree-sitter grammar
// parses them, how to turn a tree into per-file facts, and the few rules the cross-file resolver
// needs (how imports name files, which scopes are shared, when a name-only guess is allowed).
// Plug-ins are loaded in worker threads too, so this module imports no runtime dependencies.
import type { Node } from 'web-tree-sitter';
import type { ImportFact, LanguageId } from './facts.js';
import type { FactsBuilder } from './parse/facts-builder.js';

export interface GrammarSource {
  /** The npm package that ships the grammar, resolved at run time with `require.resolve`. */
  readonly packageName: string;
  /** The .wasm file inside that package. */
  readonly wasmFile: string;
}

export interface ModuleIdentity {
  /** Short name: the file or package name (`utils`, `map`). */
  readonly name: string;
  /** The module's qualified name, the prefix of its entities where the language uses one. */
  readonly qualifiedName: string;
}

/** What an import resolver may ask about the project, without touching the file system. */
export interface ProjectView {
  hasFile(path: string): boolean;
  /** Source files directly inside `directory` ('' for the root), sorted. */
  filesInDirectory(directory: string): readonly string[];
  /** Files whose path ends with `/suffix` or equals it, sorted; for include and package lookups. */
  filesEndingWith(suffix: string): readonly string[];
  /** Directories (holding source files) whose path ends with `/suffix` or equals it, sorted. */
  directoriesEndingWith(suffix: string): readonly string[];
  readonly config: ProjectConfig;
}

/** Configuration read from the project (not source files) that changes how imports resolve. */
export interface ProjectConfig {
  /** tsconfig/jsconfig files by directory: path aliases and base URL, both relative to the root. */
  readonly typescript: readonly TsPathConfig[];
  /** go.mod files: the module path declared for a directory. */
  readonly goModules: readonly { readonly directory: string; readonly modulePath: string }[];
  /** Cargo crates: the crate name for a directory holding Cargo.toml. */
  readonly rustCrates: readonly { readonly directory: string; readonly crateName: string }[];
  /** package.json files with a name: lets monorepo packages import each other by name. */
  readonly packages: readonly {
    readonly directory: string;
    readonly name: string;
    readonly entry?: string;
  }[];
}

export interface TsPathConfig {
  /** The directory the configuration applies to (where tsconfig.json lives). */
  readonly directory: string;
  /** `baseUrl`, resolved relative to the root; absent when the config has none. */
  readonly baseUrl?: string;
  /** `paths` patterns with their targets resolved relative to the root. */
  readonly paths: readonly { readonly pattern: string; readonly targets: readonly string[] }[];
}

export const emptyProjectConfig: ProjectConfig = {
  typescript: [],
  goModules: [],
  rustCrates: [],
  packages: [],
};

export interface LanguageResolution {
  /** The files an import names; empty when it names something outside the project. */
  resolveImport(fact: ImportFact, fromPath: string, project: ProjectView): readonly string[];
  /** A submodule of an imported package (`from pkg import utils` naming `pkg/utils.py`). */
  resolveSubmodule?(packageFiles: readonly string[], name: string, project: ProjectView): readonly string[];
  /**
   * Where top-level names are visible without an import: only in their file, in every file of the
   * same directory (a Go package, a Java package), or everywhere (C and C++ link by name).
   */
  readonly sharedScope: 'file' | 'directory' | 'project';
  /**
   * Module-namespace semantics (Python): every name bound at module level, declared or imported,
   * can be imported from the module, not only the exported ones.
   */
  readonly importsAreExported: boolean;
  /**
   * What an undeclared, unimported name is: a global or builtin (`external`: TypeScript,
   * Python, Go), a candidate for a name-only guess across the project (`guess`: C and C++, which
   * link by name), or simply unknown (`unknown`).
   */
  readonly undeclaredNames: 'external' | 'guess' | 'unknown';
  /** Unqualified names inside a type's methods may name the type's members (Java, C++). */
  readonly implicitMembers: boolean;
  /** A method called on a receiver of unknown type may be guessed by name (dynamic languages). */
  readonly memberNameGuess: boolean;
  /** Static members of a file's types can be imported by name (Java `import static`). */
  readonly staticMembersExported?: boolean;
  /** Interfaces are satisfied by method sets, not declarations (Go): dispatch checks method names. */
  readonly structuralInterfaces?: boolean;
}

export interface LanguagePlugin {
  readonly id: LanguageId;
  /** Lower-case file suffixes, longest first where they overlap (`.d.ts` before `.ts`). */
  readonly extensions: readonly string[];
  readonly grammar: GrammarSource;
  moduleIdentity(path: string): ModuleIdentity;
  /** Walks a parsed tree and records entities, imports, exports, calls and references. */
  extract(root: Node, builder: FactsBuilder): void;
  readonly resolution: LanguageResolution;
}
