// The key order of a memtable's entries, for a flush or a scan: a permutation of slot numbers
// sorted on the key bytes in the arena, so no key string is made and no comparison function runs
// per pair (sorting a million latin1 strings was most of a flush). One counting pass spreads the
// slots over buckets by their first two key bytes — keyspace and first id byte, so hundreds of
// buckets of random ids. A bucket is sorted only when a reader first reaches it, by a
// most-significant-byte radix sort that hands short runs to insertion sort: a flush sorts as it
// writes, a bucket per step, instead of all at once in the step that starts it. The counting pass
// and the spread can be cut into steps too (`KeyOrderBuilder`): over a million slots they took a
// flush's first step ~70 ms.

/** Where each slot's key lives: the memtable's key columns and its arena slabs. */
export interface KeyColumns {
  readonly slabs: readonly Uint8Array[];
  readonly keySlabs: Uint32Array;
  readonly keyOffsets: Uint32Array;
  readonly keyLengths: Uint8Array;
}

/**
 * A digit of a key at some depth is 0 once the key has ended, else its byte there + 1: a key sorts
 * before every longer key it is a prefix of, as strings do. Leading buckets hold two digits.
 */
const digitValues = 257;
const leadingBuckets = digitValues * digitValues;
/** Runs this short are sorted by insertion: cheaper than a pass over 257 counters. */
const insertionSortMax = 16;

export class KeyOrder {
  /** Slots in key order up to `sortedEnd`; beyond it, grouped by leading bucket only. */
  private readonly slots: Uint32Array;
  /** The radix sort's scatter target, as long as `slots`. */
  private readonly scratch: Uint32Array;
  /** End position of each leading bucket (the last entry is the length). */
  private readonly bucketEnds: Uint32Array;
  /** The leading bucket that holds `sortedEnd`, or one before it. */
  private bucket = 0;
  private sortedEnd = 0;
  /** Digit counters per depth: a run's counters stay in use while its sub-runs are sorted. */
  private readonly counters: Uint32Array[] = [];

  /** Orders `candidates` (distinct slots, whose keys are distinct) in one go. */
  static of(columns: KeyColumns, candidates: Uint32Array): KeyOrder {
    return new KeyOrderBuilder(columns, candidates).advance(Number.POSITIVE_INFINITY) as KeyOrder;
  }

  /** Takes the slots spread over their leading buckets, as `KeyOrderBuilder` leaves them. */
  constructor(
    private readonly columns: KeyColumns,
    slots: Uint32Array,
    scratch: Uint32Array,
    bucketEnds: Uint32Array,
  ) {
    this.slots = slots;
    this.scratch = scratch;
    this.bucketEnds = bucketEnds;
  }

  get length(): number {
    return this.slots.length;
  }

  /** The slot at `position` (< length) in key order. */
  slotAt(position: number): number {
    if (position >= this.sortedEnd) this.sortThrough(position + 1);
    return this.slots[position] as number;
  }

  /**
   * Makes positions [0, end) final by sorting the leading buckets that reach them, and returns
   * the slots, valid in key order up to `end`.
   */
  sortThrough(end: number): Uint32Array {
    const bucketEnds = this.bucketEnds;
    while (this.sortedEnd < end) {
      while ((bucketEnds[this.bucket] as number) <= this.sortedEnd) this.bucket++;
      const bucketEnd = bucketEnds[this.bucket] as number;
      if (bucketEnd - this.sortedEnd > 1) this.sortRun(this.sortedEnd, bucketEnd, 2);
      this.sortedEnd = bucketEnd;
    }
    return this.slots;
  }

  /** Sorts positions [start, end), whose keys agree on their first `depth` bytes. */
  private sortRun(start: number, end: number, depth: number): void {
    const slots = this.slots;
    for (; ; depth++) {
      if (end - start <= insertionSortMax) {
        this.insertionSort(start, end, depth);
        return;
      }
      const counts = this.countersAt(depth);
      counts.fill(0);
      for (let position = start; position < end; position++) {
        const digit = this.digitAt(slots[position] as number, depth);
        counts[digit + 1] = (counts[digit + 1] as number) + 1;
      }
      // Keys that share this byte too (every edge of one node, say) need no scatter: go deeper.
      const sharedDigit = this.digitAt(slots[start] as number, depth);
      if (counts[sharedDigit + 1] !== end - start) {
        this.scatter(start, end, depth, counts);
        this.sortChildren(start, depth, counts);
        return;
      }
      if (sharedDigit === 0) return; // every key ended: they are equal
    }
  }

  /** Moves [start, end) into digit order at `depth`; leaves counts[d] at the end of digit d. */
  private scatter(start: number, end: number, depth: number, counts: Uint32Array): void {
    const slots = this.slots;
    const scratch = this.scratch;
    for (let digit = 1; digit <= digitValues; digit++) {
      counts[digit] = (counts[digit] as number) + (counts[digit - 1] as number);
    }
    for (let position = start; position < end; position++) {
      const slot = slots[position] as number;
      const digit = this.digitAt(slot, depth);
      const offset = counts[digit] as number;
      scratch[start + offset] = slot;
      counts[digit] = offset + 1;
    }
    slots.set(scratch.subarray(start, end), start);
  }

  /** Sorts each digit's run one byte deeper; keys that ended at `depth` are equal, so stay. */
  private sortChildren(start: number, depth: number, counts: Uint32Array): void {
    let childStart = counts[0] as number;
    for (let digit = 1; digit < digitValues; digit++) {
      const childEnd = counts[digit] as number;
      if (childEnd - childStart > 1) this.sortRun(start + childStart, start + childEnd, depth + 1);
      childStart = childEnd;
    }
  }

  private insertionSort(start: number, end: number, depth: number): void {
    const slots = this.slots;
    for (let position = start + 1; position < end; position++) {
      const slot = slots[position] as number;
      let hole = position;
      while (hole > start && this.compareFrom(slots[hole - 1] as number, slot, depth) > 0) {
        slots[hole] = slots[hole - 1] as number;
        hole--;
      }
      slots[hole] = slot;
    }
  }

  /** Byte-wise comparison of two keys that agree on their first `depth` bytes. */
  private compareFrom(a: number, b: number, depth: number): number {
    const { slabs, keySlabs, keyOffsets, keyLengths } = this.columns;
    const aBytes = slabs[keySlabs[a] as number] as Uint8Array;
    const bBytes = slabs[keySlabs[b] as number] as Uint8Array;
    const aOffset = keyOffsets[a] as number;
    const bOffset = keyOffsets[b] as number;
    const aLength = keyLengths[a] as number;
    const bLength = keyLengths[b] as number;
    const shared = Math.min(aLength, bLength);
    for (let index = depth; index < shared; index++) {
      const difference = (aBytes[aOffset + index] as number) - (bBytes[bOffset + index] as number);
      if (difference !== 0) return difference;
    }
    return aLength - bLength;
  }

  private digitAt(slot: number, depth: number): number {
    return digitOf(this.columns, slot, depth);
  }

  private countersAt(depth: number): Uint32Array {
    let counts = this.counters[depth];
    if (counts === undefined) {
      counts = new Uint32Array(digitValues + 1);
      this.counters[depth] = counts;
    }
    return counts;
  }
}

function digitOf(columns: KeyColumns, slot: number, depth: number): number {
  const { slabs, keySlabs, keyOffsets, keyLengths } = columns;
  if (depth >= (keyLengths[slot] as number)) return 0;
  const bytes = slabs[keySlabs[slot] as number] as Uint8Array;
  return (bytes[(keyOffsets[slot] as number) + depth] as number) + 1;
}

/**
 * Builds a KeyOrder a bounded number of slots at a time: a counting pass over the slots' leading
 * digits, then a stable spread into their buckets (each slot visited once per pass).
 */
export class KeyOrderBuilder {
  private readonly digits: Uint32Array;
  private readonly bucketEnds = new Uint32Array(leadingBuckets + 1);
  private slots: Uint32Array | undefined;
  /** Next candidate to count (first pass) or to spread (second pass, once `slots` exists). */
  private next = 0;

  constructor(
    private readonly columns: KeyColumns,
    private readonly candidates: Uint32Array,
  ) {
    this.digits = new Uint32Array(candidates.length);
  }

  /** Visits up to `units` slots; the order once both passes are done, else undefined. */
  advance(units: number): KeyOrder | undefined {
    const { candidates, digits, bucketEnds, columns } = this;
    const count = candidates.length;
    let left = units;
    if (this.slots === undefined) {
      const end = Math.min(count, this.next + left);
      for (let index = this.next; index < end; index++) {
        const slot = candidates[index] as number;
        const digit = digitOf(columns, slot, 0) * digitValues + digitOf(columns, slot, 1);
        digits[index] = digit;
        bucketEnds[digit + 1] = (bucketEnds[digit + 1] as number) + 1;
      }
      left -= end - this.next;
      this.next = end;
      if (end < count) return undefined;
      for (let bucket = 1; bucket <= leadingBuckets; bucket++) {
        bucketEnds[bucket] = (bucketEnds[bucket] as number) + (bucketEnds[bucket - 1] as number);
      }
      this.slots = new Uint32Array(count);
      this.next = 0;
    }
    // Stable spread; afterwards each bucket's counter has moved from its start to its end.
    const slots = this.slots;
    const end = Math.min(count, this.next + Math.max(0, left));
    for (let index = this.next; index < end; index++) {
      const digit = digits[index] as number;
      const position = bucketEnds[digit] as number;
      slots[position] = candidates[index] as number;
      bucketEnds[digit] = position + 1;
    }
    this.next = end;
    if (end < count) return undefined;
    // Done with the digits: the sort reuses them as its scratch rather than allocating another.
    return new KeyOrder(columns, slots, digits, bucketEnds);
  }
}
