// Bounding how long a caller waits for a promise: the server's ping during discovery, a benchmark
// client's request, a shutdown waiting for a running write.
import { KausalError } from './errors.js';

/** `promise`, or a TIMEOUT error after `ms` milliseconds; the timer never outlives the race. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what = 'an answer'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KausalError('TIMEOUT', `no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
