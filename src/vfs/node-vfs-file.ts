// A file of the real file system behind the VfsFile interface. Positional reads and writes only;
// the fd's own offset is never used.
//
// append() must know where the file ends. An fstat per append would double the cost of a small
// WAL append, so the size is tracked instead: one record per inode, shared by every handle this
// process has open on it, measured with fstat when the first handle opens and advanced by every
// write, append and truncate through any of them. That is exact as long as no other process writes
// the file while it is open, which the database lock guarantees for its own files. size() still
// asks the kernel (it is rare and must also be right for files other processes change) and
// refreshes the record.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { assert } from '../core/assert.js';
import type { VfsFile } from './vfs.js';
import { fromNodeError } from './node-errors.js';
import { vfsError } from './vfs-error.js';

interface TrackedSize {
  size: number;
  handles: number;
}

const trackedSizeByInode = new Map<string, TrackedSize>();

export type NodeOpenFlags = 'r' | 'r+' | 'wx+';

/** Opens `path` and wraps the descriptor; `operation` names the call in error messages. */
export function openNodeFile(path: string, flags: NodeOpenFlags, operation: string): NodeVfsFile {
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (error) {
    throw fromNodeError(error, operation, path);
  }
  try {
    const stats = fstatSync(fd, { bigint: true });
    const inode = `${stats.dev}:${stats.ino}`;
    let tracked = trackedSizeByInode.get(inode);
    if (tracked === undefined) {
      tracked = { size: Number(stats.size), handles: 0 };
      trackedSizeByInode.set(inode, tracked);
    }
    tracked.handles += 1;
    return new NodeVfsFile(path, fd, flags !== 'r', inode, tracked);
  } catch (error) {
    closeSync(fd);
    throw fromNodeError(error, operation, path);
  }
}

function assertPosition(position: number, length: number): void {
  // Hot path: build the message only on failure.
  if (Number.isSafeInteger(position) && position >= 0 && Number.isSafeInteger(length) && length >= 0) return;
  assert(false, `bad file position ${position} or length ${length}`);
}

export class NodeVfsFile implements VfsFile {
  private closed = false;

  constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly writable: boolean,
    private readonly inode: string,
    private readonly tracked: TrackedSize,
  ) {}

  read(position: number, length: number): Uint8Array {
    assertPosition(position, length);
    // allocUnsafeSlow: the result owns its ArrayBuffer (no shared pool), so callers may view
    // `.buffer` from offset 0 without surprises.
    const buffer = Buffer.allocUnsafeSlow(length);
    const filled = this.readInto(position, buffer);
    return filled === length ? buffer : buffer.subarray(0, filled);
  }

  readInto(position: number, target: Uint8Array): number {
    const length = target.length;
    assertPosition(position, length);
    this.checkOpen('read');
    let filled = 0;
    try {
      while (filled < length) {
        const count = readSync(this.fd, target, filled, length - filled, position + filled);
        if (count === 0) break;
        filled += count;
      }
    } catch (error) {
      throw fromNodeError(error, 'read', this.path);
    }
    return filled;
  }

  write(position: number, bytes: Uint8Array): void {
    assertPosition(position, bytes.length);
    this.checkWritable('write');
    this.writeAll('write', position, bytes);
  }

  append(bytes: Uint8Array): void {
    this.checkWritable('append');
    this.writeAll('append', this.tracked.size, bytes);
  }

  size(): number {
    this.checkOpen('size');
    try {
      this.tracked.size = fstatSync(this.fd).size;
    } catch (error) {
      throw fromNodeError(error, 'size', this.path);
    }
    return this.tracked.size;
  }

  truncate(size: number): void {
    assertPosition(size, 0);
    this.checkWritable('truncate');
    try {
      ftruncateSync(this.fd, size);
    } catch (error) {
      throw fromNodeError(error, 'truncate', this.path);
    }
    this.tracked.size = size;
  }

  sync(): void {
    this.checkOpen('sync');
    // fdatasync makes the content and the size durable, which is the contract; it skips the
    // timestamps, which saves a journal commit when a preallocated file is overwritten.
    try {
      fdatasyncSync(this.fd);
    } catch (error) {
      throw fromNodeError(error, 'sync', this.path);
    }
  }

  close(): void {
    // Idempotent on purpose: closing a descriptor twice could close a file opened in between.
    if (this.closed) return;
    this.closed = true;
    this.tracked.handles -= 1;
    if (this.tracked.handles === 0) trackedSizeByInode.delete(this.inode);
    try {
      closeSync(this.fd);
    } catch (error) {
      throw fromNodeError(error, 'close', this.path);
    }
  }

  private writeAll(operation: string, position: number, bytes: Uint8Array): void {
    let written = 0;
    try {
      while (written < bytes.length) {
        written += writeSync(this.fd, bytes, written, bytes.length - written, position + written);
      }
    } catch (error) {
      throw fromNodeError(error, operation, this.path);
    } finally {
      // A write that failed halfway (ENOSPC) may still have extended the file.
      if (position + written > this.tracked.size) this.tracked.size = position + written;
    }
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw vfsError('CLOSED', operation, this.path, 'the file handle is closed');
  }

  private checkWritable(operation: string): void {
    this.checkOpen(operation);
    if (!this.writable) throw vfsError('IO_ERROR', operation, this.path, 'the file was opened read-only');
  }
}
