// Zig (.zig): `@import` of files relative to the importer (packages such as `std` are external),
// qualified calls through imported files and containers (`utils.f()`, `Store.init()`), aliases
// (`const f = utils.f`), receivers typed by their parameters (`self: *Self`), struct fields.
import type { ImportFact } from '../facts.js';
import type { LanguagePlugin, ProjectView } from '../language.js';
import { directoryOf, joinPath, stemOf } from '../resolve/paths.js';
import { extractZig } from './zig/extract.js';

function resolveZigImport(fact: ImportFact, fromPath: string, project: ProjectView): readonly string[] {
  if (!fact.specifier.endsWith('.zig')) return [];
  const target = joinPath(directoryOf(fromPath), fact.specifier);
  return target !== null && project.hasFile(target) ? [target] : [];
}

export const zigPlugin: LanguagePlugin = {
  id: 'zig',
  extensions: ['.zig'],
  grammar: { packageName: '@tree-sitter-grammars/tree-sitter-zig', wasmFile: 'tree-sitter-zig.wasm' },
  moduleIdentity: (path) => ({ name: stemOf(path), qualifiedName: stemOf(path) }),
  extract: extractZig,
  resolution: {
    resolveImport: resolveZigImport,
    sharedScope: 'file',
    importsAreExported: false,
    undeclaredNames: 'external',
    implicitMembers: false,
    memberNameGuess: false,
  },
};
