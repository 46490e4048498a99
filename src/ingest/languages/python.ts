// Python (.py, .pyi): module and package imports (relative and absolute, source roots), `self`
// receivers, class attributes and `self.x = …` fields, inheritance, annotations where present,
// and name-only guesses for methods on receivers of unknown type (marked as such).
import type { LanguagePlugin } from '../language.js';
import { extractPython } from './python/extract.js';
import { pythonModuleIdentity, resolvePythonImport, resolvePythonSubmodule } from './python/module-paths.js';

export const pythonPlugin: LanguagePlugin = {
  id: 'python',
  extensions: ['.py', '.pyi'],
  grammar: { packageName: 'tree-sitter-python', wasmFile: 'tree-sitter-python.wasm' },
  moduleIdentity: pythonModuleIdentity,
  extract: extractPython,
  resolution: {
    resolveImport: resolvePythonImport,
    resolveSubmodule: resolvePythonSubmodule,
    sharedScope: 'file',
    importsAreExported: true,
    undeclaredNames: 'external',
    implicitMembers: false,
    memberNameGuess: true,
  },
};
