// Locks of the simulated file system. The table lives in memory (a crash empties it, as it kills
// every holder), and each lock also writes a lock file, as NodeVfs does, so directory listings look
// alike. A lock file left behind by a crash is stale by definition and is taken over.
import { vfsError } from './vfs-error.js';
import { canonicalPath, type SimNamespace } from './sim-directory.js';
import { SimVfsLock, type SimHandleHost } from './sim-vfs-file.js';

const encoder = new TextEncoder();

export class SimLockTable {
  private readonly held = new Map<string, SimVfsLock>();

  constructor(
    private readonly host: SimHandleHost,
    private readonly namespace: SimNamespace,
  ) {}

  acquire(parts: string[], path: string, owner: string, generation: number): SimVfsLock {
    const key = canonicalPath(parts);
    const holder = this.held.get(key);
    if (holder !== undefined) {
      const who = `${holder.owner} (since simulated time ${holder.acquiredAtMs})`;
      throw vfsError('LOCKED', 'lock', path, `it is in use by ${who}; release that lock first`);
    }
    const { parent, name } = this.namespace.parentOf(parts, 'lock', path);
    const existing = this.namespace.lookup(parts);
    if (existing?.kind === 'directory') throw vfsError('IO_ERROR', 'lock', path, 'is a directory (EISDIR)');
    const nowMs = this.host.nowMs();
    const node = existing ?? this.namespace.createFile(parent, name, nowMs);
    node.data.truncate(0);
    node.data.write(0, encoder.encode(JSON.stringify({ owner, acquiredAtMs: nowMs })));
    const lock = new SimVfsLock(this.host, path, parts, owner, nowMs, node, generation);
    this.held.set(key, lock);
    return lock;
  }

  /** Idempotent; a lock from before a crash (another generation) must not release its successor. */
  release(lock: SimVfsLock, generation: number): void {
    if (lock.released || lock.generation !== generation) return;
    lock.released = true;
    this.held.delete(canonicalPath(lock.parts));
    const name = lock.parts.at(-1);
    if (name === undefined || this.namespace.lookup(lock.parts) !== lock.node) return;
    const { parent } = this.namespace.parentOf(lock.parts, 'release', lock.path);
    this.namespace.unlinkEntry(parent, name, this.host.nowMs());
  }

  /** A crash: every holder died with the machine. */
  clear(): void {
    this.held.clear();
  }
}
