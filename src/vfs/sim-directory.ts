// The simulated namespace: inodes (files and directories) joined by directory entries. Each
// directory keeps its current entries apart from its durable ones; create, rename, unlink and mkdir
// change only the current entries, and syncDirectory copies them to the durable ones. A crash
// rebuilds the tree from the durable entries (optionally keeping some unsynced changes), and inodes
// no longer reachable from the root disappear, as an unsynced file does after power loss.
//
// Paths are resolved from the root; relative paths count as relative to it, and "." and ".." are
// folded lexically.
import { assert } from '../core/assert.js';
import type { Rng } from '../core/rng.js';
import { vfsError } from './vfs-error.js';
import { SimFileData } from './sim-file.js';

export interface SimFileNode {
  readonly kind: 'file';
  readonly id: number;
  readonly data: SimFileData;
  mtimeMs: number;
}

export interface SimDirectoryNode {
  readonly kind: 'directory';
  readonly id: number;
  current: Map<string, number>;
  durable: Map<string, number>;
  mtimeMs: number;
}

export type SimNode = SimFileNode | SimDirectoryNode;

/** Every file (its bytes) and directory of one view, by normalized path, in path order. */
export type SimSnapshot = Map<string, Uint8Array | 'directory'>;

/** The parsed form of a path: its components from the root. */
export function pathComponents(path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts;
}

export function canonicalPath(parts: readonly string[]): string {
  return `/${parts.join('/')}`;
}

export class SimNamespace {
  private readonly nodes = new Map<number, SimNode>();
  private nextId = 1;
  readonly root: SimDirectoryNode;

  constructor(nowMs: number) {
    this.root = { kind: 'directory', id: 0, current: new Map(), durable: new Map(), mtimeMs: nowMs };
    this.nodes.set(0, this.root);
  }

  /** The node at `parts` in the current view, or undefined (also when a component is a file). */
  lookup(parts: readonly string[]): SimNode | undefined {
    let node: SimNode = this.root;
    for (const part of parts) {
      if (node.kind !== 'directory') return undefined;
      const id = node.current.get(part);
      if (id === undefined) return undefined;
      node = this.node(id);
    }
    return node;
  }

  /** The directory at `parts`; NOT_FOUND when missing, IO_ERROR when it is a file. */
  directory(parts: readonly string[], operation: string, path: string): SimDirectoryNode {
    const node = this.lookup(parts);
    if (node === undefined) throw vfsError('NOT_FOUND', operation, path, 'no such file or directory');
    if (node.kind !== 'directory') throw vfsError('IO_ERROR', operation, path, 'not a directory (ENOTDIR)');
    return node;
  }

  /** The file at `parts`; NOT_FOUND when missing, IO_ERROR when it is a directory. */
  file(parts: readonly string[], operation: string, path: string): SimFileNode {
    const node = this.lookup(parts);
    if (node === undefined) throw vfsError('NOT_FOUND', operation, path, 'no such file or directory');
    if (node.kind !== 'file') throw vfsError('IO_ERROR', operation, path, 'is a directory (EISDIR)');
    return node;
  }

  /** The directory that holds the entry `parts` names, and that entry's name. */
  parentOf(
    parts: readonly string[],
    operation: string,
    path: string,
  ): { parent: SimDirectoryNode; name: string } {
    const name = parts.at(-1);
    if (name === undefined) throw vfsError('IO_ERROR', operation, path, 'the root has no parent (EINVAL)');
    return { parent: this.directory(parts.slice(0, -1), operation, path), name };
  }

  createFile(parent: SimDirectoryNode, name: string, nowMs: number): SimFileNode {
    const node: SimFileNode = { kind: 'file', id: this.nextId++, data: new SimFileData(), mtimeMs: nowMs };
    this.nodes.set(node.id, node);
    this.link(parent, name, node.id, nowMs);
    return node;
  }

  createDirectory(parent: SimDirectoryNode, name: string, nowMs: number): SimDirectoryNode {
    const node: SimDirectoryNode = {
      kind: 'directory',
      id: this.nextId++,
      current: new Map(),
      durable: new Map(),
      mtimeMs: nowMs,
    };
    this.nodes.set(node.id, node);
    this.link(parent, name, node.id, nowMs);
    return node;
  }

  link(parent: SimDirectoryNode, name: string, id: number, nowMs: number): void {
    parent.current.set(name, id);
    parent.mtimeMs = nowMs;
  }

  unlinkEntry(parent: SimDirectoryNode, name: string, nowMs: number): void {
    parent.current.delete(name);
    parent.mtimeMs = nowMs;
  }

  /** Creates the directory at `parts` and its missing parents. */
  mkdirs(parts: readonly string[], path: string, nowMs: number): void {
    let parent = this.root;
    for (const [index, name] of parts.entries()) {
      const id = parent.current.get(name);
      const existing = id === undefined ? undefined : this.node(id);
      if (existing === undefined) {
        parent = this.createDirectory(parent, name, nowMs);
      } else if (existing.kind === 'directory') {
        parent = existing;
      } else if (index === parts.length - 1) {
        throw vfsError('ALREADY_EXISTS', 'mkdir', path, 'a file exists at this path');
      } else {
        throw vfsError(
          'IO_ERROR',
          'mkdir',
          path,
          `${canonicalPath(parts.slice(0, index + 1))} is a file (ENOTDIR)`,
        );
      }
    }
  }

  /** POSIX rename: atomically points the target entry at the source's inode. */
  rename(
    sourceParts: readonly string[],
    targetParts: readonly string[],
    display: string,
    nowMs: number,
  ): void {
    const source = this.parentOf(sourceParts, 'rename', display);
    const target = this.parentOf(targetParts, 'rename', display);
    const moving = this.lookup(sourceParts);
    if (moving === undefined) throw vfsError('NOT_FOUND', 'rename', display, 'the source does not exist');
    const replaced = this.lookup(targetParts);
    if (replaced === moving) return;
    if (moving.kind === 'directory') {
      if (sourceParts.every((part, index) => targetParts[index] === part)) {
        throw vfsError('IO_ERROR', 'rename', display, 'cannot move a directory into itself (EINVAL)');
      }
      if (replaced?.kind === 'file')
        throw vfsError('IO_ERROR', 'rename', display, 'the target is a file (ENOTDIR)');
      if (replaced !== undefined && replaced.current.size > 0) {
        throw vfsError('IO_ERROR', 'rename', display, 'the target directory is not empty (ENOTEMPTY)');
      }
    } else if (replaced?.kind === 'directory') {
      throw vfsError('IO_ERROR', 'rename', display, 'the target is a directory (EISDIR)');
    }
    this.link(target.parent, target.name, moving.id, nowMs);
    this.unlinkEntry(source.parent, source.name, nowMs);
  }

  syncDirectory(directory: SimDirectoryNode): void {
    directory.durable = new Map(directory.current);
  }

  /**
   * Replaces every directory's entries by its durable ones (each unsynced change survives with
   * `keepProbability`), then forgets unreachable inodes. Returns the surviving files.
   */
  crash(rng: Rng, keepProbability: number): SimFileNode[] {
    for (const node of this.nodes.values()) {
      if (node.kind !== 'directory') continue;
      const entries = keepProbability > 0 ? mixEntries(node, rng, keepProbability) : node.durable;
      node.durable = new Map(entries);
      node.current = new Map(entries);
    }
    return this.collectGarbage();
  }

  /** Walks `view` entries from the root in name order, once per directory, calling `visit`. */
  walk(view: 'current' | 'durable', visit: (path: string, node: SimNode) => void): void {
    const seen = new Set<number>([0]);
    const queue: Array<{ path: string; node: SimDirectoryNode }> = [{ path: '', node: this.root }];
    for (let index = 0; index < queue.length; index += 1) {
      const { path, node } = queue[index]!;
      for (const name of [...node[view].keys()].sort()) {
        const child = this.node(node[view].get(name)!);
        const childPath = `${path}/${name}`;
        if (child.kind === 'directory') {
          if (seen.has(child.id)) continue;
          seen.add(child.id);
          queue.push({ path: childPath, node: child });
        }
        visit(childPath, child);
      }
    }
  }

  /** The files and directories reachable in `view`, in path order. */
  snapshot(view: 'current' | 'durable'): SimSnapshot {
    const entries: Array<[string, Uint8Array | 'directory']> = [];
    this.walk(view, (path, node) => {
      if (node.kind === 'directory') entries.push([path, 'directory']);
      else entries.push([path, view === 'durable' ? node.data.durableBytes() : node.data.currentBytes()]);
    });
    return new Map(entries.sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
  }

  private node(id: number): SimNode {
    const node = this.nodes.get(id);
    assert(node !== undefined, `simulated inode ${id} is missing`);
    return node;
  }

  /**
   * Keeps reachable inodes only. Mixed durable states can make a directory reachable twice (or
   * form a cycle) after directory renames; the later entry is dropped so the tree stays a tree.
   */
  private collectGarbage(): SimFileNode[] {
    const reachable = new Set<number>([0]);
    const files: SimFileNode[] = [];
    const queue: SimDirectoryNode[] = [this.root];
    for (let index = 0; index < queue.length; index += 1) {
      const directory = queue[index]!;
      for (const name of [...directory.current.keys()].sort()) {
        const child = this.node(directory.current.get(name)!);
        if (child.kind === 'directory' && reachable.has(child.id)) {
          directory.current.delete(name);
          directory.durable.delete(name);
          continue;
        }
        if (!reachable.has(child.id) && child.kind === 'file') files.push(child);
        reachable.add(child.id);
        if (child.kind === 'directory') queue.push(child);
      }
    }
    for (const id of [...this.nodes.keys()]) if (!reachable.has(id)) this.nodes.delete(id);
    return files.sort((left, right) => left.id - right.id);
  }
}

/** Per name, the unsynced change survives with `keepProbability`; otherwise the durable entry. */
function mixEntries(directory: SimDirectoryNode, rng: Rng, keepProbability: number): Map<string, number> {
  const entries = new Map<string, number>();
  const names = new Set([...directory.durable.keys(), ...directory.current.keys()]);
  for (const name of [...names].sort()) {
    const durable = directory.durable.get(name);
    const current = directory.current.get(name);
    const chosen = durable === current || !rng.chance(keepProbability) ? durable : current;
    if (chosen !== undefined) entries.set(name, chosen);
  }
  return entries;
}
