// The production Vfs: node:fs synchronous calls, errno mapped to KausalError codes. This is the one
// module of the storage stack that touches the real file system.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlink,
  unlinkSync,
} from 'node:fs';
import type { Vfs, VfsFile, VfsLock, VfsStat } from './vfs.js';
import { fromNodeError } from './node-errors.js';
import { acquireLockFile } from './node-lock.js';
import { openNodeFile } from './node-vfs-file.js';
import { pathPair } from './vfs-error.js';

export class NodeVfs implements Vfs {
  open(path: string, mode: 'read' | 'readwrite'): VfsFile {
    return openNodeFile(path, mode === 'read' ? 'r' : 'r+', 'open');
  }

  createExclusive(path: string): VfsFile {
    return openNodeFile(path, 'wx+', 'create');
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  stat(path: string): VfsStat {
    try {
      const stats = statSync(path);
      return { size: stats.size, isDirectory: stats.isDirectory(), mtimeMs: stats.mtimeMs };
    } catch (error) {
      throw fromNodeError(error, 'stat', path);
    }
  }

  rename(from: string, to: string): void {
    try {
      renameSync(from, to);
    } catch (error) {
      throw fromNodeError(error, 'rename', pathPair(from, to));
    }
  }

  unlink(path: string): void {
    try {
      unlinkSync(path);
    } catch (error) {
      throw fromNodeError(error, 'unlink', path);
    }
  }

  unlinkInBackground(path: string): void {
    unlink(path, () => undefined); // a file left behind is removed by the next open
  }

  list(directory: string): string[] {
    try {
      // The default sort compares UTF-16 code units, which is the documented order.
      return readdirSync(directory).sort();
    } catch (error) {
      throw fromNodeError(error, 'list', directory);
    }
  }

  mkdir(path: string): void {
    try {
      mkdirSync(path, { recursive: true });
    } catch (error) {
      throw fromNodeError(error, 'mkdir', path);
    }
  }

  syncDirectory(path: string): void {
    // Windows cannot open a directory for fsync; its file systems journal entries anyway.
    if (process.platform === 'win32') return;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw fromNodeError(error, 'syncDirectory', path);
    }
    try {
      fsyncSync(fd);
    } catch (error) {
      throw fromNodeError(error, 'syncDirectory', path);
    } finally {
      closeSync(fd);
    }
  }

  lock(path: string, owner: string): VfsLock {
    return acquireLockFile(path, owner);
  }
}
