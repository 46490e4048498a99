// Handles of the simulated file system. They hold no policy: every call goes through the SimVfs
// that opened them, which counts the operation, applies a scheduled crash or an injected fault, and
// rejects handles that are closed or older than the last crash.
import { assert } from '../core/assert.js';
import type { VfsFile, VfsLock } from './vfs.js';
import type { SimFileNode } from './sim-directory.js';
import type { SimOperation } from './sim-faults.js';

/** A write that a crash may interrupt part-way. */
export interface PendingWrite {
  readonly file: SimVfsFile;
  readonly position: number;
  readonly bytes: Uint8Array;
}

/** What the handles need from SimVfs; an interface so the two modules do not import each other. */
export interface SimHandleHost {
  /** Counts, crashes or faults as scheduled, then validates the handle; throws on any of these. */
  beginFileOperation(file: SimVfsFile, operation: SimOperation, pendingWrite?: PendingWrite): void;
  closeFile(file: SimVfsFile): void;
  releaseLock(lock: SimVfsLock): void;
  nowMs(): number;
}

function assertPosition(position: number, length: number): void {
  assert(Number.isSafeInteger(position) && position >= 0, `bad file position ${position}`);
  assert(Number.isSafeInteger(length) && length >= 0, `bad length ${length}`);
}

export class SimVfsFile implements VfsFile {
  /** @internal */ closed = false;

  constructor(
    private readonly host: SimHandleHost,
    readonly path: string,
    /** @internal The normalized path at open time, which faults match against. */
    readonly canonicalPath: string,
    /** @internal */ readonly node: SimFileNode,
    /** @internal */ readonly writable: boolean,
    /** @internal The crash generation this handle belongs to. */
    readonly generation: number,
  ) {}

  read(position: number, length: number): Uint8Array {
    assertPosition(position, length);
    this.host.beginFileOperation(this, 'read');
    return this.node.data.read(position, length);
  }

  readInto(position: number, target: Uint8Array): number {
    assertPosition(position, target.length);
    this.host.beginFileOperation(this, 'read');
    const bytes = this.node.data.read(position, target.length);
    target.set(bytes);
    return bytes.length;
  }

  write(position: number, bytes: Uint8Array): void {
    assertPosition(position, bytes.length);
    this.host.beginFileOperation(this, 'write', { file: this, position, bytes });
    this.node.data.write(position, bytes);
    this.node.mtimeMs = this.host.nowMs();
  }

  append(bytes: Uint8Array): void {
    this.host.beginFileOperation(this, 'append', { file: this, position: this.node.data.size, bytes });
    this.node.data.write(this.node.data.size, bytes);
    this.node.mtimeMs = this.host.nowMs();
  }

  size(): number {
    this.host.beginFileOperation(this, 'size');
    return this.node.data.size;
  }

  truncate(size: number): void {
    assertPosition(size, 0);
    this.host.beginFileOperation(this, 'truncate');
    this.node.data.truncate(size);
    this.node.mtimeMs = this.host.nowMs();
  }

  sync(): void {
    this.host.beginFileOperation(this, 'sync');
    this.node.data.sync();
  }

  close(): void {
    this.host.closeFile(this);
  }
}

export class SimVfsLock implements VfsLock {
  /** @internal */ released = false;

  constructor(
    private readonly host: SimHandleHost,
    /** @internal */ readonly path: string,
    /** @internal */ readonly parts: readonly string[],
    /** @internal */ readonly owner: string,
    /** @internal */ readonly acquiredAtMs: number,
    /** @internal The lock file this lock wrote. */ readonly node: SimFileNode,
    /** @internal */ readonly generation: number,
  ) {}

  release(): void {
    this.host.releaseLock(this);
  }
}
