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

/**
 * Takes entries as locations in memory — key bytes `key[keyStart, keyStart + keyLength)`, value
 * bytes `value[valueStart, valueEnd)` — so a flush moves the memtable's entries into a table with
 * no key string and no entry object per entry.
 */
export interface LocatedEntrySink {
  addLocated(
    key: Uint8Array,
    keyStart: number,
    keyLength: number,
    sequence: number,
    tombstone: boolean,
    value: Uint8Array,
    valueStart: number,
    valueEnd: number,
  ): void;
}
