// Which files must be re-resolved when some files change: the changed files themselves, the files
// that import them (directly or through re-export chains), and the files sharing a directory
// scope with them (Go and Java packages). Name-only guesses may also move when any file changes;
// those are low-confidence by construction and a full resolve refreshes them.
import { limits } from '../../core/limits.js';
import type { FileFacts } from '../facts.js';
import { emptyProjectConfig, type ProjectConfig } from '../language.js';
import { SymbolResolver } from './symbols.js';
import { WorkspaceIndex, type FileNode } from './workspace-index.js';

export function dependentFiles(
  facts: Iterable<FileFacts>,
  changed: Iterable<string>,
  config: ProjectConfig = emptyProjectConfig,
): Set<string> {
  const index = new WorkspaceIndex('', facts, config);
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
  }
  const result = new Set<string>();
  const queue: { path: string; depth: number }[] = [...changed].map((path) => ({ path, depth: 0 }));
  while (queue.length > 0) {
    const { path, depth } = queue.shift() as { path: string; depth: number };
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
