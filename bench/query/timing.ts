// Per-query timing: each call is timed alone with the high-resolution clock, after a warm-up on
// other inputs, and summarised as p50 / p99 / mean in milliseconds.
import { quantile } from '../storage/measure.js';

export interface Timing {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

export function summarise(times: readonly number[]): Timing {
  const mean = times.reduce((sum, time) => sum + time, 0) / Math.max(1, times.length);
  return { samples: times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), mean };
}

/** Runs `query` on every input (the first `warmup` untimed) and returns the timing of the rest. */
export function timeQueries<T>(inputs: readonly T[], warmup: number, query: (input: T) => unknown): Timing {
  const times: number[] = [];
  inputs.forEach((input, index) => {
    const started = performance.now();
    query(input);
    const elapsed = performance.now() - started;
    if (index >= warmup) times.push(elapsed);
  });
  return summarise(times);
}
