// Writing a frozen memtable to a table, a bounded number of entries per step, so a flush of a
// large memtable is spread over the writes that follow instead of stalling one of them. The
// frozen memtable keeps answering reads until the table is installed. Entries go from the
// memtable's columns to the writer as byte locations, and the key order is sorted a bucket at a
// time as the steps reach it, so no step pays for sorting the whole memtable. The first steps
// build that order (a counting pass and a spread over every slot) before any entry is written.
import type { KeyOrder, KeyOrderBuilder } from './memtable/key-order.js';
import type { Memtable } from './memtable/memtable.js';
import type { TableSummary, TableWriter } from './sstable/table-writer.js';

/** Slots the key order's build visits per entry of a step's budget. */
const slotVisitsPerEntry = 8;

export class FlushJob {
  private readonly builder: KeyOrderBuilder;
  private order: KeyOrder | undefined;
  private next = 0;

  constructor(
    readonly memtable: Memtable,
    readonly number: number,
    readonly path: string,
    private readonly writer: TableWriter,
    private readonly syncOnFinish: boolean,
  ) {
    this.builder = memtable.keyOrderBuilder();
  }

  /** Writes up to `entryBudget` entries; returns the summary once the table is complete and synced. */
  step(entryBudget: number): TableSummary | undefined {
    let order = this.order;
    if (order === undefined) {
      // A slot visit costs a fraction of writing an entry: a step visits several per entry.
      order = this.builder.advance(entryBudget * slotVisitsPerEntry);
      if (order === undefined) return undefined;
      this.order = order;
    }
    const stop = Math.min(order.length, this.next + entryBudget);
    this.memtable.emitInOrder(order, this.next, stop, this.writer);
    this.next = stop;
    if (this.next < order.length) return undefined;
    return this.writer.finishStep(entryBudget, this.syncOnFinish);
  }

  abandon(): void {
    this.writer.abandon();
  }
}
