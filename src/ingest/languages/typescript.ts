// TypeScript (.ts, .mts, .cts, .d.ts): the deepest resolution, see docs/ingestion.md.
import type { LanguagePlugin } from '../language.js';
import { ecmaModuleIdentity, ecmaResolution, extractEcmaScript } from './ecmascript/plugin.js';

export const typescriptPlugin: LanguagePlugin = {
  id: 'typescript',
  extensions: ['.d.ts', '.d.mts', '.d.cts', '.ts', '.mts', '.cts'],
  grammar: { packageName: 'tree-sitter-typescript', wasmFile: 'tree-sitter-typescript.wasm' },
  moduleIdentity: ecmaModuleIdentity,
  extract: extractEcmaScript,
  resolution: ecmaResolution,
};
