// TSX: TypeScript with JSX, parsed by its own grammar (type assertions `<T>x` are not allowed).
import type { LanguagePlugin } from '../language.js';
import { ecmaModuleIdentity, ecmaResolution, extractEcmaScript } from './ecmascript/plugin.js';

export const tsxPlugin: LanguagePlugin = {
  id: 'tsx',
  extensions: ['.tsx'],
  grammar: { packageName: 'tree-sitter-typescript', wasmFile: 'tree-sitter-tsx.wasm' },
  moduleIdentity: ecmaModuleIdentity,
  extract: extractEcmaScript,
  resolution: ecmaResolution,
};
