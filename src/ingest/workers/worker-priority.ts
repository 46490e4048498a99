// The priority of parse worker threads. A server parses for a sync on the same cores as the
// thread that answers queries; its workers run at a lower priority, so when the two compete the
// sync slows down rather than the queries. A module of its own, so a server sets it without
// loading the parsers.
import { limits } from '../../core/limits.js';

let workerNice = 0;

/** The nice value workers started from now on give their own thread (0: the normal priority). */
export function parseWorkerNice(): number {
  return workerNice;
}

/**
 * For a server: its parse workers yield the cores to the query thread. Only on Linux, where a
 * nice value belongs to one thread; elsewhere setting it would lower the whole process.
 */
export function parseWorkersYieldToQueries(): void {
  if (process.platform === 'linux') workerNice = limits.serverParseWorkerNice;
}
