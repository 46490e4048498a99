// Writing a frozen memtable to a table, a bounded number of entries per step, so a flush of a
// large memtable is spread over the writes that follow instead of stalling one of them. The
// frozen memtable keeps answering reads until the table is installed. Entries go from the
// memtable's columns to the writer as byte locations, and the key order is sorted a bucket at a
// time as the steps reach it, so no step pays for sorting the whole memtable.
import type { KeyOrder } from './memtable/key-order.js';
import type { Memtable } from './memtable/memtable.js';
import type { TableSummary, TableWriter } from './sstable/table-writer.js';

export class FlushJob {
  private readonly order: KeyOrder;
  private next = 0;

  constructor(
    readonly memtable: Memtable,
    readonly number: number,
    readonly path: string,
    private readonly writer: TableWriter,
    private readonly syncOnFinish: boolean,
  ) {
    this.order = memtable.keyOrder();
  }

  /** Writes up to `entryBudget` entries; returns the summary once the table is complete and synced. */
  step(entryBudget: number): TableSummary | undefined {
    const stop = Math.min(this.order.length, this.next + entryBudget);
    this.memtable.emitInOrder(this.order, this.next, stop, this.writer);
    this.next = stop;
    if (this.next < this.order.length) return undefined;
    return this.writer.finish(this.syncOnFinish);
  }

  abandon(): void {
    this.writer.abandon();
  }
}
