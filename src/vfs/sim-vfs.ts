// A deterministic, in-memory Vfs that is honest about durability: only synced file content and
// synced directory entries survive crash(). Everything it decides (which sectors persist, where a
// write tears, whether a probabilistic fault fires) comes from a SeededRng, and its clock counts
// operations, so the same seed and the same calls give byte-identical results.
//
// Simulation controls (crash, faults, corruption, snapshots) are not Vfs operations: they are not
// counted and cannot fail. See sim-file.ts for the crash model of file content and
// sim-directory.ts for that of directory entries.
import { assert } from '../core/assert.js';
import { SeededRng, type Rng } from '../core/rng.js';
import type { Vfs, VfsFile, VfsLock, VfsStat } from './vfs.js';
import { pathPair, vfsError } from './vfs-error.js';
import { simConstants } from './sim-constants.js';
import {
  canonicalPath,
  pathComponents,
  SimNamespace,
  type SimFileNode,
  type SimSnapshot,
} from './sim-directory.js';
import type { SectorOutcomes } from './sim-file.js';
import { corruptSectorAtRest, flipBitAtRest } from './sim-corruption.js';
import {
  faultError,
  SimFaults,
  type SimFaultHandle,
  type SimFaultKind,
  type SimFaultOperation,
  type SimFaultSpec,
  type SimOperation,
} from './sim-faults.js';
import { SimVfsFile, type PendingWrite, type SimHandleHost, type SimVfsLock } from './sim-vfs-file.js';
import { SimLockTable } from './sim-locks.js';

export interface SimVfsOptions {
  readonly seed: number;
  /** Chance that a dirty sector is torn at a crash. */
  readonly tornSectorProbability?: number;
  /** Chance that each unsynced directory change survives a crash (default 0: all dropped). */
  readonly directoryChangeKeepProbability?: number;
}

export interface SimVfsCounters extends SectorOutcomes {
  readonly operations: number;
  readonly crashes: number;
  /** Injected faults that fired, per kind. */
  readonly faults: Readonly<Record<SimFaultKind, number>>;
  /** Writes cut short by a crash scheduled on them. */
  readonly partialWrites: number;
  readonly bitFlips: number;
  readonly sectorsCorrupted: number;
}

export type { SimSnapshot } from './sim-directory.js';

const writeOperations: ReadonlySet<SimOperation> = new Set(['write', 'append', 'truncate']);

export class SimVfs implements Vfs, SimHandleHost {
  readonly seed: number;
  private readonly namespace: SimNamespace;
  private readonly crashRng: Rng;
  private readonly corruptionRng: Rng;
  private readonly faults: SimFaults;
  private readonly locks: SimLockTable;
  private readonly tornSectorProbability: number;
  private readonly directoryChangeKeepProbability: number;
  private generation = 0;
  private operations = 0;
  private crashAt: number | undefined;
  private readonly stats = {
    crashes: 0,
    faults: { EIO: 0, ENOSPC: 0 },
    sectorsPersisted: 0,
    sectorsLost: 0,
    sectorsTorn: 0,
    partialWrites: 0,
    bitFlips: 0,
    sectorsCorrupted: 0,
  };

  constructor(options: SimVfsOptions) {
    this.seed = options.seed;
    this.tornSectorProbability = options.tornSectorProbability ?? simConstants.tornSectorProbabilityDefault;
    this.directoryChangeKeepProbability =
      options.directoryChangeKeepProbability ?? simConstants.directoryChangeKeepProbabilityDefault;
    assert(this.tornSectorProbability >= 0 && this.tornSectorProbability <= 1, 'bad tornSectorProbability');
    assert(this.directoryChangeKeepProbability >= 0 && this.directoryChangeKeepProbability <= 1);
    // Separate streams, so that adding a probabilistic fault does not change crash outcomes.
    const rng = new SeededRng(options.seed);
    this.crashRng = rng.fork();
    this.faults = new SimFaults(rng.fork(), (path) => canonicalPath(pathComponents(path)));
    this.corruptionRng = rng.fork();
    this.namespace = new SimNamespace(this.nowMs());
    this.locks = new SimLockTable(this, this.namespace);
  }

  // ---- Vfs -------------------------------------------------------------------------------------

  open(path: string, mode: 'read' | 'readwrite'): VfsFile {
    const parts = this.begin('open', path);
    const node = this.namespace.file(parts, 'open', path);
    return new SimVfsFile(this, path, canonicalPath(parts), node, mode === 'readwrite', this.generation);
  }

  createExclusive(path: string): VfsFile {
    const parts = this.begin('create', path);
    const { parent, name } = this.namespace.parentOf(parts, 'create', path);
    if (parent.current.has(name)) throw vfsError('ALREADY_EXISTS', 'create', path, 'the path already exists');
    const node = this.namespace.createFile(parent, name, this.nowMs());
    return new SimVfsFile(this, path, canonicalPath(parts), node, true, this.generation);
  }

  exists(path: string): boolean {
    return this.namespace.lookup(this.begin('exists', path)) !== undefined;
  }

  stat(path: string): VfsStat {
    const node = this.namespace.lookup(this.begin('stat', path));
    if (node === undefined) throw vfsError('NOT_FOUND', 'stat', path, 'no such file or directory');
    const isDirectory = node.kind === 'directory';
    return { size: isDirectory ? 0 : node.data.size, isDirectory, mtimeMs: node.mtimeMs };
  }

  rename(from: string, to: string): void {
    const display = pathPair(from, to);
    const sourceParts = pathComponents(from);
    const targetParts = pathComponents(to);
    this.countOperation('rename', display);
    this.checkFault('rename', [canonicalPath(sourceParts), canonicalPath(targetParts)], display);
    this.namespace.rename(sourceParts, targetParts, display, this.nowMs());
  }

  unlink(path: string): void {
    const parts = this.begin('unlink', path);
    const { parent, name } = this.namespace.parentOf(parts, 'unlink', path);
    this.namespace.file(parts, 'unlink', path);
    this.namespace.unlinkEntry(parent, name, this.nowMs());
  }

  /** At once, so runs stay deterministic; a failure leaves the file, as a lost removal would. */
  unlinkInBackground(path: string): void {
    try {
      this.unlink(path);
    } catch {
      // Ignored: the next open removes what is left.
    }
  }

  list(directory: string): string[] {
    const parts = this.begin('list', directory);
    return [...this.namespace.directory(parts, 'list', directory).current.keys()].sort();
  }

  mkdir(path: string): void {
    this.namespace.mkdirs(this.begin('mkdir', path), path, this.nowMs());
  }

  syncDirectory(path: string): void {
    const parts = this.begin('syncDirectory', path);
    this.namespace.syncDirectory(this.namespace.directory(parts, 'syncDirectory', path));
  }

  lock(path: string, owner: string): VfsLock {
    return this.locks.acquire(this.begin('lock', path), path, owner, this.generation);
  }

  // ---- SimHandleHost ---------------------------------------------------------------------------

  /** @internal */
  beginFileOperation(file: SimVfsFile, operation: SimOperation, pendingWrite?: PendingWrite): void {
    this.countOperation(operation, file.path, pendingWrite);
    this.checkHandle(file, operation);
    if (writeOperations.has(operation) && !file.writable) {
      throw vfsError('IO_ERROR', operation, file.path, 'the file was opened read-only');
    }
    // Like Linux after a failed fsync: the dirty pages are dropped, never to be written.
    const onFault = operation === 'sync' ? () => file.node.data.dropDirty() : undefined;
    this.checkFault(operation as SimFaultOperation, [file.canonicalPath], file.path, onFault);
  }

  /** @internal */
  closeFile(file: SimVfsFile): void {
    this.countOperation('close', file.path);
    if (file.closed) return;
    this.checkHandle(file, 'close');
    file.closed = true;
  }

  /** @internal */
  releaseLock(lock: SimVfsLock): void {
    this.countOperation('release', lock.path);
    this.locks.release(lock, this.generation);
  }

  nowMs(): number {
    return simConstants.clockStartMs + this.operations * simConstants.clockStepMs;
  }

  // ---- Simulation controls ---------------------------------------------------------------------

  get operationCount(): number {
    return this.operations;
  }

  get counters(): SimVfsCounters {
    return { operations: this.operations, ...this.stats, faults: { ...this.stats.faults } };
  }

  /**
   * Power loss now. Each file keeps its durable content plus a random subset of its dirty sectors
   * (some torn); unsynced directory changes are dropped (or kept per the option); open handles and
   * locks die. The Vfs stays usable, as after a reboot.
   */
  crash(): void {
    this.stats.crashes += 1;
    this.generation += 1;
    this.locks.clear();
    const files = this.namespace.crash(this.crashRng, this.directoryChangeKeepProbability);
    for (const file of files) file.data.crash(this.crashRng, this.tornSectorProbability, this.stats);
  }

  /** Crashes when operation number `index` (1-based, counting from the start) begins; it throws CRASHED. */
  crashAtOperation(index: number): void {
    assert(Number.isSafeInteger(index) && index > this.operations, `operation ${index} has already started`);
    this.crashAt = index;
  }

  cancelScheduledCrash(): void {
    this.crashAt = undefined;
  }

  injectFault(spec: SimFaultSpec): SimFaultHandle {
    return this.faults.add(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Flips one bit at rest (random offset and bit unless given); returns where. */
  flipBit(path: string, byteOffset?: number, bit?: number): { byteOffset: number; bit: number } {
    const flipped = flipBitAtRest(
      this.fileForControl(path, 'flipBit').data,
      this.corruptionRng,
      byteOffset,
      bit,
    );
    this.stats.bitFlips += 1;
    return flipped;
  }

  /** Overwrites one sector (random unless given) with random bytes at rest; returns its index. */
  corruptSector(path: string, sector?: number): number {
    const chosen = corruptSectorAtRest(
      this.fileForControl(path, 'corruptSector').data,
      this.corruptionRng,
      sector,
    );
    this.stats.sectorsCorrupted += 1;
    return chosen;
  }

  setMtime(path: string, mtimeMs: number): void {
    const node = this.namespace.lookup(pathComponents(path));
    if (node === undefined) throw vfsError('NOT_FOUND', 'setMtime', path, 'no such file or directory');
    node.mtimeMs = mtimeMs;
  }

  /** What a reboot would find if all dirty state were lost (no crash outcomes drawn). */
  snapshotDurable(): SimSnapshot {
    return this.namespace.snapshot('durable');
  }

  /** What reads see now. */
  snapshotCurrent(): SimSnapshot {
    return this.namespace.snapshot('current');
  }

  // ---- Internals -------------------------------------------------------------------------------

  /** Counts a path operation, crashing or faulting as scheduled; returns the parsed path. */
  private begin(operation: SimFaultOperation, path: string): string[] {
    const parts = pathComponents(path);
    this.countOperation(operation, path);
    this.checkFault(operation, [canonicalPath(parts)], path);
    return parts;
  }

  private countOperation(operation: SimOperation, path: string, pendingWrite?: PendingWrite): void {
    this.operations += 1;
    if (this.crashAt !== this.operations) return;
    this.crashAt = undefined;
    if (pendingWrite !== undefined) this.applyPartialWrite(pendingWrite);
    this.crash();
    throw vfsError(
      'CRASHED',
      operation,
      path,
      `the simulated machine crashed at operation ${this.operations}`,
    );
  }

  /** The crash caught this write in flight: a prefix of it reached the page cache. */
  private applyPartialWrite({ file, position, bytes }: PendingWrite): void {
    if (file.closed || file.generation !== this.generation || !file.writable || bytes.length === 0) return;
    let length = this.crashRng.between(0, bytes.length);
    if (this.crashRng.chance(simConstants.partialWriteAlignedProbability)) {
      const end = position + length;
      length = Math.max(0, end - (end % simConstants.sectorBytes) - position);
    }
    if (length === 0) return;
    file.node.data.write(position, bytes.subarray(0, length));
    this.stats.partialWrites += 1;
  }

  private checkHandle(file: SimVfsFile, operation: SimOperation): void {
    if (file.closed) throw vfsError('CLOSED', operation, file.path, 'the file handle is closed');
    if (file.generation !== this.generation) {
      throw vfsError(
        'CRASHED',
        operation,
        file.path,
        'the handle was opened before a simulated crash; reopen the file',
      );
    }
  }

  private checkFault(
    operation: SimFaultOperation,
    paths: string[],
    display: string,
    onFault?: () => void,
  ): void {
    const kind = this.faults.check(operation, paths);
    if (kind === undefined) return;
    this.stats.faults[kind] += 1;
    onFault?.();
    throw faultError(kind, operation, display);
  }

  private fileForControl(path: string, control: string): SimFileNode {
    return this.namespace.file(pathComponents(path), control, path);
  }
}
