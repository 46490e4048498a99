// K-way merge of sorted entry streams into one stream with a single winning version per key (the
// MVCC rule in version.ts decides). Streams are few (memtables plus tables), so a linear scan of
// the stream heads beats a heap.
import type { StoredEntry } from './entry.js';
import { shadows } from './version.js';

interface Head {
  readonly iterator: Iterator<StoredEntry>;
  entry: StoredEntry | undefined;
}

/** Yields, in key order, the winning version of every key across `streams` (tombstones too). */
export function* mergeNewest(streams: readonly Iterable<StoredEntry>[]): Generator<StoredEntry> {
  const heads: Head[] = streams.map((stream) => {
    const iterator = stream[Symbol.iterator]();
    return { iterator, entry: next(iterator) };
  });
  while (true) {
    let smallest: string | undefined;
    for (const head of heads) {
      if (head.entry !== undefined && (smallest === undefined || head.entry.key < smallest)) {
        smallest = head.entry.key;
      }
    }
    if (smallest === undefined) return;
    let winner: StoredEntry | undefined;
    for (const head of heads) {
      if (head.entry === undefined || head.entry.key !== smallest) continue;
      if (winner === undefined || shadows(head.entry, winner)) winner = head.entry;
      head.entry = next(head.iterator);
    }
    if (winner !== undefined) yield winner;
  }
}

function next(iterator: Iterator<StoredEntry>): StoredEntry | undefined {
  const result = iterator.next();
  return result.done === true ? undefined : result.value;
}

/** Keeps the winning version per key among unsorted entries (edge lookups). */
export function newestByKey(
  entries: Iterable<StoredEntry>,
  into = new Map<string, StoredEntry>(),
): Map<string, StoredEntry> {
  for (const entry of entries) {
    const current = into.get(entry.key);
    if (current === undefined || shadows(entry, current)) into.set(entry.key, entry);
  }
  return into;
}

/**
 * The newest entry of each key across `runs`, in key order. Unlike `mergeNewest`, the runs need
 * not be sorted: a memtable lists a prefix's entries in hash-chain order.
 */
export function newestOfRuns(runs: readonly StoredEntry[][]): StoredEntry[] {
  const newest = new Map<string, StoredEntry>();
  for (const run of runs) newestByKey(run, newest);
  return [...newest.keys()].sort().map((key) => newest.get(key) as StoredEntry);
}
