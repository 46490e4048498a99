// The shared parts of the TypeScript, TSX and JavaScript plug-ins: module identity (the path
// without its extension), the extractor, and import resolution. Module-scoped names only: a bare
// name that is neither declared nor imported is a global (external), never guessed.
import type { Node } from 'web-tree-sitter';
import type { LanguageResolution, ModuleIdentity } from '../../language.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import { baseNameOf } from '../../resolve/paths.js';
import { EcmaScriptExtractor } from './extract.js';
import { resolveEcmaImport } from './module-paths.js';

const declarationSuffixes = ['.d.ts', '.d.mts', '.d.cts'];

export function ecmaModuleIdentity(path: string): ModuleIdentity {
  const suffix = declarationSuffixes.find((candidate) => path.endsWith(candidate));
  const dot = path.lastIndexOf('.');
  const withoutExtension =
    suffix !== undefined
      ? path.slice(0, -suffix.length)
      : dot > path.lastIndexOf('/')
        ? path.slice(0, dot)
        : path;
  return { name: baseNameOf(withoutExtension), qualifiedName: withoutExtension };
}

export function extractEcmaScript(root: Node, builder: FactsBuilder): void {
  new EcmaScriptExtractor(builder).run(root);
}

export const ecmaResolution: LanguageResolution = {
  resolveImport: resolveEcmaImport,
  sharedScope: 'file',
  importsAreExported: false,
  undeclaredNames: 'external',
  implicitMembers: false,
  memberNameGuess: false,
};
