// Which files must be re-resolved after some files changed, so that the result equals resolving
// the whole workspace again (interface.ts explains the model):
//   - the changed files themselves;
//   - the names whose lookups may answer differently: those whose interface entries differ
//     between a changed file's facts before and after, plus, for a file that appeared or
//     disappeared, every name it declares and the names of its path (a submodule is looked up
//     by name), plus the bindings of the imports that now name other files;
//   - every file that mentions one of those names anywhere, and the importers whose imports now
//     name other files;
//   - to a fixed point: an entry (a name other files look up) whose meaning depends on one of the
//     names may now answer something else, so its name joins them, and its file is re-resolved.
// A change that names cannot describe (a glob import added or removed, facts that could not be
// read) re-resolves every file.
import type { Steps } from '../../core/yield-budget.js';
import type { FileFacts, ImportFact } from '../facts.js';
import { baseNameOf, directoryOf } from './paths.js';
import { entryMentions, fileInterface, interfaceDelta, mentionsAny } from './interface.js';
import { PathView, type FileNode, type WorkspaceIndex } from './workspace-index.js';

export interface FileChange {
  readonly path: string;
  /**
   * The file's facts before the change: undefined when it had none (a new file, or one that did
   * not parse), 'unknown' when they cannot be read (of another format, say).
   */
  readonly previous: FileFacts | undefined | 'unknown';
}

export interface AffectedFiles {
  /** Paths to re-resolve (all of them present in the index). */
  readonly files: Set<string>;
  /** Whether every file is re-resolved because a change is not described by names. */
  readonly all: boolean;
  /** The names whose lookups may have changed (empty when `all`). */
  readonly names: ReadonlySet<string>;
}

/** Files scanned per step: each is a binary search in its `names` (a walk of its facts without). */
const filesPerStep = 64;

/**
 * The files of `index` (built from the facts after the change) to re-resolve after `changes`,
 * in steps. A path of `changes` absent from the index was deleted (or no longer parses).
 */
export function* affectedFilesSteps(
  index: WorkspaceIndex,
  changes: Iterable<FileChange>,
): Steps<AffectedFiles> {
  const everything = (): AffectedFiles => ({
    files: new Set(index.files.keys()),
    all: true,
    names: new Set(),
  });
  const files = new Set<string>();
  const names = new Set<string>();
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const change of changes) {
    const next = index.files.get(change.path);
    if (next !== undefined) files.add(change.path);
    if (change.previous === 'unknown') return everything();
    if (change.previous === undefined && next === undefined) continue;
    if (change.previous === undefined) added.add(change.path);
    else if (next === undefined) removed.add(change.path);
    const delta = interfaceDelta(
      change.previous === undefined ? undefined : fileInterface(change.previous),
      next === undefined ? undefined : fileInterface(next.facts),
    );
    if (delta === 'all') return everything();
    for (const name of delta) names.add(name);
    yield;
  }
  if (added.size > 0 || removed.size > 0) {
    for (const path of [...added, ...removed]) for (const name of pathNames(path)) names.add(name);
    yield* addMovedImports(index, added, removed, files, names);
  }
  if (names.size === 0) return { files, all: false, names };

  // To a fixed point: an entry whose meaning depends on one of the names joins them (with its
  // related names), and its file is re-resolved. Then every file that mentions one of them.
  const mentionsAnyOf = (mentions: ReadonlySet<string>): boolean => {
    for (const name of names) if (mentions.has(name)) return true;
    return false;
  };
  for (let grown = true; grown; ) {
    grown = false;
    let visited = 0;
    for (const file of index.files.values()) {
      if (++visited % filesPerStep === 0) yield;
      if (!mentionsAny(file.facts, names)) continue;
      files.add(file.path);
      for (const entry of entryMentions(file.facts)) {
        if (!mentionsAnyOf(entry.mentions)) continue;
        for (const name of entry.names) {
          if (names.has(name)) continue;
          names.add(name);
          grown = true;
        }
      }
    }
  }
  return { files, all: false, names };
}

/**
 * Names a file's path answers to as a submodule (`pkg.utils` for pkg/utils.py, a namespace
 * package for a directory): its stem, without any extension, and its directories.
 */
function pathNames(path: string): string[] {
  const base = baseNameOf(path);
  const firstDot = base.indexOf('.');
  const lastDot = base.lastIndexOf('.');
  const names = [base];
  if (firstDot > 0) names.push(base.slice(0, firstDot), base.slice(0, lastDot));
  const directory = directoryOf(path);
  if (directory !== '') names.push(...directory.split('/'));
  return names;
}

/**
 * Importers whose imports name other files than before, because files appeared (found against
 * the index) or disappeared (found against the paths as they were): they are re-resolved, and
 * the names those imports bind may now answer differently.
 */
function* addMovedImports(
  index: WorkspaceIndex,
  added: ReadonlySet<string>,
  removed: ReadonlySet<string>,
  files: Set<string>,
  names: Set<string>,
): Steps<void> {
  const previousPaths = [...index.files.keys()].filter((path) => !added.has(path));
  const before = new PathView([...previousPaths, ...removed], index.project.config);
  let visited = 0;
  for (const file of index.files.values()) {
    if (++visited % filesPerStep === 0) yield;
    for (const fact of file.facts.imports) {
      const now = importTargets(file, fact, index.project);
      const then = removed.size === 0 ? [] : importTargets(file, fact, before);
      if (!now.some((path) => added.has(path)) && !then.some((path) => removed.has(path))) continue;
      files.add(file.path);
      for (const binding of fact.bindings) if (binding.kind !== 'glob') names.add(binding.local);
    }
  }
}

function importTargets(file: FileNode, fact: ImportFact, view: PathView): readonly string[] {
  return file.plugin.resolution
    .resolveImport(fact, file.path, view)
    .filter((path) => path !== file.path && view.hasFile(path));
}
