// A least-recently-used cache of decoded data blocks, bounded in bytes. Keys are table number and
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
    // Re-insert to mark it most recently used.
    this.entries.delete(key);
    this.entries.set(key, block);
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
    for (const [oldKey, oldBlock] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= oldBlock.costBytes;
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
