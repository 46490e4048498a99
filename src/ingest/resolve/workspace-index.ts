// The resolver's view of a workspace: every file's facts with their entities given block ids,
// top-level names, children by parent, and a project view for import resolution. Built from
// per-file facts alone, so an incremental sync can rebuild it from cached facts plus the facts of
// changed files without parsing anything again.
import { blockIdFromKey, type BlockId } from '../../core/block-id.js';
import { KausalError } from '../../core/errors.js';
import type { Steps } from '../../core/yield-budget.js';
import { factsFormatVersion, type EntityFact, type EntityKind, type FileFacts } from '../facts.js';
import type { LanguagePlugin, ProjectConfig, ProjectView } from '../language.js';
import { emptyProjectConfig } from '../language.js';
import { languagePlugin } from '../languages/registry.js';
import { directoryOf } from './paths.js';

export interface EntityNode {
  readonly file: FileNode;
  readonly index: number;
  readonly fact: EntityFact;
  readonly id: BlockId;
}

export interface FileNode {
  readonly path: string;
  readonly facts: FileFacts;
  readonly plugin: LanguagePlugin;
  readonly entities: readonly EntityNode[];
  readonly module: EntityNode;
  /** Module-level entities by simple name. */
  readonly topLevel: ReadonlyMap<string, readonly EntityNode[]>;
  /** Entities by the index of their parent (members of a class, top-level entities under 0). */
  readonly children: ReadonlyMap<number, readonly EntityNode[]>;
}

/**
 * The block id of an entity: workspace, file, kind and qualified name, plus the occurrence number
 * among identical keys in the file (overloads, `get`/`set` pairs, redefinitions), so re-ingesting
 * unchanged code yields the same ids.
 */
export function entityBlockId(
  workspace: string,
  path: string,
  kind: EntityKind,
  qualifiedName: string,
  occurrence: number,
): BlockId {
  return blockIdFromKey(`${workspace}\u0000${path}\u0000${kind}\u0000${qualifiedName}\u0000${occurrence}`);
}

export class WorkspaceIndex {
  readonly files = new Map<string, FileNode>();
  readonly project: ProjectView;
  private readonly directories = new Map<string, string[]>();
  private suffixIndex: Map<string, string[]> | undefined;

  /** Builds the index of `facts`, one step per file (see `Steps`). */
  static *build(
    workspace: string,
    facts: Iterable<FileFacts>,
    config: ProjectConfig = emptyProjectConfig,
  ): Steps<WorkspaceIndex> {
    const index = new WorkspaceIndex(workspace, config);
    for (const file of facts) {
      index.files.set(file.path, index.buildFile(file));
      yield;
    }
    for (const path of [...index.files.keys()].sort()) {
      const directory = directoryOf(path);
      const list = index.directories.get(directory);
      if (list === undefined) index.directories.set(directory, [path]);
      else list.push(path);
    }
    return index;
  }

  private constructor(
    readonly workspace: string,
    config: ProjectConfig,
  ) {
    this.project = {
      hasFile: (path) => this.files.has(path),
      filesInDirectory: (directory) => this.directories.get(directory) ?? [],
      filesEndingWith: (suffix) => this.filesEndingWith(suffix),
      directoriesEndingWith: (suffix) =>
        [...this.directories.keys()]
          .filter((directory) => directory === suffix || directory.endsWith(`/${suffix}`))
          .sort(),
      config,
    };
  }

  /** Files of `directory` in the same language family as `file` (a Go package, a Java package). */
  siblings(file: FileNode): FileNode[] {
    const paths = this.directories.get(directoryOf(file.path)) ?? [];
    const siblings: FileNode[] = [];
    for (const path of paths) {
      const other = this.files.get(path);
      if (other !== undefined && other !== file && other.plugin.resolution === file.plugin.resolution)
        siblings.push(other);
    }
    return siblings;
  }

  private filesEndingWith(suffix: string): readonly string[] {
    if (this.suffixIndex === undefined) {
      // Indexed by base name so a lookup touches only files that can match.
      this.suffixIndex = new Map();
      for (const path of [...this.files.keys()].sort()) {
        const base = path.slice(path.lastIndexOf('/') + 1);
        const list = this.suffixIndex.get(base);
        if (list === undefined) this.suffixIndex.set(base, [path]);
        else list.push(path);
      }
    }
    const base = suffix.slice(suffix.lastIndexOf('/') + 1);
    return (this.suffixIndex.get(base) ?? []).filter(
      (path) => path === suffix || path.endsWith(`/${suffix}`),
    );
  }

  private buildFile(facts: FileFacts): FileNode {
    if (facts.format !== factsFormatVersion) {
      // Stored by another release: resolving them would misread fields. The caller re-extracts.
      throw new KausalError(
        'UNSUPPORTED',
        `facts of ${facts.path} have format ${String(facts.format)}; this build reads format ${factsFormatVersion}, extract the file again`,
      );
    }
    const plugin = languagePlugin(facts.language);
    const entities: EntityNode[] = [];
    const topLevel = new Map<string, EntityNode[]>();
    const children = new Map<number, EntityNode[]>();
    const occurrences = new Map<string, number>();
    const file = { path: facts.path, facts, plugin, entities, topLevel, children } as unknown as FileNode & {
      module: EntityNode;
    };
    facts.entities.forEach((fact, index) => {
      const key = `${fact.kind}\u0000${fact.qualifiedName}`;
      const occurrence = occurrences.get(key) ?? 0;
      occurrences.set(key, occurrence + 1);
      const node: EntityNode = {
        file,
        index,
        fact,
        id: entityBlockId(this.workspace, facts.path, fact.kind, fact.qualifiedName, occurrence),
      };
      entities.push(node);
      if (fact.parent < 0) return;
      append(children, fact.parent, node);
      if (fact.parent === 0) append(topLevel, fact.name, node);
    });
    file.module = entities[0] as EntityNode;
    return file;
  }
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
