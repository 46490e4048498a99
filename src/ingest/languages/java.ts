// Java (.java): classes, interfaces, enums and records with nesting; imports of classes, packages
// (`.*`) and static members, matched to files by their package path under any source root; same
// package is same directory; calls through declared types of fields, locals and parameters,
// unqualified calls to members of the class and its outer classes, `new`, `super(…)`, `this(…)`.
import type { ImportFact } from '../facts.js';
import type { LanguagePlugin, ProjectView } from '../language.js';
import { stemOf } from '../resolve/paths.js';
import { extractJava } from './java/extract.js';

function nearest(candidates: readonly string[], fromPath: string): string | undefined {
  let best: string | undefined;
  let bestShared = -1;
  for (const candidate of candidates) {
    let shared = 0;
    while (shared < candidate.length && candidate[shared] === fromPath[shared]) shared++;
    if (shared > bestShared) {
      best = candidate;
      bestShared = shared;
    }
  }
  return best;
}

function resolveJavaImport(fact: ImportFact, fromPath: string, project: ProjectView): readonly string[] {
  const path = fact.specifier.split('.').join('/');
  const file = nearest(project.filesEndingWith(`${path}.java`), fromPath);
  if (file !== undefined) return [file];
  if (!fact.bindings.some((binding) => binding.kind === 'glob')) return [];
  const directory = nearest(project.directoriesEndingWith(path), fromPath);
  return directory === undefined
    ? []
    : project.filesInDirectory(directory).filter((candidate) => candidate.endsWith('.java'));
}

export const javaPlugin: LanguagePlugin = {
  id: 'java',
  extensions: ['.java'],
  grammar: { packageName: 'tree-sitter-java', wasmFile: 'tree-sitter-java.wasm' },
  moduleIdentity: (path) => ({ name: stemOf(path), qualifiedName: path.replace(/\.java$/, '') }),
  extract: extractJava,
  resolution: {
    resolveImport: resolveJavaImport,
    sharedScope: 'directory',
    importsAreExported: false,
    undeclaredNames: 'external',
    implicitMembers: true,
    memberNameGuess: false,
    staticMembersExported: true,
  },
};
