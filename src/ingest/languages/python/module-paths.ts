// How Python import specifiers name files. Relative imports climb from the importing file's
// package. Absolute imports try, in order: the importing file's own directory (scripts run
// there), the workspace root, then any source root (`src/pkg/mod.py` for `pkg.mod`), nearest to
// the importer first. A package is its `__init__.py`, or all modules of a namespace directory.
import type { ImportFact } from '../../facts.js';
import type { ModuleIdentity, ProjectView } from '../../language.js';
import { baseNameOf, directoryOf, joinPath } from '../../resolve/paths.js';

const suffixes = ['.py', '.pyi'];

export function pythonModuleIdentity(path: string): ModuleIdentity {
  const withoutExtension = path.replace(/\.pyi?$/, '');
  const parts = withoutExtension.split('/');
  if (parts[parts.length - 1] === '__init__' && parts.length > 1) parts.pop();
  const qualifiedName = parts.join('.');
  return { name: parts[parts.length - 1] ?? qualifiedName, qualifiedName };
}

export function resolvePythonImport(
  fact: ImportFact,
  fromPath: string,
  project: ProjectView,
): readonly string[] {
  const specifier = fact.specifier;
  const dots = /^\.*/.exec(specifier)?.[0].length ?? 0;
  const rest = specifier
    .slice(dots)
    .split('.')
    .filter((part) => part !== '')
    .join('/');
  if (dots > 0) {
    let base: string | null = directoryOf(fromPath);
    for (let level = 1; level < dots && base !== null; level++) base = base === '' ? null : directoryOf(base);
    if (base === null) return [];
    const target = rest === '' ? base : joinPath(base, rest);
    return target === null ? [] : moduleFiles(target, project);
  }
  if (rest === '') return [];
  const local = joinPath(directoryOf(fromPath), rest);
  const candidates = [local, rest];
  for (const candidate of candidates) {
    const found = candidate === null ? [] : moduleFiles(candidate, project, false);
    if (found.length > 0) return found;
  }
  return nearestSourceRoot(rest, fromPath, project);
}

/** `mod.py`, `mod.pyi`, `mod/__init__.py`, or (namespace packages) the modules in `mod/`. */
function moduleFiles(base: string, project: ProjectView, namespaceOk = true): readonly string[] {
  for (const suffix of suffixes) if (project.hasFile(base + suffix)) return [base + suffix];
  for (const suffix of suffixes) {
    const init = base === '' ? `__init__${suffix}` : `${base}/__init__${suffix}`;
    if (project.hasFile(init)) return [init];
  }
  if (!namespaceOk) return [];
  return project.filesInDirectory(base).filter((path) => suffixes.some((suffix) => path.endsWith(suffix)));
}

function nearestSourceRoot(rest: string, fromPath: string, project: ProjectView): readonly string[] {
  const matches = [
    ...suffixes.map((suffix) => `${rest}${suffix}`),
    ...suffixes.map((suffix) => `${rest}/__init__${suffix}`),
  ].flatMap((suffix) => project.filesEndingWith(suffix));
  if (matches.length === 0) return [];
  // The candidate sharing the longest directory prefix with the importer is the likeliest.
  let best = matches[0] as string;
  let bestShared = -1;
  for (const match of matches) {
    const shared = sharedPrefixLength(match, fromPath);
    if (shared > bestShared) {
      best = match;
      bestShared = shared;
    }
  }
  return [best];
}

function sharedPrefixLength(left: string, right: string): number {
  const leftParts = left.split('/');
  const rightParts = right.split('/');
  let shared = 0;
  while (shared < leftParts.length && leftParts[shared] === rightParts[shared]) shared++;
  return shared;
}

/** `from pkg import mod` where `mod` is a module file of the package, not a name in it. */
export function resolvePythonSubmodule(
  packageFiles: readonly string[],
  name: string,
  project: ProjectView,
): readonly string[] {
  const first = packageFiles[0];
  if (first === undefined) return [];
  const isPackage = baseNameOf(first).startsWith('__init__.') || packageFiles.length > 1;
  if (!isPackage) return [];
  const directory = directoryOf(first);
  const base = directory === '' ? name : `${directory}/${name}`;
  return moduleFiles(base, project, false);
}
