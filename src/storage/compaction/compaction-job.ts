// One compaction: merges a run of adjacent tables into a new table, a bounded number of entries per
// step, so that writes interleave with it instead of stopping for it. Shadowed versions are
// dropped. A tombstone is dropped only when the run includes the oldest table of the database:
// then no older data can hold its key. Never by age alone.
import type { StoredEntry } from '../entry.js';
import { isStrayIncomingKey } from '../keys.js';
import { mergeNewest } from '../merge.js';
import type { TableReader } from '../sstable/table-reader.js';
import type { TableSummary, TableWriter } from '../sstable/table-writer.js';

export interface CompactionOutput {
  readonly inputs: readonly TableReader[];
  /** Undefined when every entry was dropped (all tombstones, say). */
  readonly summary: TableSummary | undefined;
  readonly entriesRead: number;
}

export interface CompactionHooks {
  /** Test-only switch: drop tombstones even when older data may still hold their key. */
  readonly dropTombstonesAlways?: boolean;
}

export class CompactionJob {
  private readonly merged: Iterator<StoredEntry>;
  private entriesRead = 0;
  private done = false;
  /** False once every input entry is merged and only the output's filter is left to fill. */
  private merging = true;

  constructor(
    readonly inputs: readonly TableReader[],
    private readonly includesOldest: boolean,
    readonly outputNumber: number,
    readonly outputPath: string,
    private readonly writer: TableWriter,
    private readonly hooks: CompactionHooks = {},
  ) {
    this.merged = mergeNewest(inputs.map((table) => table.entries()))[Symbol.iterator]();
  }

  get finished(): boolean {
    return this.done;
  }

  get bytesWritten(): number {
    return this.writer.bytesWritten;
  }

  /** Merges up to `entryBudget` entries; returns the output once the merge is complete. */
  step(entryBudget: number): CompactionOutput | undefined {
    if (!this.merging) return this.finish(entryBudget);
    for (let count = 0; count < entryBudget; count++) {
      const next = this.merged.next();
      if (next.done === true) {
        this.merging = false;
        return this.finish(entryBudget);
      }
      this.entriesRead += 1;
      const entry = next.value;
      const dropTombstone = this.includesOldest || this.hooks.dropTombstonesAlways === true;
      if (entry.tombstone && dropTombstone) continue;
      if (isStrayIncomingKey(entry.key)) continue; // invisible to every read (keys.ts)
      this.writer.add(
        entry.key,
        entry.sequence,
        entry.tombstone,
        entry.value,
        entry.valueStart,
        entry.valueEnd,
      );
    }
    return undefined;
  }

  abandon(): void {
    this.done = true;
    this.writer.abandon();
  }

  /** The output once the table is complete (its filter is filled a bounded amount per step). */
  private finish(entryBudget: number): CompactionOutput | undefined {
    if (this.writer.entriesWritten === 0) {
      this.done = true;
      this.writer.abandon();
      return { inputs: this.inputs, summary: undefined, entriesRead: this.entriesRead };
    }
    const summary = this.writer.finishStep(entryBudget);
    if (summary === undefined) return undefined;
    this.done = true;
    return { inputs: this.inputs, summary, entriesRead: this.entriesRead };
  }
}
