// The Rust module tree over files. A crate root is the nearest `lib.rs` or `main.rs` above a file;
// a module's children live in its directory (`lib.rs`, `main.rs`, `mod.rs`) or in the directory
// named after it (`utils.rs` → `utils/`). Paths start at `crate`, `self`, `super`, a child module,
// or this crate's own name; anything else is an external crate.
import type { ImportFact } from '../../facts.js';
import type { ModuleIdentity, ProjectView } from '../../language.js';
import { baseNameOf, directoryOf, isWithin, stemOf } from '../../resolve/paths.js';

const rootFiles = ['lib.rs', 'main.rs'];
const directoryModuleFiles = new Set(['lib.rs', 'main.rs', 'mod.rs']);

export function isCrateRootFile(path: string): boolean {
  return rootFiles.includes(baseNameOf(path));
}

/** The module path from the crate's `src/` (`utils`, `store.cache`); a crate root is `crate`. */
export function rustModuleIdentity(path: string): ModuleIdentity {
  const source = path.startsWith('src/') ? 4 : path.lastIndexOf('/src/') + 5;
  const relative = (source >= 4 ? path.slice(source) : path).replace(/\.rs$/, '').replace(/\/mod$/, '');
  if (isCrateRootFile(path)) return { name: stemOf(path), qualifiedName: 'crate' };
  return {
    name: relative.slice(relative.lastIndexOf('/') + 1),
    qualifiedName: relative.split('/').join('.'),
  };
}

function childDirectory(file: string): string {
  const directory = directoryOf(file);
  if (directoryModuleFiles.has(baseNameOf(file))) return directory;
  return directory === '' ? stemOf(file) : `${directory}/${stemOf(file)}`;
}

function childModule(file: string, name: string, project: ProjectView): string | null {
  const directory = childDirectory(file);
  const prefix = directory === '' ? '' : `${directory}/`;
  for (const candidate of [`${prefix}${name}.rs`, `${prefix}${name}/mod.rs`]) {
    if (project.hasFile(candidate)) return candidate;
  }
  return null;
}

function crateRoot(file: string, project: ProjectView): string | null {
  let directory: string | null = directoryOf(file);
  for (let step = 0; directory !== null && step < 64; step++) {
    for (const root of rootFiles) {
      const candidate = directory === '' ? root : `${directory}/${root}`;
      if (project.hasFile(candidate)) return candidate;
    }
    directory = directory === '' ? null : directoryOf(directory);
  }
  return null;
}

/** The module whose children include `file`. */
function parentModule(file: string, project: ProjectView): string | null {
  if (isCrateRootFile(file)) return null;
  const own = baseNameOf(file) === 'mod.rs' ? directoryOf(file) : file;
  const directory = directoryOf(own);
  const prefix = directory === '' ? '' : `${directory}/`;
  const candidates = [`${prefix}lib.rs`, `${prefix}main.rs`, `${prefix}mod.rs`];
  if (directory !== '') candidates.push(`${directory}.rs`);
  return candidates.find((candidate) => project.hasFile(candidate)) ?? null;
}

export function resolveRustImport(
  fact: ImportFact,
  fromPath: string,
  project: ProjectView,
): readonly string[] {
  const segments = fact.specifier.split('::').filter((segment) => segment !== '');
  let current: string | null = fromPath;
  let index = 0;
  const first = segments[0];
  if (first === 'crate') {
    current = crateRoot(fromPath, project);
    index = 1;
  } else if (first === 'self') index = 1;
  else if (first === 'super') {
    while (segments[index] === 'super' && current !== null) {
      current = parentModule(current, project);
      index++;
    }
  } else if (first !== undefined && childModule(fromPath, first, project) === null) {
    // Not a child of this module: this crate's own name, a child of the crate root, or external.
    const root = crateRoot(fromPath, project);
    const ownCrate = project.config.rustCrates.some(
      (crate) => crate.crateName === first && isWithin(fromPath, crate.directory),
    );
    current = root !== null && (ownCrate || childModule(root, first, project) !== null) ? root : null;
    if (ownCrate) index = 1;
  }
  for (; current !== null && index < segments.length; index++) {
    current = childModule(current, segments[index] as string, project);
  }
  return current === null || current === fromPath ? [] : [current];
}

export function resolveRustSubmodule(
  packageFiles: readonly string[],
  name: string,
  project: ProjectView,
): readonly string[] {
  const first = packageFiles[0];
  if (first === undefined) return [];
  const found = childModule(first, name, project);
  return found === null ? [] : [found];
}
