// The memtable: the newest version of every key written since the last flush — blocks and both
// directions of every edge, tombstones included. Keys and values live in the arena; per-entry
// metadata lives in typed-array columns indexed by a slot number, and the index over keys is an
// open-addressing hash table of slot numbers. So a memtable of a million entries is a handful of
// large arrays and slabs, not a million objects for the garbage collector to trace.
// Edge entries are also chained per adjacency prefix (keyspace + node id), which makes "edges of
// node X" a walk of one chain instead of a scan.
// The hash tables grow without a pause: a table that fills doubles, and the previous one stays
// readable while its buckets move into the new one a few per insert (`migrateStep`). Moving a
// million entries at once held the event loop ~100 ms in the middle of a large link.
import type { LocatedEntrySink, StoredEntry } from '../entry.js';
import { adjacencyPrefixLength } from '../keys.js';
import { shadows } from '../version.js';
import { Arena, type SlabPool } from './arena.js';
import { bytesEqualString, bytesMatch, compareBytesToString, hashBytes, hashString } from './key-hash.js';
import { KeyOrder, KeyOrderBuilder, type KeyColumns } from './key-order.js';

/** Bytes per entry of the columns and hash tables, for the memtable's size accounting. */
const entryOverheadBytes = 64;
const initialSlots = 1024;
/**
 * Old buckets moved per insert while a table grows. The new table is twice the old one and grows
 * again at twice the entries, so two per insert would just finish in time; eight finish early.
 */
const migrateBucketsPerInsert = 8;
const keyspaceBlockCode = 1;

/** An entry whose value is a view of the arena, valid while the memtable is retained. */
export type MemtableEntry = StoredEntry;

export class Memtable {
  private readonly arena: Arena;
  private count = 0;
  private sequenceMax = 0;
  private sequenceMin = Number.POSITIVE_INFINITY;
  // Columns, indexed by slot.
  private sequences = new Float64Array(initialSlots);
  private tombstones = new Uint8Array(initialSlots);
  private hashes = new Uint32Array(initialSlots);
  private keySlabs = new Uint32Array(initialSlots);
  private keyOffsets = new Uint32Array(initialSlots);
  private keyLengths = new Uint8Array(initialSlots);
  private valueSlabs = new Uint32Array(initialSlots);
  private valueOffsets = new Uint32Array(initialSlots);
  private valueLengths = new Uint32Array(initialSlots);
  /** Next slot in the same adjacency chain, or -1. */
  private nextInChain = new Int32Array(initialSlots);
  // Hash tables of slot + 1 (0 = empty), sized to stay at most half full.
  private keyBuckets = new Int32Array(initialSlots * 2);
  private chainBuckets = new Int32Array(initialSlots * 2);
  // While growing: the previous tables (half the size), read after the current ones, and how many
  // of their buckets have moved. A chain head re-headed in the new table is marked -1 in the old
  // one, so it is neither found there nor moved.
  private oldKeyBuckets: Int32Array | undefined;
  private oldChainBuckets: Int32Array | undefined;
  private migrated = 0;

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

  /**
   * Copies bytes (a whole WAL frame) into the arena at once; keys and values inside it are then
   * recorded with putLocated by their place in the copy. One copy per batch, not per value.
   */
  adopt(source: Uint8Array, start: number, end: number): { slab: number; offset: number } {
    return this.arena.copyIn(source, start, end);
  }

  /** Stores a latin1 key (and optionally bytes) in the arena; returns where. */
  adoptKey(key: string): { slab: number; offset: number } {
    const bytes = Buffer.from(key, 'latin1');
    return this.arena.copyIn(bytes, 0, bytes.length);
  }

  /** Records a version unless the memtable already holds one that shadows it (copies both). */
  put(
    key: string,
    sequence: number,
    tombstone: boolean,
    source: Uint8Array,
    start: number,
    end: number,
  ): void {
    const keyHome = this.adoptKey(key);
    const valueHome = this.arena.copyIn(source, start, end);
    this.putLocated(
      keyHome.slab,
      keyHome.offset,
      key.length,
      sequence,
      tombstone,
      valueHome.slab,
      valueHome.offset,
      end - start,
    );
  }

  /** Records a version whose key and value bytes already live in this memtable's arena. */
  putLocated(
    keySlab: number,
    keyOffset: number,
    keyLength: number,
    sequence: number,
    tombstone: boolean,
    valueSlab: number,
    valueOffset: number,
    valueLength: number,
  ): void {
    const keyBytes = this.arena.slab(keySlab);
    const hash = hashBytes(keyBytes, keyOffset, keyLength);
    const probe = this.probeKeyBytes(this.keyBuckets, hash, keyBytes, keyOffset, keyLength);
    let slot = probe;
    if (slot < 0 && this.oldKeyBuckets !== undefined) {
      slot = Math.max(-1, this.probeKeyBytes(this.oldKeyBuckets, hash, keyBytes, keyOffset, keyLength));
    }
    if (slot >= 0) {
      const current = { sequence: this.sequences[slot] as number, tombstone: this.tombstones[slot] === 1 };
      if (!shadows({ sequence, tombstone }, current)) return;
    } else {
      slot = this.allocateSlot();
      this.hashes[slot] = hash;
      this.keySlabs[slot] = keySlab;
      this.keyOffsets[slot] = keyOffset;
      this.keyLengths[slot] = keyLength;
      this.keyBuckets[-probe - 1] = slot + 1; // the empty bucket the probe stopped at
      if (keyBytes[keyOffset] !== keyspaceBlockCode) this.chain(slot, keyBytes, keyOffset);
      if (this.oldKeyBuckets !== undefined) this.migrateStep();
      if (this.count * 2 > this.keyBuckets.length) this.grow();
    }
    this.sequences[slot] = sequence;
    this.tombstones[slot] = tombstone ? 1 : 0;
    this.valueSlabs[slot] = valueSlab;
    this.valueOffsets[slot] = valueOffset;
    this.valueLengths[slot] = valueLength;
    if (sequence > this.sequenceMax) this.sequenceMax = sequence;
    if (sequence < this.sequenceMin) this.sequenceMin = sequence;
  }

  get(key: string): MemtableEntry | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.entryAt(slot);
  }

  /** Edge entries whose key starts with `prefix` (keyspace + node id, optionally + type). */
  entriesWithPrefix(prefix: string): MemtableEntry[] {
    const found: MemtableEntry[] = [];
    const head = this.findChain(prefix);
    for (let slot = head; slot >= 0; slot = this.nextInChain[slot] as number) {
      const keyBytes = this.arena.slab(this.keySlabs[slot] as number);
      if (bytesEqualString(keyBytes, this.keyOffsets[slot] as number, prefix, prefix.length)) {
        found.push(this.entryAt(slot));
      }
    }
    return found;
  }

  /**
   * The order in which a flush writes the entries: slots sorted on their key bytes. It covers the
   * entries held now, not ones added later.
   */
  keyOrder(): KeyOrder {
    return this.orderOf(this.allSlots());
  }

  /** `keyOrder()` built a bounded number of slots at a time (for a flush's steps). */
  keyOrderBuilder(): KeyOrderBuilder {
    return new KeyOrderBuilder(this.keyColumns(), this.allSlots());
  }

  /**
   * Hands the entries at positions [from, to) of `order` to `sink` straight from the columns: no
   * lookup by key, no key string, no entry object.
   */
  emitInOrder(order: KeyOrder, from: number, to: number, sink: LocatedEntrySink): void {
    const slots = order.sortThrough(to);
    for (let position = from; position < to; position++) {
      const slot = slots[position] as number;
      const valueStart = this.valueOffsets[slot] as number;
      sink.addLocated(
        this.arena.slab(this.keySlabs[slot] as number),
        this.keyOffsets[slot] as number,
        this.keyLengths[slot] as number,
        this.sequences[slot] as number,
        this.tombstones[slot] === 1,
        this.arena.slab(this.valueSlabs[slot] as number),
        valueStart,
        valueStart + (this.valueLengths[slot] as number),
      );
    }
  }

  /** Entries with keys in [low, high), in key order; sorts only as far as the caller reads. */
  *entriesInRange(low: string, high: string): Generator<MemtableEntry> {
    const order = this.orderOf(this.slotsInRange(low, high));
    for (let position = 0; position < order.length; position++) {
      yield this.entryAt(order.slotAt(position));
    }
  }

  /** Every key, sorted (for tests; flushes and scans walk a keyOrder() instead). */
  sortedKeys(): string[] {
    const order = this.keyOrder();
    const slots = order.sortThrough(order.length);
    return Array.from(slots, (slot) => this.keyAt(slot));
  }

  retain(): void {
    this.arena.retain();
  }

  /** `afterFlush` marks the engine's own release once flushed (the planted arena bug keys on it). */
  release(afterFlush = false): void {
    this.arena.release(afterFlush);
  }

  private allSlots(): Uint32Array {
    const slots = new Uint32Array(this.count);
    for (let slot = 0; slot < this.count; slot++) slots[slot] = slot;
    return slots;
  }

  /** Slots whose key is in [low, high). */
  private slotsInRange(low: string, high: string): Uint32Array {
    const slots = new Uint32Array(this.count);
    let found = 0;
    for (let slot = 0; slot < this.count; slot++) {
      const keyBytes = this.arena.slab(this.keySlabs[slot] as number);
      const keyOffset = this.keyOffsets[slot] as number;
      const keyLength = this.keyLengths[slot] as number;
      if (compareBytesToString(keyBytes, keyOffset, keyLength, low) < 0) continue;
      if (compareBytesToString(keyBytes, keyOffset, keyLength, high) >= 0) continue;
      slots[found++] = slot;
    }
    return slots.subarray(0, found);
  }

  /** Sorting reads only keys, which never move: a snapshot of the slab list serves it. */
  private orderOf(candidates: Uint32Array): KeyOrder {
    return KeyOrder.of(this.keyColumns(), candidates);
  }

  private keyColumns(): KeyColumns {
    const slabs: Buffer[] = [];
    for (let index = 0; index < this.arena.slabCount; index++) slabs.push(this.arena.slab(index));
    const { keySlabs, keyOffsets, keyLengths } = this;
    return { slabs, keySlabs, keyOffsets, keyLengths };
  }

  private find(key: string): number {
    const hash = hashString(key, key.length);
    const slot = this.findKeyIn(this.keyBuckets, hash, key);
    return slot < 0 && this.oldKeyBuckets !== undefined
      ? this.findKeyIn(this.oldKeyBuckets, hash, key)
      : slot;
  }

  private findKeyIn(buckets: Int32Array, hash: number, key: string): number {
    const mask = buckets.length - 1;
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const probe = buckets[bucket] as number;
      if (probe === 0) return -1;
      const slot = probe - 1;
      if (this.hashes[slot] !== hash || this.keyLengths[slot] !== key.length) continue;
      const keyBytes = this.arena.slab(this.keySlabs[slot] as number);
      if (bytesEqualString(keyBytes, this.keyOffsets[slot] as number, key, key.length)) return slot;
    }
  }

  /**
   * A key's slot in `buckets` (by its bytes), or, when the key is not there, -(b + 1) for the
   * empty bucket b where its probe ended: where the key goes in that table.
   */
  private probeKeyBytes(
    buckets: Int32Array,
    hash: number,
    keyBytes: Buffer,
    keyOffset: number,
    keyLength: number,
  ): number {
    const mask = buckets.length - 1;
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const probe = buckets[bucket] as number;
      if (probe === 0) return -bucket - 1;
      const candidate = probe - 1;
      if (this.hashes[candidate] !== hash || this.keyLengths[candidate] !== keyLength) continue;
      const candidateBytes = this.arena.slab(this.keySlabs[candidate] as number);
      if (bytesMatch(candidateBytes, this.keyOffsets[candidate] as number, keyBytes, keyOffset, keyLength))
        return candidate;
    }
  }

  /** The head slot of the adjacency chain of `prefix`'s first 17 characters, or -1. */
  private findChain(prefix: string): number {
    const hash = hashString(prefix, adjacencyPrefixLength);
    const head = this.findChainIn(this.chainBuckets, hash, prefix);
    return head < 0 && this.oldChainBuckets !== undefined
      ? this.findChainIn(this.oldChainBuckets, hash, prefix)
      : head;
  }

  private findChainIn(buckets: Int32Array, hash: number, prefix: string): number {
    const mask = buckets.length - 1;
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const probe = buckets[bucket] as number;
      if (probe === 0) return -1;
      if (probe < 0) continue; // re-headed in the new table
      const slot = probe - 1;
      const keyBytes = this.arena.slab(this.keySlabs[slot] as number);
      if (bytesEqualString(keyBytes, this.keyOffsets[slot] as number, prefix, adjacencyPrefixLength))
        return slot;
    }
  }

  /** Makes `slot` the head of its adjacency chain. */
  private chain(slot: number, keyBytes: Buffer, keyOffset: number): void {
    const hash = hashBytes(keyBytes, keyOffset, adjacencyPrefixLength);
    const mask = this.chainBuckets.length - 1;
    let bucket = hash & mask;
    for (
      let probe = this.chainBuckets[bucket] as number;
      probe !== 0;
      probe = this.chainBuckets[bucket] as number
    ) {
      const head = probe - 1;
      const headBytes = this.arena.slab(this.keySlabs[head] as number);
      if (
        bytesMatch(headBytes, this.keyOffsets[head] as number, keyBytes, keyOffset, adjacencyPrefixLength)
      ) {
        this.nextInChain[slot] = head;
        this.chainBuckets[bucket] = slot + 1;
        return;
      }
      bucket = (bucket + 1) & mask;
    }
    // Not in the new table: the chain may still be in the old one. Re-head it here and mark the
    // old bucket, so it is neither found there nor moved over this head later.
    const old = this.oldChainBuckets;
    if (old !== undefined) {
      const oldMask = old.length - 1;
      for (let oldBucket = hash & oldMask; ; oldBucket = (oldBucket + 1) & oldMask) {
        const probe = old[oldBucket] as number;
        if (probe === 0) break;
        if (probe < 0) continue;
        const head = probe - 1;
        const headBytes = this.arena.slab(this.keySlabs[head] as number);
        if (
          bytesMatch(headBytes, this.keyOffsets[head] as number, keyBytes, keyOffset, adjacencyPrefixLength)
        ) {
          this.nextInChain[slot] = head;
          old[oldBucket] = -1;
          this.chainBuckets[bucket] = slot + 1;
          return;
        }
      }
    }
    this.nextInChain[slot] = -1;
    this.chainBuckets[bucket] = slot + 1;
  }

  private keyAt(slot: number): string {
    const offset = this.keyOffsets[slot] as number;
    return this.arena
      .slab(this.keySlabs[slot] as number)
      .latin1Slice(offset, offset + (this.keyLengths[slot] as number));
  }

  private entryAt(slot: number): MemtableEntry {
    const valueStart = this.valueOffsets[slot] as number;
    return {
      key: this.keyAt(slot),
      sequence: this.sequences[slot] as number,
      tombstone: this.tombstones[slot] === 1,
      value: this.arena.slab(this.valueSlabs[slot] as number),
      valueStart,
      valueEnd: valueStart + (this.valueLengths[slot] as number),
    };
  }

  private allocateSlot(): number {
    if (this.count === this.sequences.length) this.growColumns();
    return this.count++;
  }

  private growColumns(): void {
    const size = this.sequences.length * 2;
    this.sequences = grown(new Float64Array(size), this.sequences);
    this.tombstones = grown(new Uint8Array(size), this.tombstones);
    this.hashes = grown(new Uint32Array(size), this.hashes);
    this.keySlabs = grown(new Uint32Array(size), this.keySlabs);
    this.keyOffsets = grown(new Uint32Array(size), this.keyOffsets);
    this.keyLengths = grown(new Uint8Array(size), this.keyLengths);
    this.valueSlabs = grown(new Uint32Array(size), this.valueSlabs);
    this.valueOffsets = grown(new Uint32Array(size), this.valueOffsets);
    this.valueLengths = grown(new Uint32Array(size), this.valueLengths);
    this.nextInChain = grown(new Int32Array(size), this.nextInChain);
  }

  /**
   * Starts doubling both hash tables: the current ones become the old ones, read after the new
   * ones and moved into them by `migrateStep`. A growth still under way is finished first.
   */
  private grow(): void {
    while (this.oldKeyBuckets !== undefined) this.migrateStep();
    this.oldKeyBuckets = this.keyBuckets;
    this.oldChainBuckets = this.chainBuckets;
    this.keyBuckets = new Int32Array(this.keyBuckets.length * 2);
    this.chainBuckets = new Int32Array(this.chainBuckets.length * 2);
    this.migrated = 0;
  }

  /** Moves the next few buckets of the old tables into the new ones (chains keep their links). */
  private migrateStep(): void {
    const oldKeys = this.oldKeyBuckets as Int32Array;
    const oldChains = this.oldChainBuckets as Int32Array;
    const { keyBuckets, chainBuckets } = this;
    const mask = keyBuckets.length - 1;
    const end = Math.min(oldKeys.length, this.migrated + migrateBucketsPerInsert);
    for (let bucket = this.migrated; bucket < end; bucket++) {
      const key = oldKeys[bucket] as number;
      if (key > 0) {
        let target = (this.hashes[key - 1] as number) & mask;
        while (keyBuckets[target] !== 0) target = (target + 1) & mask;
        keyBuckets[target] = key;
      }
      const chain = oldChains[bucket] as number;
      if (chain > 0) {
        const head = chain - 1;
        const headBytes = this.arena.slab(this.keySlabs[head] as number);
        let target = hashBytes(headBytes, this.keyOffsets[head] as number, adjacencyPrefixLength) & mask;
        while (chainBuckets[target] !== 0) target = (target + 1) & mask;
        chainBuckets[target] = chain;
      }
    }
    this.migrated = end;
    if (end === oldKeys.length) {
      this.oldKeyBuckets = undefined;
      this.oldChainBuckets = undefined;
    }
  }
}

function grown<T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(target: T, source: T): T {
  target.set(source as ArrayLike<number>);
  return target;
}
