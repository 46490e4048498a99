// The one I/O interface of the storage engine. It is synchronous because the core is
// single-threaded and every durable step must complete before the next begins. Two
// implementations exist: NodeVfs (production) and SimVfs (deterministic, in memory, with faults
// and crashes). Storage code imports nothing from node:fs; it receives a Vfs.
//
// Paths are absolute or relative POSIX strings joined with '/'. Every failure is a KausalError:
//   NOT_FOUND (no such file), ALREADY_EXISTS (createExclusive), IO_ERROR (EIO and friends),
//   NO_SPACE (ENOSPC), LOCKED (lock held by another owner), CRASHED (SimVfs after a crash).
// Durability contract, which SimVfs enforces: bytes written to a file survive a crash only after
// that file's sync(); a created, renamed or unlinked directory entry survives a crash only after
// syncDirectory() of its parent directory.

export interface VfsStat {
  readonly size: number;
  readonly isDirectory: boolean;
  readonly mtimeMs: number;
}

export interface VfsFile {
  readonly path: string;
  /** Reads up to `length` bytes at `position`; shorter only at end of file. */
  read(position: number, length: number): Uint8Array;
  /**
   * Reads up to `target.length` bytes at `position` into `target` (memory the caller reuses, where
   * a fresh array per read costs more than the read: see BlockCache); returns how many, fewer only
   * at end of file.
   */
  readInto(position: number, target: Uint8Array): number;
  /** Writes all of `bytes` at `position`, extending the file if needed. */
  write(position: number, bytes: Uint8Array): void;
  /** Writes all of `bytes` at the current end of the file. */
  append(bytes: Uint8Array): void;
  size(): number;
  truncate(size: number): void;
  /** Makes this file's content and size durable (fsync). */
  sync(): void;
  close(): void;
}

export interface VfsLock {
  release(): void;
}

export interface Vfs {
  /** Opens an existing file. Throws NOT_FOUND when it does not exist. */
  open(path: string, mode: 'read' | 'readwrite'): VfsFile;
  /** Creates a new empty file for reading and writing. Throws ALREADY_EXISTS when it exists. */
  createExclusive(path: string): VfsFile;
  exists(path: string): boolean;
  /** Throws NOT_FOUND when the path does not exist. */
  stat(path: string): VfsStat;
  /** Atomically replaces `to` with `from` (POSIX rename). */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /**
   * Removes a file without waiting for it, ignoring failure: for files nothing reads any more and
   * that the next open removes if they are still there (obsolete tables, covered WAL segments).
   * Unlinking a large file took ~0.4 ms per MiB here, a stall on the event loop otherwise.
   */
  unlinkInBackground(path: string): void;
  /** Entry names of a directory, sorted by code unit order. Throws NOT_FOUND. */
  list(directory: string): string[];
  /** Creates a directory and its missing parents; no error when it exists. */
  mkdir(path: string): void;
  /** Makes the directory's entries (creations, renames, removals) durable. */
  syncDirectory(path: string): void;
  /**
   * Takes an exclusive, process-crash-safe lock on `path`, recording `owner` (a short description
   * such as "pid 123 on host"). Throws LOCKED naming the current holder when another live owner
   * holds it; a lock left behind by a dead process is taken over.
   */
  lock(path: string, owner: string): VfsLock;
}

export function joinPath(...parts: string[]): string {
  return parts
    .filter((part) => part.length > 0)
    .join('/')
    .replace(/\/{2,}/g, '/');
}

export function parentDirectory(path: string): string {
  const index = path.lastIndexOf('/');
  if (index < 0) return '.';
  if (index === 0) return '/';
  return path.slice(0, index);
}

/** Reads a whole file through the Vfs. */
export function readWholeFile(vfs: Vfs, path: string): Uint8Array {
  const file = vfs.open(path, 'read');
  try {
    return file.read(0, file.size());
  } finally {
    file.close();
  }
}
