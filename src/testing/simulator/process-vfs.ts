// The file system as one engine process sees it. A simulated crash is power loss: the process dies
// with the machine. SimVfs itself stays usable after crash() (as after a reboot) and only rejects
// handles opened before it, so an engine that swallowed the CRASHED error (best-effort cleanup
// does) could keep creating and syncing files on the rebooted disk, which no real process can.
// This wrapper fails every operation of a process whose machine has crashed since it started.
import type { Vfs, VfsFile, VfsLock, VfsStat } from '../../vfs/vfs.js';
import { vfsError } from '../../vfs/vfs-error.js';
import type { SimVfs } from '../../vfs/sim-vfs.js';

export class ProcessVfs implements Vfs {
  private readonly crashesAtStart: number;

  constructor(private readonly disk: SimVfs) {
    this.crashesAtStart = disk.counters.crashes;
  }

  get alive(): boolean {
    return this.disk.counters.crashes === this.crashesAtStart;
  }

  open(path: string, mode: 'read' | 'readwrite'): VfsFile {
    this.check('open', path);
    return this.disk.open(path, mode);
  }

  createExclusive(path: string): VfsFile {
    this.check('create', path);
    return this.disk.createExclusive(path);
  }

  exists(path: string): boolean {
    this.check('exists', path);
    return this.disk.exists(path);
  }

  stat(path: string): VfsStat {
    this.check('stat', path);
    return this.disk.stat(path);
  }

  rename(from: string, to: string): void {
    this.check('rename', from);
    this.disk.rename(from, to);
  }

  unlink(path: string): void {
    this.check('unlink', path);
    this.disk.unlink(path);
  }

  unlinkInBackground(path: string): void {
    if (this.alive) this.disk.unlinkInBackground(path); // a dead process removes nothing
  }

  list(directory: string): string[] {
    this.check('list', directory);
    return this.disk.list(directory);
  }

  mkdir(path: string): void {
    this.check('mkdir', path);
    this.disk.mkdir(path);
  }

  syncDirectory(path: string): void {
    this.check('syncDirectory', path);
    this.disk.syncDirectory(path);
  }

  lock(path: string, owner: string): VfsLock {
    this.check('lock', path);
    return this.disk.lock(path, owner);
  }

  private check(operation: string, path: string): void {
    if (!this.alive) throw vfsError('CRASHED', operation, path, 'the process died in a simulated crash');
  }
}
