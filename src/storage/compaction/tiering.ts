// Size-tiered compaction policy. A table's tier grows with the logarithm of its size; a run of
// `fanIn` or more adjacent tables of one tier is merged into one. Only adjacent tables are merged,
// which keeps every table's sequence range disjoint from the others and ordered newest first, so
// a read can stop at the first table that holds a key.
import type { TableRecord } from '../manifest/manifest.js';

export interface TieringPolicy {
  readonly baseBytes: number;
  readonly sizeRatio: number;
  readonly fanIn: number;
}

export function tierOf(fileBytes: number, policy: TieringPolicy): number {
  if (fileBytes <= policy.baseBytes) return 0;
  return Math.floor(Math.log(fileBytes / policy.baseBytes) / Math.log(policy.sizeRatio)) + 1;
}

export interface CompactionPick {
  /** Index (in the newest-first table list) of the first table of the run. */
  readonly start: number;
  readonly count: number;
}

/** The run to compact next: the lowest tier holding a long enough run of adjacent tables. */
export function pickCompaction(
  tables: readonly TableRecord[],
  policy: TieringPolicy,
): CompactionPick | undefined {
  if (tables.length < policy.fanIn) return undefined;
  const runMax = policy.fanIn * 4;
  let best: (CompactionPick & { tier: number }) | undefined;
  let runStart = 0;
  for (let index = 1; index <= tables.length; index++) {
    const runTier = tierOf((tables[runStart] as TableRecord).fileBytes, policy);
    const sameTier =
      index < tables.length && tierOf((tables[index] as TableRecord).fileBytes, policy) === runTier;
    if (sameTier && index - runStart < runMax) continue;
    const count = index - runStart;
    if (count >= policy.fanIn && (best === undefined || runTier < best.tier)) {
      best = { start: runStart, count, tier: runTier };
    }
    runStart = index;
  }
  return best === undefined ? undefined : { start: best.start, count: best.count };
}
