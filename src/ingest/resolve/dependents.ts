// The import closure of changed files: the changed files themselves, the files that import them
// (directly or through re-export chains), and the files sharing a directory scope with them (Go
// and Java packages). It is not what a sync re-resolves (affected.ts is): it misses dispatch and
// name-only guesses from files that do not import the changed ones, and includes every importer
// of a body-only edit.
import { limits } from '../../core/limits.js';
import { runToEnd, type Steps } from '../../core/yield-budget.js';
import type { FileFacts } from '../facts.js';
import { emptyProjectConfig, type ProjectConfig } from '../language.js';
import { SymbolResolver } from './symbols.js';
import { WorkspaceIndex, type FileNode } from './workspace-index.js';

/** Queue entries visited per step: each is a set lookup and a few pushes. */
const pathsPerStep = 1024;

export function dependentFiles(
  facts: Iterable<FileFacts>,
  changed: Iterable<string>,
  config: ProjectConfig = emptyProjectConfig,
): Set<string> {
  return runToEnd(dependentFilesSteps(facts, changed, config));
}

/** The search, in steps (per file); a sync used to run it between queries, now only `dependentFiles` does. */
function* dependentFilesSteps(
  facts: Iterable<FileFacts>,
  changed: Iterable<string>,
  config: ProjectConfig = emptyProjectConfig,
): Steps<Set<string>> {
  const index = yield* WorkspaceIndex.build('', facts, config);
  const symbols = new SymbolResolver(index);
  const importers = new Map<FileNode, FileNode[]>();
  for (const file of index.files.values()) {
    file.facts.imports.forEach((_, importIndex) => {
      for (const target of symbols.targetsOf(file, importIndex)) {
        const list = importers.get(target);
        if (list === undefined) importers.set(target, [file]);
        else list.push(file);
      }
    });
    yield;
  }
  const result = new Set<string>();
  const queue: { path: string; depth: number }[] = [...changed].map((path) => ({ path, depth: 0 }));
  for (let next = 0; next < queue.length; next++) {
    if (next % pathsPerStep === pathsPerStep - 1) yield;
    const { path, depth } = queue[next] as { path: string; depth: number };
    if (result.has(path)) continue;
    result.add(path);
    const file = index.files.get(path);
    if (file === undefined || depth >= limits.ingestChainDepthMax) continue;
    for (const importer of importers.get(file) ?? []) queue.push({ path: importer.path, depth: depth + 1 });
    if (file.plugin.resolution.sharedScope === 'directory') {
      for (const sibling of index.siblings(file)) queue.push({ path: sibling.path, depth: depth + 1 });
    }
  }
  return result;
}
