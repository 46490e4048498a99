// Per-file facts: everything one file says about itself, extracted without looking at any other
// file. Facts are plain data (structured-clone safe) so workers can send them to the main thread,
// and an incremental sync can keep the facts of unchanged files and re-resolve only what changed.
// Cross-file meaning (which declaration a name refers to) is the resolver's job, never the
// extractor's: a call site is recorded as an unresolved `ValueRef` expression.

export type LanguageId =
  | 'typescript'
  | 'tsx'
  | 'javascript'
  | 'python'
  | 'go'
  | 'rust'
  | 'zig'
  | 'java'
  | 'c'
  | 'cpp';

export type EntityKind =
  | 'module'
  | 'function'
  | 'method'
  | 'constructor'
  | 'class'
  | 'struct'
  | 'interface'
  | 'trait'
  | 'enum'
  | 'union'
  | 'type_alias'
  | 'constant'
  | 'variable';

/** Kinds whose instances have members (methods, fields) and take part in inheritance. */
export const typeKinds: ReadonlySet<EntityKind> = new Set([
  'class',
  'struct',
  'interface',
  'trait',
  'enum',
  'union',
]);

/** Kinds that run code when called. */
export const callableKinds: ReadonlySet<EntityKind> = new Set(['function', 'method', 'constructor']);

/**
 * A type as written in a declaration, reduced to what resolution can use: a (possibly dotted) type
 * name such as `Subscriber` or `ns.Store`, with generic arguments, `readonly`, pointers and
 * `| undefined` stripped. Types that are not one named type (unions of two classes, tuples,
 * literal object types) are simply absent.
 */
export type TypeName = string;

/** The parameter and return types of a function type such as `(s: Subscriber<T>) => void`. */
export interface CallbackType {
  readonly parameters: readonly (TypeName | null)[];
  readonly returns: TypeName | null;
  /** The declared type of `this` inside the function (`(this: SchedulerAction<T>) => void`). */
  readonly thisType?: TypeName;
}

export interface ParameterFact {
  readonly name: string;
  readonly type?: TypeName;
  /** Present when the parameter itself is a function: the types its own parameters receive. */
  readonly callback?: CallbackType;
}

/**
 * What an expression denotes, as far as one file can tell. The resolver evaluates these against
 * the whole workspace. Depth is bounded by `limits.valueRefDepthMax`; deeper expressions become
 * `unknown`.
 */
export type ValueRef =
  /** A name looked up in the file's scope (top-level declarations, imports, globals). */
  | { readonly kind: 'name'; readonly name: string }
  /** The instance of the enclosing type (`this`, `self`, a Go or Rust receiver). */
  | { readonly kind: 'this' }
  /** The base type of the enclosing type (`super`). */
  | { readonly kind: 'super' }
  /** An instance of a named type (a typed local or parameter, a composite literal). */
  | { readonly kind: 'instance'; readonly type: TypeName }
  /** The value returned by calling `target`. */
  | { readonly kind: 'call'; readonly target: ValueRef }
  /** The instance created by constructing `target` (`new X()`). */
  | { readonly kind: 'new'; readonly target: ValueRef }
  /** A member of another value (`a.b`, `a::b`, `a->b`). */
  | { readonly kind: 'member'; readonly object: ValueRef; readonly name: string }
  /**
   * An untyped parameter of a function passed as an argument: the type comes from the callee's
   * declaration (`operate((source, subscriber) => …)`). `call` indexes this file's call sites;
   * `parameter` -1 means the function's `this`.
   */
  | {
      readonly kind: 'argument';
      readonly call: number;
      readonly argument: number;
      readonly parameter: number;
    }
  /** A local whose value is a function or closure the model does not track. */
  | { readonly kind: 'local'; readonly name: string }
  | { readonly kind: 'unknown' };

export interface FieldFact {
  readonly name: string;
  readonly type?: TypeName;
  readonly value?: ValueRef;
}

export interface EntityFact {
  readonly kind: EntityKind;
  readonly name: string;
  /** Language-specific convention, see docs/ingestion.md. */
  readonly qualifiedName: string;
  /** Index of the containing entity in `FileFacts.entities`; -1 only for the module itself. */
  readonly parent: number;
  readonly lineStart: number;
  readonly lineEnd: number;
  readonly exported: boolean;
  readonly signature: string;
  /**
   * The entity's source text (the whole file for the module). The extractor always sets it;
   * facts a sync stored leave it out, since the entity's block holds it (see
   * src/workspace/stored-facts.ts). A block resolved from facts without content has content ''.
   */
  readonly content?: string;
  /** Set when `content` was cut at `limits.ingestContentBytesMax`; the original length in UTF-16 units. */
  readonly contentLength?: number;
  /** Static members are looked up on the type itself, instance members on its instances. */
  readonly isStatic?: boolean;
  /** Declarations without a body: interface members, abstract methods, prototypes. */
  readonly isAbstract?: boolean;
  /** For methods defined outside their type's body (Go receivers, Rust `impl`, C++ `A::f`). */
  readonly owner?: TypeName;
  readonly bases?: readonly TypeName[];
  readonly implements?: readonly TypeName[];
  readonly returns?: TypeName;
  readonly parameters?: readonly ParameterFact[];
  readonly fields?: readonly FieldFact[];
  /** For constants and variables: what the initializer denotes (aliases, instances). */
  readonly value?: ValueRef;
  /** For type aliases: the aliased type. */
  readonly aliasOf?: TypeName;
  /** For type aliases of function types: what the function's parameters receive. */
  readonly callback?: CallbackType;
}

export type ImportBindingKind =
  /** `local` names the whole module (`import * as m`, `import m`, Zig `@import`, Go packages). */
  | 'namespace'
  /** `local` names one export of the module (`import { a as local }`, `from m import a`). */
  | 'named'
  /** `local` names the module's default export. */
  | 'default'
  /** Every export of the module enters scope unqualified (`use m::*`, `#include`, Java `.*`). */
  | 'glob';

export interface ImportBinding {
  readonly kind: ImportBindingKind;
  readonly local: string;
  /** The exported name for 'named' bindings; empty otherwise. */
  readonly imported: string;
}

export interface ImportFact {
  /** The specifier as written: `./utils.js`, `..pkg.mod`, `crate::a::b`, `utils.zig`, `stdio.h`. */
  readonly specifier: string;
  readonly line: number;
  readonly bindings: readonly ImportBinding[];
  /**
   * The bindings are exports of this file too: `'only'` for `export … from` (TypeScript, not
   * bound locally), `'also'` for `pub use` (Rust, bound locally as well).
   */
  readonly reexport?: 'only' | 'also';
  /** `#include <x>` and the like: resolved against the project only when it exists there. */
  readonly system?: boolean;
}

/** A non-declaration export: `export { local as exported }`, `export default local`. */
export interface ExportFact {
  readonly exported: string;
  readonly value: ValueRef;
}

export interface CallFact {
  /** Index of the calling entity (0, the module, for top-level code). */
  readonly caller: number;
  readonly line: number;
  readonly target: ValueRef;
  /** `new X()`; Python-style class calls are plain calls and resolve to constructors too. */
  readonly construct?: boolean;
}

export type ReferenceRole = 'argument' | 'assignment' | 'return';

/** A function or type named without being called: callbacks, assigned handlers. */
export interface ReferenceFact {
  readonly from: number;
  readonly line: number;
  readonly target: ValueRef;
  readonly role: ReferenceRole;
}

/** `impl Trait for Type` (Rust): a type declared anywhere gains a trait. */
export interface ImplementationFact {
  readonly type: TypeName;
  readonly trait: TypeName;
  readonly line: number;
}

/**
 * The shape of FileFacts and of the facts a sync stores (src/workspace/stored-facts.ts). Stored
 * facts of another format (an older release wrote them) must be extracted again rather than
 * resolved: bump this whenever a field is added, removed or changes meaning, or the stored
 * encoding changes. 2: entity content optional (not stored), calls stored in a compact encoding.
 * 3: `names`. 4: signatures are whole headers (a parameter list over several lines is joined).
 */
export const factsFormatVersion = 4;

export interface FileFacts {
  /** `factsFormatVersion` of the extractor that produced these facts. */
  readonly format: number;
  readonly path: string;
  readonly language: LanguageId;
  readonly bytes: number;
  readonly lines: number;
  /** Nodes the parser could not fit (ERROR or MISSING); the rest of the tree is still used. */
  readonly syntaxErrors: number;
  /** Bytes that were not valid UTF-8 and were replaced. */
  readonly invalidUtf8: boolean;
  /** Call sites or references beyond the per-file caps, dropped and counted. */
  readonly droppedSites: number;
  /** `entities[0]` is always the module (the file itself). */
  readonly entities: readonly EntityFact[];
  readonly imports: readonly ImportFact[];
  readonly exports: readonly ExportFact[];
  readonly calls: readonly CallFact[];
  readonly references: readonly ReferenceFact[];
  readonly implementations: readonly ImplementationFact[];
  /**
   * Every name the file mentions, sorted and distinct: in its call sites and references, and
   * those its interface depends on (resolve/interface.ts). Set by the extractor, so a sync finds
   * the files that mention a changed name without walking every file's facts; absent from facts
   * built otherwise, and then computed when needed.
   */
  readonly names?: readonly string[];
}
