// The file walker: every file under a root that ingestion may read, as sorted relative POSIX
// paths with size and mtime. It honours nested .gitignore and .kausalignore files, skips
// dependency and build directories, large and binary files, never follows a symlink out of the
// root, visits each real directory once (so symlink loops end), and counts what it skipped
// instead of failing: unreadable directories and files are part of the statistics, not errors.
//
// The file system is called synchronously, in steps bounded by a yield budget: a server walks a
// tree on the thread that answers queries, and an awaited call per file would need one turn of a
// busy event loop each (a 250-file tree took 30 s under query load); a synchronous stat costs
// microseconds, and the budget hands the thread back every few milliseconds.
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { limits } from '../../core/limits.js';
import { YieldBudget } from '../../core/yield-budget.js';
import { looksBinary } from '../parse/source-text.js';
import { IgnoreRules, ignoreFileNames } from './ignore-rules.js';

/**
 * Directory names skipped wherever they appear: version control, dependencies, build outputs and
 * caches. `vendor` holds third-party copies (Go, PHP, Ruby) and `build`/`out` are outputs in most
 * projects; a project that keeps its own code there passes its own list.
 */
export const defaultSkippedDirectories: readonly string[] = [
  '.git',
  '.hg',
  '.svn',
  '.kausal',
  'node_modules',
  'bower_components',
  'vendor',
  'dist',
  'build',
  'out',
  'target',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
  'coverage',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.gradle',
  '.idea',
  'zig-cache',
  '.zig-cache',
  'zig-out',
];

export interface WalkOptions {
  /** Files larger than this are skipped and counted (default `limits.fileBytesMaxDefault`). */
  readonly fileBytesMax?: number;
  readonly skipDirectories?: readonly string[];
  /** Honour .gitignore and .kausalignore files (default true). */
  readonly useIgnoreFiles?: boolean;
  /** Read the head of each accepted file and skip it if it holds a NUL byte (default true). */
  readonly sniffBinary?: boolean;
  /** Only paths this accepts are returned (and sniffed); the cheap filter, e.g. by extension. */
  readonly accept?: (path: string) => boolean;
  /** How long the walk may hold the thread between yields (default: the standard budget). */
  readonly budget?: YieldBudget;
}

export interface WalkedFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface WalkStats {
  files: number;
  bytes: number;
  directories: number;
  ignored: number;
  skippedLarge: number;
  skippedBinary: number;
  /** Symlinks to outside the root, to something already visited, or dangling. */
  skippedSymlinks: number;
  unreadable: number;
  /** Directories below `limits.walkDepthMax`. */
  tooDeep: number;
}

export interface WalkResult {
  readonly root: string;
  readonly files: WalkedFile[];
  readonly stats: WalkStats;
}

interface PendingDirectory {
  readonly absolute: string;
  readonly path: string;
  readonly depth: number;
  readonly rules: IgnoreRules;
}

export async function walkDirectory(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const walker = new Walker(realpathSync(root), options);
  await walker.run();
  return {
    root: walker.root,
    files: walker.files.sort((a, b) => compare(a.path, b.path)),
    stats: walker.stats,
  };
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

class Walker {
  readonly files: WalkedFile[] = [];
  readonly stats: WalkStats = {
    files: 0,
    bytes: 0,
    directories: 0,
    ignored: 0,
    skippedLarge: 0,
    skippedBinary: 0,
    skippedSymlinks: 0,
    unreadable: 0,
    tooDeep: 0,
  };
  private readonly skipped: ReadonlySet<string>;
  private readonly visited = new Set<string>();
  private readonly fileBytesMax: number;
  private readonly budget: YieldBudget;

  constructor(
    readonly root: string,
    private readonly options: WalkOptions,
  ) {
    this.skipped = new Set(options.skipDirectories ?? defaultSkippedDirectories);
    this.fileBytesMax = options.fileBytesMax ?? limits.fileBytesMaxDefault;
    this.budget = options.budget ?? new YieldBudget();
  }

  async run(): Promise<void> {
    const pending: PendingDirectory[] = [
      { absolute: this.root, path: '', depth: 0, rules: IgnoreRules.empty() },
    ];
    while (pending.length > 0) {
      const directory = pending.pop() as PendingDirectory;
      await this.visitDirectory(directory, pending);
      await this.budget.maybeYield();
    }
  }

  private async visitDirectory(directory: PendingDirectory, pending: PendingDirectory[]): Promise<void> {
    let entries: Dirent[];
    try {
      // Each real directory once: a symlink to a directory already walked (or a loop) is skipped.
      const identity = statSync(directory.absolute);
      const key = `${identity.dev}:${identity.ino}`;
      if (this.visited.has(key)) {
        this.stats.skippedSymlinks++;
        return;
      }
      this.visited.add(key);
      entries = readdirSync(directory.absolute, { withFileTypes: true });
    } catch {
      this.stats.unreadable++;
      return;
    }
    // Sorted, and pushed in reverse, so directories are walked in name order on every system.
    entries.sort((left, right) => compare(left.name, right.name));
    this.stats.directories++;
    const rules =
      this.options.useIgnoreFiles === false ? directory.rules : this.readRules(directory, entries);
    const subdirectories: PendingDirectory[] = [];
    for (const entry of entries) {
      const path = directory.path === '' ? entry.name : `${directory.path}/${entry.name}`;
      const absolute = join(directory.absolute, entry.name);
      let isDirectory = entry.isDirectory();
      let stats: Stats | undefined;
      if (entry.isSymbolicLink()) {
        stats = this.followSymlink(absolute);
        if (stats === undefined) continue;
        isDirectory = stats.isDirectory();
      } else if (!isDirectory && !entry.isFile()) continue;
      if (isDirectory && this.skipped.has(entry.name)) continue;
      if (rules.ignores(path, isDirectory)) {
        this.stats.ignored++;
        continue;
      }
      if (isDirectory) {
        if (directory.depth + 1 > limits.walkDepthMax) this.stats.tooDeep++;
        else subdirectories.push({ absolute, path, depth: directory.depth + 1, rules });
        continue;
      }
      if (this.options.accept !== undefined && !this.options.accept(path)) continue;
      this.visitFile(absolute, path, stats);
      await this.budget.maybeYield();
    }
    for (let index = subdirectories.length - 1; index >= 0; index--) {
      pending.push(subdirectories[index] as PendingDirectory);
    }
  }

  private readRules(directory: PendingDirectory, entries: readonly Dirent[]): IgnoreRules {
    const texts: string[] = [];
    for (const name of ignoreFileNames) {
      if (!entries.some((entry) => entry.name === name && entry.isFile())) continue;
      try {
        const file = join(directory.absolute, name);
        const size = statSync(file).size;
        if (size > limits.ignoreFileBytesMax) this.stats.skippedLarge++;
        else texts.push(readFileSync(file, 'utf8'));
      } catch {
        this.stats.unreadable++;
      }
    }
    return directory.rules.with(directory.path, texts);
  }

  /** The target's stats when a symlink may be followed: it resolves inside the root. */
  private followSymlink(absolute: string): Stats | undefined {
    try {
      const target = realpathSync(absolute);
      const inside = relative(this.root, target);
      if (inside.startsWith(`..${sep}`) || inside === '..' || inside.startsWith(sep)) {
        this.stats.skippedSymlinks++;
        return undefined;
      }
      return statSync(target);
    } catch {
      // Dangling, or a loop the operating system refused to resolve.
      this.stats.skippedSymlinks++;
      return undefined;
    }
  }

  private visitFile(absolute: string, path: string, known: Stats | undefined): void {
    let stats = known;
    try {
      stats ??= statSync(absolute);
    } catch {
      this.stats.unreadable++;
      return;
    }
    if (stats.size > this.fileBytesMax) {
      this.stats.skippedLarge++;
      return;
    }
    if (this.options.sniffBinary !== false && stats.size > 0) {
      const binary = sniffBinary(absolute);
      if (binary === undefined) {
        this.stats.unreadable++;
        return;
      }
      if (binary) {
        this.stats.skippedBinary++;
        return;
      }
    }
    this.stats.files++;
    this.stats.bytes += stats.size;
    this.files.push({ path, size: stats.size, mtimeMs: stats.mtimeMs });
  }
}

/** Whether the file's head holds a NUL byte; undefined when it cannot be read. */
function sniffBinary(absolute: string): boolean | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, 'r');
    const buffer = Buffer.alloc(limits.binarySniffBytes);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    return looksBinary(buffer.subarray(0, bytesRead));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing was written; the read's outcome stands.
  }
}
