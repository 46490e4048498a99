// A cache of data blocks bounded in bytes, evicting with the CLOCK (second chance) approximation
// of least-recently-used: a hit only sets a flag, so the hot path makes no map updates; eviction
// walks from the oldest insertion, giving flagged blocks one more round. Keys are table number and
// block index. Hits and misses are counted for stats().
//
// The memory of evicted blocks is read into again. On this machine a 16 KiB read into a fresh
// buffer took 18–52 µs and one into a buffer used before 7 µs (the kernel's copy faults in new
// pages; allocating is a few µs more): with a database larger than the cache, most misses pay
// that. A block evicted during a lookup may still be referenced by entries that lookup holds, so
// its memory is only quarantined; the engine makes it free (`recycleEvicted`) when it starts its
// next read, by which time every entry of the previous one has been decoded into fresh strings.
import type { DataBlock } from './data-block.js';

/** Buffers come in multiples of this, so blocks of slightly different lengths share them. */
const bufferStepBytes = 1024;

export class BlockCache {
  private readonly entries = new Map<number, DataBlock>();
  private bytes = 0;
  hits = 0;
  misses = 0;
  /** Memory of blocks evicted since the last `recycleEvicted`. */
  private quarantined: ArrayBuffer[] = [];
  /** Memory ready to read into, by byte length. */
  private readonly free = new Map<number, ArrayBuffer[]>();
  private freeBytes = 0;
  /** The memory of reads that do not fill the cache (see `passing`). */
  private passingMemory = Buffer.allocUnsafeSlow(0);
  /** Memory `acquire` made: the only memory eviction may hand out again. */
  private readonly handedOut = new WeakSet<ArrayBufferLike>();
  /** Free memory kept beyond this is left to the garbage collector. */
  private readonly freeBytesMax: number;

  constructor(private readonly budgetBytes: number) {
    // Enough for the misses of a few lookups; a small cache still keeps a few blocks' worth.
    this.freeBytesMax = Math.min(Math.max(budgetBytes / 16, 64 * 1024), 16 * 1024 * 1024);
  }

  /**
   * A buffer of `length` bytes to read a block into: memory of an evicted block when some of the
   * right size is free, new memory otherwise. Its ArrayBuffer belongs to the block read into it.
   */
  acquire(length: number): Buffer {
    const size = Math.ceil(length / bufferStepBytes) * bufferStepBytes;
    const recycled = this.free.get(size)?.pop();
    if (recycled === undefined) {
      const fresh = Buffer.allocUnsafeSlow(size);
      this.handedOut.add(fresh.buffer);
      return fresh.subarray(0, length);
    }
    this.freeBytes -= size;
    return Buffer.from(recycled, 0, length);
  }

  /**
   * A buffer of `length` bytes for a block read that is not kept: the same memory for every such
   * read (grown to the largest block asked for), so it is overwritten by the next one.
   */
  passing(length: number): Buffer {
    if (this.passingMemory.length < length) {
      this.passingMemory = Buffer.allocUnsafeSlow(Math.max(length, 2 * this.passingMemory.length, 64 * 1024));
    }
    return this.passingMemory.subarray(0, length);
  }

  /** Frees the memory of blocks evicted so far: call only when no entry of theirs is held. */
  recycleEvicted(): void {
    if (this.quarantined.length === 0) return;
    for (const memory of this.quarantined) {
      const size = memory.byteLength;
      if (this.freeBytes + size > this.freeBytesMax) break;
      let list = this.free.get(size);
      if (list === undefined) this.free.set(size, (list = []));
      list.push(memory);
      this.freeBytes += size;
    }
    this.quarantined = [];
  }

  get usedBytes(): number {
    return this.bytes;
  }

  static keyOf(tableNumber: number, blockIndex: number): number {
    // Table numbers stay far below 2^32 and block indexes below 2^20: the sum is exact.
    return tableNumber * 0x10_0000 + blockIndex;
  }

  get(key: number): DataBlock | undefined {
    const block = this.entries.get(key);
    if (block === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    block.referenced = true;
    return block;
  }

  put(key: number, block: DataBlock): void {
    const cost = block.costBytes;
    if (cost > this.budgetBytes) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.bytes -= previous.costBytes;
      this.entries.delete(key);
      if (previous.bytes.buffer !== block.bytes.buffer) this.quarantine(previous);
    }
    this.entries.set(key, block);
    this.bytes += cost;
    this.evictOverBudget();
  }

  private evictOverBudget(): void {
    // Each pass either evicts or clears a flag, so two rounds over the map always suffice.
    let steps = this.entries.size * 2 + 1;
    for (const [oldKey, oldBlock] of this.entries) {
      if (this.bytes <= this.budgetBytes || steps-- === 0) break;
      this.entries.delete(oldKey);
      if (oldBlock.referenced) {
        oldBlock.referenced = false;
        this.entries.set(oldKey, oldBlock);
      } else {
        this.bytes -= oldBlock.costBytes;
        this.quarantine(oldBlock);
      }
    }
  }

  /** Drops every block of a table that left the database. */
  evictTable(tableNumber: number): void {
    const low = BlockCache.keyOf(tableNumber, 0);
    const high = BlockCache.keyOf(tableNumber + 1, 0);
    for (const [key, block] of this.entries) {
      if (key >= low && key < high) {
        this.entries.delete(key);
        this.bytes -= block.costBytes;
        this.quarantine(block);
      }
    }
  }

  /** Memory from `acquire` is kept for reuse; any other (a test's block) is not ours to reuse. */
  private quarantine(block: DataBlock): void {
    const memory = block.bytes.buffer;
    if (memory instanceof ArrayBuffer && this.handedOut.has(memory)) this.quarantined.push(memory);
  }
}
