// Long work that holds what it builds in memory (a link holds every file's facts, texts and
// edges until it writes them) stops with an error a user can act on when the heap runs short,
// instead of V8 ending the process with an out-of-memory crash: a server would lose every client,
// a command its explanation. Checked at the work's step boundaries, which come every few
// milliseconds, far less than the headroom left takes to fill.
import { getHeapStatistics } from 'node:v8';
import { KausalError } from './errors.js';
import { limits } from './limits.js';

export interface HeapUse {
  /** Bytes in use on the JavaScript heap (live objects, and garbage not yet collected). */
  readonly used: number;
  /** The most the heap may hold before V8 gives up (Node's `--max-old-space-size` and the young generation). */
  readonly limit: number;
}

export function heapUse(): HeapUse {
  const statistics = getHeapStatistics();
  return { used: statistics.used_heap_size, limit: statistics.heap_size_limit };
}

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

/**
 * What the old generation may hold: V8's limit counts the young generation too (three 16 MiB
 * semi-spaces in Node 20), and it is the old generation that runs out.
 */
function oldGenerationLimit(use: HeapUse): number {
  return Math.max(use.limit / 2, use.limit - limits.heapYoungGenerationBytes);
}

/**
 * LIMIT_EXCEEDED for a heap that ran short: the command line runs the command again with a larger
 * heap when the machine has the memory (src/cli/larger-heap.ts).
 */
export class HeapLimitError extends KausalError {
  constructor(
    message: string,
    /** The heap limit the work ran into, in bytes. */
    readonly limitBytes: number,
  ) {
    super('LIMIT_EXCEEDED', message);
  }
}

/** Throws HeapLimitError when `use` is past `limits.heapUsedShareMax` of the old generation's limit. */
export function checkHeapRoom(work: string, use: HeapUse = heapUse()): void {
  if (use.used <= oldGenerationLimit(use) * limits.heapUsedShareMax) return;
  const larger = Math.max(4096, Math.ceil((mib(use.limit) * 2) / 1024) * 1024);
  throw new HeapLimitError(
    `${work} needs more memory than this process may use (${mib(use.used)} of ${mib(use.limit)} MiB of heap in use): ` +
      `link a smaller directory (a subdirectory as a workspace of its own), or give Node a larger heap, ` +
      `e.g. NODE_OPTIONS=--max-old-space-size=${larger}`,
    use.limit,
  );
}
