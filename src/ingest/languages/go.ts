// Go (.go): packages are directories (top-level names are shared by the files of a package),
// imports resolve through go.mod's module path (or, without one, by matching the path's tail to
// a directory), methods attach to receiver types, embedding promotes methods, and interfaces are
// satisfied structurally, so interface calls dispatch to every type with the method set.
import type { ImportFact } from '../facts.js';
import type { LanguagePlugin, ProjectView } from '../language.js';
import { joinPath, stemOf } from '../resolve/paths.js';
import { extractGo } from './go/extract.js';

function goFiles(directory: string, project: ProjectView): readonly string[] {
  return project.filesInDirectory(directory).filter((path) => path.endsWith('.go'));
}

function resolveGoImport(fact: ImportFact, _fromPath: string, project: ProjectView): readonly string[] {
  const specifier = fact.specifier;
  const modules = [...project.config.goModules].sort(
    (left, right) => right.modulePath.length - left.modulePath.length,
  );
  for (const module of modules) {
    if (specifier !== module.modulePath && !specifier.startsWith(`${module.modulePath}/`)) continue;
    const directory = joinPath(module.directory, specifier.slice(module.modulePath.length + 1));
    return directory === null ? [] : goFiles(directory, project);
  }
  if (modules.length > 0 || !specifier.includes('.')) return [];
  // No go.mod in the workspace: the longest tail of the path that is a directory here.
  const segments = specifier.split('/');
  for (let count = Math.min(segments.length - 1, 6); count >= 1; count--) {
    const found = goFiles(segments.slice(-count).join('/'), project);
    if (found.length > 0) return found;
  }
  return [];
}

export const goPlugin: LanguagePlugin = {
  id: 'go',
  extensions: ['.go'],
  grammar: { packageName: 'tree-sitter-go', wasmFile: 'tree-sitter-go.wasm' },
  moduleIdentity: (path) => ({ name: stemOf(path), qualifiedName: path.replace(/\.go$/, '') }),
  extract: extractGo,
  resolution: {
    resolveImport: resolveGoImport,
    sharedScope: 'directory',
    importsAreExported: false,
    undeclaredNames: 'external',
    implicitMembers: false,
    memberNameGuess: false,
    structuralInterfaces: true,
  },
};
