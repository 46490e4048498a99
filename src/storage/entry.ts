// One version of one key, as the memtable and the tables hand it out. `value[valueStart, valueEnd)`
// holds the bytes; the view is valid only until the holder (memtable arena or cached table block)
// is released, so callers decode it into fresh strings before returning to the user.
export interface StoredEntry {
  readonly key: string;
  readonly sequence: number;
  readonly tombstone: boolean;
  readonly value: Buffer;
  readonly valueStart: number;
  readonly valueEnd: number;
}
