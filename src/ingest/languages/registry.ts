// Every language plug-in, and the lookup from a file name to the plug-in that reads it.
import { assert } from '../../core/assert.js';
import type { LanguageId } from '../facts.js';
import type { LanguagePlugin } from '../language.js';
import { cPlugin } from './c.js';
import { cppPlugin } from './cpp.js';
import { goPlugin } from './go.js';
import { javaPlugin } from './java.js';
import { javascriptPlugin } from './javascript.js';
import { pythonPlugin } from './python.js';
import { tsxPlugin } from './tsx.js';
import { rustPlugin } from './rust.js';
import { typescriptPlugin } from './typescript.js';
import { zigPlugin } from './zig.js';

export const languagePlugins: readonly LanguagePlugin[] = [
  typescriptPlugin,
  tsxPlugin,
  javascriptPlugin,
  pythonPlugin,
  zigPlugin,
  goPlugin,
  rustPlugin,
  javaPlugin,
  cPlugin,
  cppPlugin,
];

const byId = new Map<LanguageId, LanguagePlugin>(languagePlugins.map((plugin) => [plugin.id, plugin]));

/** Extensions longest first, so `.d.ts` wins over `.ts`. */
const byExtension: readonly (readonly [string, LanguagePlugin])[] = languagePlugins
  .flatMap((plugin) => plugin.extensions.map((extension) => [extension, plugin] as const))
  .sort((left, right) => right[0].length - left[0].length);

export function languagePlugin(id: LanguageId): LanguagePlugin {
  const plugin = byId.get(id);
  assert(plugin !== undefined, `no plug-in for language ${id}`);
  return plugin;
}

/** C++ constructs that never appear in C, looked for at the start of a line in `.h` files. */
const cppMarkers = /^\s*(?:class|namespace|template)\b|^\s*(?:public|private|protected)\s*:/m;

/**
 * The language of a file once its text is known: a `.h` header is C unless it uses C++ (classes,
 * namespaces, templates), in which case the C++ grammar reads it.
 */
export function refineLanguage(language: LanguageId, path: string, text: string): LanguageId {
  if (language !== 'c' || !path.toLowerCase().endsWith('.h')) return language;
  return cppMarkers.test(text.length > 65_536 ? text.slice(0, 65_536) : text) ? 'cpp' : 'c';
}

/** The language of a file by its name, or undefined when no plug-in reads it. */
export function languageOfPath(path: string): LanguageId | undefined {
  const lower = path.toLowerCase();
  for (const [extension, plugin] of byExtension) if (lower.endsWith(extension)) return plugin.id;
  return undefined;
}
