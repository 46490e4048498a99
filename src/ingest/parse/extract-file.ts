// One file from bytes to facts: decode, parse with the plug-in's grammar, let the plug-in walk the
// tree. A tree with syntax errors is still walked (tree-sitter recovers what it can) and the
// errors are counted; a parse that cannot produce a tree yields the module entity alone.
import type { Parser } from 'web-tree-sitter';
import type { FileFacts, LanguageId } from '../facts.js';
import { languagePlugin, refineLanguage } from '../languages/registry.js';
import { mentionedNames } from '../resolve/interface.js';
import { FactsBuilder } from './facts-builder.js';
import { createParser, loadedGrammar, loadGrammar } from './grammars.js';
import { decodeSource } from './source-text.js';
import { countSyntaxErrors } from './syntax-walk.js';

/** Characters handed to the parser per read: whole-string input is slower on large files. */
const parseChunkChars = 64 * 1024;

let sharedParser: Parser | undefined;

/** Loads the grammars of `languages` so that `extractLoaded` can run synchronously. */
export async function prepareLanguages(languages: Iterable<LanguageId>): Promise<void> {
  for (const language of languages) {
    await loadGrammar(languagePlugin(language).grammar);
    // A C header may turn out to be C++ (see refineLanguage).
    if (language === 'c') await loadGrammar(languagePlugin('cpp').grammar);
  }
}

/**
 * Extracts the facts of one file. `source` may be text or raw bytes (invalid UTF-8 is replaced
 * and flagged). Loads the language's grammar on first use.
 */
export async function extractFile(
  language: LanguageId,
  path: string,
  source: string | Uint8Array,
): Promise<FileFacts> {
  await prepareLanguages([language]);
  return extractLoaded(language, path, source);
}

/** `extractFile` for a language whose grammar `prepareLanguages` has loaded. */
export function extractLoaded(requested: LanguageId, path: string, source: string | Uint8Array): FileFacts {
  const decoded =
    typeof source === 'string'
      ? { text: source, invalidUtf8: false, bytes: Buffer.byteLength(source, 'utf8') }
      : { ...decodeSource(source), bytes: source.length };
  const language = refineLanguage(requested, path, decoded.text);
  const plugin = languagePlugin(language);
  const builder = new FactsBuilder(
    path,
    language,
    decoded.text,
    plugin.moduleIdentity(path),
    decoded.invalidUtf8,
    decoded.bytes,
  );
  const grammar = loadedGrammar(plugin.grammar);
  sharedParser ??= createParser();
  sharedParser.setLanguage(grammar);
  const text = decoded.text;
  const tree = sharedParser.parse((index) => text.slice(index, index + parseChunkChars));
  if (tree === null) return withNames(builder.finish(1));
  try {
    plugin.extract(tree.rootNode, builder);
    return withNames(builder.finish(countSyntaxErrors(tree.rootNode)));
  } finally {
    tree.delete();
  }
}

/** The facts with the names they mention (see `FileFacts.names`). */
function withNames(facts: FileFacts): FileFacts {
  return { ...facts, names: mentionedNames(facts) };
}
