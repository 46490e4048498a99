// Writing a frozen memtable to a table, a bounded number of entries per step, so a flush of a
// large memtable is spread over the writes that follow instead of stalling one of them. The
// frozen memtable keeps answering reads until the table is installed.
import type { Memtable } from './memtable/memtable.js';
import type { TableSummary, TableWriter } from './sstable/table-writer.js';

export class FlushJob {
  private readonly keys: string[];
  private next = 0;

  constructor(
    readonly memtable: Memtable,
    readonly number: number,
    readonly path: string,
    private readonly writer: TableWriter,
    private readonly syncOnFinish: boolean,
  ) {
    this.keys = memtable.sortedKeys();
  }

  /** Writes up to `entryBudget` entries; returns the summary once the table is complete and synced. */
  step(entryBudget: number): TableSummary | undefined {
    const stop = Math.min(this.keys.length, this.next + entryBudget);
    for (; this.next < stop; this.next++) {
      const key = this.keys[this.next] as string;
      const entry = this.memtable.entry(key);
      this.writer.add(key, entry.sequence, entry.tombstone, entry.value, entry.valueStart, entry.valueEnd);
    }
    if (this.next < this.keys.length) return undefined;
    return this.writer.finish(this.syncOnFinish);
  }

  abandon(): void {
    this.writer.abandon();
  }
}
