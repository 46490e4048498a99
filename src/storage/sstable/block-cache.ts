// A cache of data blocks bounded in bytes, evicting with the CLOCK (second chance) approximation
// of least-recently-used: a hit only sets a flag, so the hot path makes no map updates; eviction
// walks from the oldest insertion, giving flagged blocks one more round. Keys are table number and
// block index. Hits and misses are counted for stats().
import type { DataBlock } from './data-block.js';

export class BlockCache {
  private readonly entries = new Map<number, DataBlock>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly budgetBytes: number) {}

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
      }
    }
  }
}
