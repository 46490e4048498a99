// Loads web-tree-sitter and the grammar .wasm files, once per thread. Grammar packages are found
// with `require.resolve('<package>/package.json')` so the lookup works from src/ (tsx) and dist/.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { assert } from '../../core/assert.js';
import { KausalError } from '../../core/errors.js';
import type { GrammarSource } from '../language.js';

const require = createRequire(import.meta.url);

let runtime: Promise<void> | undefined;
const languages = new Map<string, Promise<Language>>();
const ready = new Map<string, Language>();

function grammarPath(source: GrammarSource): string {
  let packageJson: string;
  try {
    packageJson = require.resolve(`${source.packageName}/package.json`);
  } catch (error) {
    throw new KausalError(
      'UNSUPPORTED',
      `the grammar package ${source.packageName} is not installed; run npm install`,
      { cause: error },
    );
  }
  return join(dirname(packageJson), source.wasmFile);
}

/** The grammar as a web-tree-sitter Language, loading the runtime and the .wasm on first use. */
export function loadGrammar(source: GrammarSource): Promise<Language> {
  const key = `${source.packageName}/${source.wasmFile}`;
  let loaded = languages.get(key);
  if (loaded === undefined) {
    runtime ??= Parser.init();
    loaded = runtime.then(async () => {
      const language = await Language.load(grammarPath(source));
      ready.set(key, language);
      return language;
    });
    languages.set(key, loaded);
  }
  return loaded;
}

/** A grammar that `loadGrammar` has finished loading. */
export function loadedGrammar(source: GrammarSource): Language {
  const language = ready.get(`${source.packageName}/${source.wasmFile}`);
  assert(language !== undefined, `grammar ${source.wasmFile} used before it was loaded`);
  return language;
}

/** A parser; `Parser.init` must have completed (it has once any grammar has loaded). */
export function createParser(): Parser {
  return new Parser();
}
