// Byte copies for the hot paths that move keys and values between the memtable arena and table
// blocks: most keys and values are a few dozen bytes, where a loop beats creating a subarray view
// to hand to the native copy.

/** Copies `source[start, end)` to `target` at `at`, without allocating a view. */
export function copyBytes(
  source: Uint8Array,
  start: number,
  end: number,
  target: Uint8Array,
  at: number,
): void {
  if (end - start < 64) {
    for (let index = start; index < end; index++) target[at++] = source[index] as number;
    return;
  }
  target.set(source.subarray(start, end), at);
}
