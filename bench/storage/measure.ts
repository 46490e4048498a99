// Timing and size helpers shared by the runner and the report: percentiles, medians, bytes on disk.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The q-quantile (0..1) of a sample by the nearest-rank method; NaN for an empty sample. */
export function quantile(sample: ArrayLike<number>, q: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = Float64Array.from(sample).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** The middle value (the mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** Bytes the files under a directory occupy on disk (allocated blocks, so sparse files count true). */
export function diskBytes(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    // A file removed in the background (an obsolete table, a covered log segment) may be gone.
    const stats = statSync(join(entry.parentPath, entry.name), { throwIfNoEntry: false });
    total += (stats?.blocks ?? 0) * 512;
  }
  return total;
}

export const mebibyte = 1024 * 1024;
