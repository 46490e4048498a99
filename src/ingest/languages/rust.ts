// Rust (.rs): the module tree (`mod x;` files, `crate::`, `self::`, `super::` paths, `use` with
// lists, aliases, globs and `pub use` re-exports), methods attached from `impl` blocks anywhere in
// the crate, trait implementations (calls through `dyn Trait` or trait methods dispatch to the
// implementing types), `Self`, struct fields and typed `let` bindings.
import type { LanguagePlugin } from '../language.js';
import { extractRust } from './rust/extract.js';
import { resolveRustImport, resolveRustSubmodule, rustModuleIdentity } from './rust/module-paths.js';

export const rustPlugin: LanguagePlugin = {
  id: 'rust',
  extensions: ['.rs'],
  grammar: { packageName: 'tree-sitter-rust', wasmFile: 'tree-sitter-rust.wasm' },
  moduleIdentity: rustModuleIdentity,
  extract: extractRust,
  resolution: {
    resolveImport: resolveRustImport,
    resolveSubmodule: resolveRustSubmodule,
    sharedScope: 'file',
    importsAreExported: false,
    undeclaredNames: 'external',
    implicitMembers: false,
    memberNameGuess: false,
  },
};
