// C++ (.cc, .cpp, .cxx, .hpp, .hh, .hxx): C plus classes with inheritance, namespaces as
// qualifiers, inline and out-of-line methods, `this->`, implicit member calls, `new`, typed
// locals and parameters, pure virtual methods dispatching to overrides, qualified calls
// (`util::add`) matched by qualified name. `.h` files are read as C.
import type { LanguagePlugin } from '../language.js';
import { extractCpp } from './c-family/extract.js';
import { cModuleIdentity, resolveInclude } from './c-family/includes.js';

export const cppPlugin: LanguagePlugin = {
  id: 'cpp',
  extensions: ['.cpp', '.cc', '.cxx', '.c++', '.hpp', '.hh', '.hxx', '.h++', '.ipp', '.tpp'],
  grammar: { packageName: 'tree-sitter-cpp', wasmFile: 'tree-sitter-cpp.wasm' },
  moduleIdentity: cModuleIdentity,
  extract: extractCpp,
  resolution: {
    resolveImport: resolveInclude,
    sharedScope: 'file',
    importsAreExported: true,
    undeclaredNames: 'guess',
    implicitMembers: true,
    memberNameGuess: false,
  },
};
