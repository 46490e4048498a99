// `#include` resolution for C and C++: relative to the including file, then to the root, then any
// project file with that path suffix (include directories are not known), nearest first. A
// system include (`<x.h>`) resolves only if the project itself has such a file.
import type { ImportFact } from '../../facts.js';
import type { ModuleIdentity, ProjectView } from '../../language.js';
import { directoryOf, joinPath, stemOf } from '../../resolve/paths.js';

export function cModuleIdentity(path: string): ModuleIdentity {
  return { name: stemOf(path), qualifiedName: path.replace(/\.[^./]+$/, '') };
}

export function resolveInclude(fact: ImportFact, fromPath: string, project: ProjectView): readonly string[] {
  const specifier = fact.specifier;
  for (const candidate of [joinPath(directoryOf(fromPath), specifier), joinPath('', specifier)]) {
    if (candidate !== null && project.hasFile(candidate)) return [candidate];
  }
  const matches = project.filesEndingWith(specifier.replace(/^(\.\.?\/)+/, ''));
  let best: string | undefined;
  let bestShared = -1;
  for (const match of matches) {
    let shared = 0;
    while (shared < match.length && match[shared] === fromPath[shared]) shared++;
    if (shared > bestShared) {
      best = match;
      bestShared = shared;
    }
  }
  return best === undefined ? [] : [best];
}
