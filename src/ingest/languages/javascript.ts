// JavaScript and JSX (ES modules and CommonJS). The same walker as TypeScript, without types:
// receivers resolve through `new X()` assignments, `this`, imports and JSDoc-free inference only.
import type { LanguagePlugin } from '../language.js';
import { ecmaModuleIdentity, ecmaResolution, extractEcmaScript } from './ecmascript/plugin.js';

export const javascriptPlugin: LanguagePlugin = {
  id: 'javascript',
  extensions: ['.js', '.jsx', '.mjs', '.cjs'],
  grammar: { packageName: 'tree-sitter-javascript', wasmFile: 'tree-sitter-javascript.wasm' },
  moduleIdentity: ecmaModuleIdentity,
  extract: extractEcmaScript,
  resolution: ecmaResolution,
};
