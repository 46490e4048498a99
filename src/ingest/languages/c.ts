// C (.c, .h): function definitions, structs, unions, enums, typedefs and file-scope variables;
// `#include` edges; calls by name: the same file first, then (as a labelled name-only guess,
// since C links by name) the companion source of an included header, the directory, the project.
import type { LanguagePlugin } from '../language.js';
import { extractC } from './c-family/extract.js';
import { cModuleIdentity, resolveInclude } from './c-family/includes.js';

export const cPlugin: LanguagePlugin = {
  id: 'c',
  extensions: ['.c', '.h'],
  grammar: { packageName: 'tree-sitter-c', wasmFile: 'tree-sitter-c.wasm' },
  moduleIdentity: cModuleIdentity,
  extract: extractC,
  resolution: {
    resolveImport: resolveInclude,
    sharedScope: 'file',
    importsAreExported: true,
    undeclaredNames: 'guess',
    implicitMembers: false,
    memberNameGuess: false,
  },
};
