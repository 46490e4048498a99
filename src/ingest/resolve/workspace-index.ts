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

/**
 * Entity ids known from an earlier resolution of a file (in entity order), so that building an
 * index does not hash every id again; undefined when not known.
 */
export type KnownIds = (path: string) => readonly BlockId[] | undefined;

export interface IndexOptions {
  readonly config?: ProjectConfig;
  /**
   * Ids of files resolved before. Used only for a file whose module id matches and whose count
   * matches its entities; the caller vouches that they were computed from the same facts.
   */
  readonly knownIds?: KnownIds;
  /**
   * Nodes of an earlier index of the same workspace, by path: a node is taken over when it was
   * built from the very facts object now indexed (nodes never change once built).
   */
  readonly reuse?: ReadonlyMap<string, FileNode>;
}

/** What import resolution may ask about a set of source paths (see `ProjectView`). */
export class PathView implements ProjectView {
  /** Paths by directory, sorted. */
  readonly directories = new Map<string, string[]>();
  private readonly paths: ReadonlySet<string>;
  private suffixIndex: Map<string, string[]> | undefined;

  constructor(
    paths: Iterable<string>,
    readonly config: ProjectConfig = emptyProjectConfig,
  ) {
    this.paths = new Set(paths);
    for (const path of [...this.paths].sort()) {
      const directory = directoryOf(path);
      const list = this.directories.get(directory);
      if (list === undefined) this.directories.set(directory, [path]);
      else list.push(path);
    }
  }

  hasFile(path: string): boolean {
    return this.paths.has(path);
  }

  filesInDirectory(directory: string): readonly string[] {
    return this.directories.get(directory) ?? [];
  }

  directoriesEndingWith(suffix: string): readonly string[] {
    return [...this.directories.keys()]
      .filter((directory) => directory === suffix || directory.endsWith(`/${suffix}`))
      .sort();
  }

  filesEndingWith(suffix: string): readonly string[] {
    if (this.suffixIndex === undefined) {
      // Indexed by base name so a lookup touches only files that can match.
      this.suffixIndex = new Map();
      for (const path of [...this.paths].sort()) {
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
}

export class WorkspaceIndex {
  /** Files by path, in path order. */
  readonly files = new Map<string, FileNode>();
  readonly project: PathView;

  /**
   * Builds the index of `facts`, one step per file (see `Steps`). Files are indexed in path order
   * whatever order they come in, so every table built from the index (and every tie it breaks)
   * is the same for the same facts.
   */
  static *build(
    workspace: string,
    facts: Iterable<FileFacts>,
    options: ProjectConfig | IndexOptions = {},
  ): Steps<WorkspaceIndex> {
    const { config, knownIds, reuse } = isProjectConfig(options)
      ? { config: options, knownIds: undefined, reuse: undefined }
      : options;
    const sorted = [...facts].sort((left, right) =>
      left.path < right.path ? -1 : left.path > right.path ? 1 : 0,
    );
    const index = new WorkspaceIndex(
      workspace,
      sorted.map((file) => file.path),
      config ?? emptyProjectConfig,
    );
    for (const file of sorted) {
      const earlier = reuse?.get(file.path);
      if (earlier !== undefined && earlier.facts === file) {
        index.files.set(file.path, earlier);
        continue;
      }
      index.files.set(file.path, index.buildFile(file, knownIds?.(file.path)));
      yield;
    }
    return index;
  }

  private constructor(
    readonly workspace: string,
    paths: readonly string[],
    config: ProjectConfig,
  ) {
    this.project = new PathView(paths, config);
  }

  /** Files of `directory` in the same language family as `file` (a Go package, a Java package). */
  siblings(file: FileNode): FileNode[] {
    const paths = this.project.directories.get(directoryOf(file.path)) ?? [];
    const siblings: FileNode[] = [];
    for (const path of paths) {
      const other = this.files.get(path);
      if (other !== undefined && other !== file && other.plugin.resolution === file.plugin.resolution)
        siblings.push(other);
    }
    return siblings;
  }

  private buildFile(facts: FileFacts, knownIds: readonly BlockId[] | undefined): FileNode {
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
    const known = this.usableIds(facts, knownIds);
    facts.entities.forEach((fact, index) => {
      let id = known?.[index];
      if (id === undefined) {
        const key = `${fact.kind}\u0000${fact.qualifiedName}`;
        const occurrence = occurrences.get(key) ?? 0;
        occurrences.set(key, occurrence + 1);
        id = entityBlockId(this.workspace, facts.path, fact.kind, fact.qualifiedName, occurrence);
      }
      const node: EntityNode = { file, index, fact, id };
      entities.push(node);
      if (fact.parent < 0) return;
      append(children, fact.parent, node);
      if (fact.parent === 0) append(topLevel, fact.name, node);
    });
    file.module = entities[0] as EntityNode;
    return file;
  }

  /** `ids` when they can stand for the entities of `facts`: one per entity, the module's right. */
  private usableIds(facts: FileFacts, ids: readonly BlockId[] | undefined): readonly BlockId[] | undefined {
    if (ids === undefined || ids.length !== facts.entities.length) return undefined;
    return ids[0] === this.moduleId(facts) ? ids : undefined;
  }

  /** The id of the module entity of `facts` in this workspace. */
  private moduleId(facts: FileFacts): BlockId | undefined {
    const module = facts.entities[0];
    return module === undefined
      ? undefined
      : entityBlockId(this.workspace, facts.path, module.kind, module.qualifiedName, 0);
  }
}

function isProjectConfig(options: ProjectConfig | IndexOptions): options is ProjectConfig {
  return 'typescript' in options;
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
