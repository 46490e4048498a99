// The content of one simulated file, kept twice: `current` is what reads see (the page cache) and
// `durable` is what the disk holds as of the last successful sync. Writes and truncates mark
// 512-byte sectors dirty; sync copies the dirty sectors to `durable` and makes the size durable.
//
// A crash resolves the file as a disk would after power loss:
// - An unsynced shrink (truncate below the durable size) persists or not, one draw for the file;
//   if it does, the durable bytes past the shrunk size become zeros.
// - Each dirty sector independently persists (new bytes), is lost (old bytes: the durable ones, or
//   zeros past the durable size) or is torn (a strict prefix of its new bytes persists). Sectors
//   wholly past the current size have no new bytes and keep the old ones.
// - The size becomes the larger of the base size (durable, or shrunk) and the end of the furthest
//   persisted byte. So a file that grew keeps its old size when nothing of the growth persisted,
//   and otherwise ends exactly where persisted data ends; lost sectors inside that range read as
//   old bytes or zeros, as after a crash with delayed allocation. It never exceeds the current size.
// A failed sync drops the dirty sectors without making them durable, as Linux does after an fsync
// error: reads still see the new bytes, but no later sync writes them, so a crash loses them.
import type { Rng } from '../core/rng.js';
import { ByteStore } from './sim-bytes.js';
import { simConstants } from './sim-constants.js';

const sectorBytes = simConstants.sectorBytes;

/** Counts of crash outcomes, for tests that must prove every outcome happened. */
export interface SectorOutcomes {
  sectorsPersisted: number;
  sectorsLost: number;
  sectorsTorn: number;
}

export class SimFileData {
  private readonly current = new ByteStore();
  private readonly durable = new ByteStore();
  private readonly dirtySectors = new Set<number>();
  /** The smallest size since the last sync, when that is below the durable size. */
  private shrunkTo: number | undefined;

  get size(): number {
    return this.current.size;
  }

  get durableSize(): number {
    return this.durable.size;
  }

  read(position: number, length: number): Uint8Array {
    const end = Math.min(this.current.size, position + length);
    if (position >= end) return new Uint8Array(0);
    return this.current.bytes.slice(position, end);
  }

  write(position: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const end = position + bytes.length;
    const sizeBefore = this.current.size;
    if (end > sizeBefore) this.current.resize(end);
    this.current.bytes.set(bytes, position);
    // A write past the end also creates the zeros between the old end and `position`.
    this.markDirty(Math.min(position, sizeBefore), end);
  }

  truncate(size: number): void {
    const sizeBefore = this.current.size;
    if (size === sizeBefore) return;
    this.markDirty(Math.min(size, sizeBefore), Math.max(size, sizeBefore));
    this.current.resize(size);
    if (size < this.durable.size) this.shrunkTo = Math.min(this.shrunkTo ?? size, size);
  }

  sync(): void {
    const size = this.current.size;
    this.durable.resize(size);
    for (const sector of this.dirtySectors) {
      const start = sector * sectorBytes;
      if (start < size) this.durable.copyRange(this.current, start, Math.min(start + sectorBytes, size));
    }
    this.dirtySectors.clear();
    this.shrunkTo = undefined;
  }

  /** A failed sync: the dirty sectors are forgotten without reaching the disk. */
  dropDirty(): void {
    this.dirtySectors.clear();
  }

  crash(rng: Rng, tornSectorProbability: number, outcomes: SectorOutcomes): void {
    const currentSize = this.current.size;
    if (this.shrunkTo !== undefined && rng.chance(simConstants.shrinkPersistProbability)) {
      this.durable.resize(this.shrunkTo);
    }
    const baseSize = this.durable.size;
    let persistedEnd = 0;
    const sectors = [...this.dirtySectors].sort((left, right) => left - right);
    for (const sector of sectors) {
      const start = sector * sectorBytes;
      if (start >= currentSize) continue;
      const end = Math.min(start + sectorBytes, currentSize);
      if (end - start > 1 && rng.chance(tornSectorProbability)) {
        const cut = start + rng.between(1, end - start - 1);
        this.durable.copyRange(this.current, start, cut);
        persistedEnd = Math.max(persistedEnd, cut);
        outcomes.sectorsTorn += 1;
      } else if (rng.chance(simConstants.sectorPersistProbability)) {
        this.durable.copyRange(this.current, start, end);
        persistedEnd = Math.max(persistedEnd, end);
        outcomes.sectorsPersisted += 1;
      } else {
        outcomes.sectorsLost += 1;
      }
    }
    // Bytes laid past `baseSize` above all lie below persistedEnd, so growing keeps them.
    this.durable.resize(Math.max(baseSize, persistedEnd));
    this.current.replaceWith(this.durable);
    this.dirtySectors.clear();
    this.shrunkTo = undefined;
  }

  /** Flips one bit at rest: in the durable bytes and in what reads see. */
  flipBit(byteOffset: number, bit: number): void {
    const mask = 1 << bit;
    if (byteOffset < this.current.size)
      this.current.bytes[byteOffset] = (this.current.bytes[byteOffset] ?? 0) ^ mask;
    if (byteOffset < this.durable.size)
      this.durable.bytes[byteOffset] = (this.durable.bytes[byteOffset] ?? 0) ^ mask;
  }

  /** Overwrites the bytes of [start, end) with `noise`, at rest and in what reads see. */
  overwriteAtRest(start: number, noise: Uint8Array): void {
    for (const store of [this.current, this.durable]) {
      const end = Math.min(store.size, start + noise.length);
      if (start < end) store.bytes.set(noise.subarray(0, end - start), start);
    }
  }

  currentBytes(): Uint8Array {
    return this.current.snapshot();
  }

  durableBytes(): Uint8Array {
    return this.durable.snapshot();
  }

  private markDirty(start: number, end: number): void {
    const last = Math.floor((end - 1) / sectorBytes);
    for (let sector = Math.floor(start / sectorBytes); sector <= last; sector += 1)
      this.dirtySectors.add(sector);
  }
}
