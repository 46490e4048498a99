// Parse workers kept after a run, for the next one. Starting a worker and compiling its grammars
// takes several hundred milliseconds, which a server's sync would otherwise pay again for every
// edit of a module over `syncInThreadParseFileBytesMax` (those are parsed off the event loop).
// A kept worker does not hold the process open (it is unref'd), and ends after
// `parseWorkerIdleMs` without work.
import type { Worker } from 'node:worker_threads';
import { limits } from '../../core/limits.js';

interface KeptWorker {
  readonly worker: Worker;
  readonly timer: NodeJS.Timeout;
}

const kept: KeptWorker[] = [];

/** A kept worker, ready for jobs (the caller attaches its listeners), or undefined. */
export function takeWarmWorker(): Worker | undefined {
  const entry = kept.pop();
  if (entry === undefined) return undefined;
  clearTimeout(entry.timer);
  entry.worker.removeAllListeners('error').removeAllListeners('exit');
  entry.worker.ref();
  return entry.worker;
}

/**
 * Keeps an idle `worker` (the caller has removed its own listeners) for the next run; false when
 * enough are kept already, and the caller ends it.
 */
export function keepWarmWorker(worker: Worker): boolean {
  if (kept.length >= limits.parseWorkersKeptMax) return false;
  worker.unref();
  const entry: KeptWorker = {
    worker,
    timer: setTimeout(() => forget(entry, true), limits.parseWorkerIdleMs).unref(),
  };
  worker.on('error', () => forget(entry, true));
  worker.on('exit', () => forget(entry, false));
  kept.push(entry);
  return true;
}

/** Thread ids of the kept workers (tests). */
export function warmWorkerIds(): number[] {
  return kept.map((entry) => entry.worker.threadId);
}

/** Ends every kept worker. */
export async function endWarmWorkers(): Promise<void> {
  const ending = [...kept];
  for (const entry of ending) forget(entry, false);
  await Promise.all(ending.map((entry) => entry.worker.terminate()));
}

function forget(entry: KeptWorker, terminate: boolean): void {
  const index = kept.indexOf(entry);
  if (index >= 0) kept.splice(index, 1);
  clearTimeout(entry.timer);
  if (terminate) void entry.worker.terminate();
}
