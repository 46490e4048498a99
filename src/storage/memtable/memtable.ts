// The memtable: the newest version of every key written since the last flush, blocks and both
// directions of every edge, tombstones included. Value bytes live in the arena; per-key metadata
// lives in typed arrays indexed by a slot number, so the only per-entry objects are the key strings.
// An adjacency index (keyspace + node id → edge keys) makes edge lookups direct instead of scans.
import type { StoredEntry } from '../entry.js';
import { adjacencyPrefixLength, isBlockKey } from '../keys.js';
import { shadows } from '../version.js';
import { Arena, type SlabPool } from './arena.js';

/** Estimated bytes per entry beyond its value: key string, map slot, typed-array columns. */
const entryOverheadBytes = 96;

/** An entry whose value is a view of the arena, valid while the memtable is retained. */
export type MemtableEntry = StoredEntry;

export class Memtable {
  private readonly arena: Arena;
  private readonly slots = new Map<string, number>();
  private readonly adjacency = new Map<string, string[]>();
  private sequences = new Float64Array(1024);
  private slabIndexes = new Uint32Array(1024);
  private offsets = new Uint32Array(1024);
  private lengths = new Uint32Array(1024);
  private tombstones = new Uint8Array(1024);
  private count = 0;
  private sequenceMax = 0;
  private sequenceMin = Number.POSITIVE_INFINITY;

  constructor(pool: SlabPool) {
    this.arena = new Arena(pool);
  }

  get entryCount(): number {
    return this.count;
  }

  get bytes(): number {
    return this.arena.bytesUsed + this.count * entryOverheadBytes;
  }

  get maxSequence(): number {
    return this.sequenceMax;
  }

  get minSequence(): number {
    return this.count === 0 ? 0 : this.sequenceMin;
  }

  /** Records a version unless the memtable already holds one that shadows it (copies the value). */
  put(
    key: string,
    sequence: number,
    tombstone: boolean,
    source: Uint8Array,
    start: number,
    end: number,
  ): void {
    const location = this.arena.copyIn(source, start, end);
    this.putCopied(key, sequence, tombstone, location.slab, location.offset, end - start);
  }

  /**
   * Copies a whole WAL frame into the arena at once; values inside it are then recorded with
   * putCopied at `offset + position in frame`. One copy per batch instead of one per value.
   */
  adopt(source: Uint8Array, start: number, end: number): { slab: number; offset: number } {
    return this.arena.copyIn(source, start, end);
  }

  /** Records a version whose value bytes already live in this memtable's arena. */
  putCopied(
    key: string,
    sequence: number,
    tombstone: boolean,
    slab: number,
    offset: number,
    length: number,
  ): void {
    let slot = this.slots.get(key);
    if (slot !== undefined) {
      const current = { sequence: this.sequences[slot] as number, tombstone: this.tombstones[slot] === 1 };
      if (!shadows({ sequence, tombstone }, current)) return;
    } else {
      slot = this.allocateSlot();
      this.slots.set(key, slot);
      if (!isBlockKey(key)) this.indexAdjacency(key);
    }
    this.sequences[slot] = sequence;
    this.tombstones[slot] = tombstone ? 1 : 0;
    this.slabIndexes[slot] = slab;
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
    if (sequence > this.sequenceMax) this.sequenceMax = sequence;
    if (sequence < this.sequenceMin) this.sequenceMin = sequence;
  }

  get(key: string): MemtableEntry | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.entryAt(key, slot);
  }

  /** Edge keys under an adjacency prefix (keyspace + node id), in no particular order. */
  keysWithAdjacency(prefix: string): readonly string[] {
    return this.adjacency.get(prefix.slice(0, adjacencyPrefixLength)) ?? [];
  }

  /** Every key, sorted: the order in which a flush writes them. */
  sortedKeys(): string[] {
    return [...this.slots.keys()].sort();
  }

  entry(key: string): MemtableEntry {
    const slot = this.slots.get(key);
    if (slot === undefined) throw new RangeError('memtable key not present');
    return this.entryAt(key, slot);
  }

  retain(): void {
    this.arena.retain();
  }

  release(): void {
    this.arena.release();
  }

  private entryAt(key: string, slot: number): MemtableEntry {
    const value = this.arena.slab(this.slabIndexes[slot] as number);
    const valueStart = this.offsets[slot] as number;
    return {
      key,
      sequence: this.sequences[slot] as number,
      tombstone: this.tombstones[slot] === 1,
      value,
      valueStart,
      valueEnd: valueStart + (this.lengths[slot] as number),
    };
  }

  private indexAdjacency(key: string): void {
    const prefix = key.slice(0, adjacencyPrefixLength);
    const keys = this.adjacency.get(prefix);
    if (keys === undefined) this.adjacency.set(prefix, [key]);
    else keys.push(key);
  }

  private allocateSlot(): number {
    if (this.count === this.sequences.length) this.grow();
    return this.count++;
  }

  private grow(): void {
    const size = this.sequences.length * 2;
    this.sequences = copyInto(new Float64Array(size), this.sequences);
    this.slabIndexes = copyInto(new Uint32Array(size), this.slabIndexes);
    this.offsets = copyInto(new Uint32Array(size), this.offsets);
    this.lengths = copyInto(new Uint32Array(size), this.lengths);
    this.tombstones = copyInto(new Uint8Array(size), this.tombstones);
  }
}

function copyInto<T extends Float64Array | Uint32Array | Uint8Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
