// Parses files in worker threads. Each worker gets batches of files and answers one outcome per
// file in order; the pool keeps two batches queued per worker so none waits for the main thread.
// A worker that dies takes only the file it was parsing with it: that file is reported failed,
// the rest of its queue goes back to the pool, and a fresh worker takes its place. With zero
// workers everything runs in the calling thread (tests, small inputs). A worker whose run is over
// is kept warm for the next run when the caller asks (warm-workers.ts); any run takes one. When
// workers cannot start (or keep crashing), the rest is parsed in the calling thread and the run's
// summary says so, for the caller to pass on: slower, never silent.
import { Worker } from 'node:worker_threads';
import { assert } from '../../core/assert.js';
import { limits } from '../../core/limits.js';
import { packagePath } from '../../package-root.js';
import type { YieldBudget } from '../../core/yield-budget.js';
import { runParseJob, type ParseJob, type ParseOutcome } from './parse-job.js';
import type { ParseRequest } from './protocol.js';
import { unpackOutcome, type WorkerMessage } from './shared-content.js';
import { keepWarmWorker, takeWarmWorker } from './warm-workers.js';
import { parseWorkerNice } from './worker-priority.js';

/** Worker restarts tolerated in one run before the rest is parsed in the calling thread. */
const workerRestartsMax = 16;

interface Slot {
  worker: Worker;
  /** Kept from an earlier run: it started, whatever happens before its first answer here. */
  readonly warm: boolean;
  /** Removes this run's listeners from the worker. */
  readonly detach: () => void;
  answered: number;
  /** Jobs sent and not yet answered, in the order the worker answers them. */
  readonly outstanding: ParseJob[];
}

/**
 * Starts the worker script. Compiled, that is dist/ingest/workers/parse-worker.js (also from the
 * command-line bundle, which lives elsewhere). Under tsx (the module URL ends in .ts) a worker does
 * not inherit tsx's loader on Node 20, so a small bootstrap registers tsx inside the worker before
 * importing parse-worker.ts.
 */
function spawnWorker(workerData: unknown): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) {
    return new Worker(packagePath('dist/ingest/workers/parse-worker.js'), { execArgv: [], workerData });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./parse-worker.ts', self).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: [], workerData });
}

/**
 * Whether `files` are few and small enough that parsing them in the calling thread is faster than
 * starting workers, each of which compiles the grammar and warms its JIT on its own (see
 * `limits.ingestInThreadFilesMax`).
 */
export function smallEnoughForOneThread(files: readonly { readonly size: number }[]): boolean {
  if (files.length > limits.ingestInThreadFilesMax) return false;
  let bytes = 0;
  for (const file of files) bytes += file.size;
  return bytes <= limits.ingestInThreadBytesMax;
}

export interface ParseRunOptions {
  readonly workers: number;
  readonly fileBytesMax: number;
  readonly onOutcome: (outcome: ParseOutcome) => void;
  /** Parsing in the calling thread yields between files whenever this budget is spent. */
  readonly budget?: YieldBudget;
  /**
   * Keep the workers warm for the next run (warm-workers.ts): for long-lived processes. A
   * worker holds its grammars and the memory its largest file grew it to, so a one-shot run
   * (a `kausal link` process) ends them.
   */
  readonly keepWarm?: boolean;
  /** Tests only: a worker exits while parsing this path. */
  readonly crashOn?: string;
  /** Tests only: every worker fails as it starts, as one whose script cannot load would. */
  readonly failStart?: boolean;
}

export interface ParseRunSummary {
  /** Set when workers were asked for but some or all files were parsed in this thread: why. */
  readonly fallback?: string;
}

export async function parseFiles(
  jobs: readonly ParseJob[],
  options: ParseRunOptions,
): Promise<ParseRunSummary> {
  assert(
    Number.isInteger(options.workers) && options.workers >= 0 && options.workers <= limits.ingestWorkersMax,
  );
  const workers = Math.min(options.workers, Math.ceil(jobs.length / limits.ingestBatchFiles));
  if (workers === 0) {
    for (const job of jobs) {
      options.onOutcome(await runParseJob(job, options.fileBytesMax));
      await options.budget?.maybeYield();
    }
    return {};
  }
  const run = new PoolRun(jobs, workers, options);
  await run.finished;
  return run.fallback === undefined ? {} : { fallback: run.fallback };
}

/**
 * How many jobs from the head of the queue make the next batch: up to `ingestBatchFiles` files
 * and `ingestBatchBytes` bytes, so a batch of large files does not keep one worker busy while
 * the other has nothing left.
 */
function batchLength(queue: readonly ParseJob[]): number {
  let bytes = 0;
  let count = 0;
  while (count < queue.length && count < limits.ingestBatchFiles) {
    bytes += (queue[count] as ParseJob).bytes ?? 0;
    count++;
    if (bytes >= limits.ingestBatchBytes) break;
  }
  return count;
}

class PoolRun {
  readonly finished: Promise<void>;
  /** Why files were parsed in this thread, when they were. */
  fallback: string | undefined;
  /** The error of the first worker that failed before answering anything. */
  private startFailure: string | undefined;
  private readonly queue: ParseJob[];
  private readonly slots = new Set<Slot>();
  private restarts = 0;
  private answered = 0;
  private settle!: (error?: unknown) => void;

  constructor(
    jobs: readonly ParseJob[],
    workers: number,
    private readonly options: ParseRunOptions,
  ) {
    this.queue = [...jobs];
    this.finished = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    for (let index = 0; index < workers; index++) this.startWorker();
  }

  /** A test's run with injected faults: its workers are neither taken warm nor kept. */
  private get faultInjecting(): boolean {
    return this.options.crashOn !== undefined || this.options.failStart === true;
  }

  private get total(): number {
    return (
      this.answered +
      this.queue.length +
      [...this.slots].reduce((sum, slot) => sum + slot.outstanding.length, 0)
    );
  }

  private startWorker(): void {
    const { crashOn, failStart } = this.options;
    const warm = this.faultInjecting ? undefined : takeWarmWorker();
    const settings = { nice: parseWorkerNice(), ...(this.faultInjecting ? { crashOn, failStart } : {}) };
    const worker = warm ?? spawnWorker(settings);
    const onMessage = (message: WorkerMessage): void => this.onMessage(slot, message);
    const onError = (error: Error): void => this.onWorkerLost(slot, error);
    const onExit = (code: number): void => {
      if (this.slots.has(slot)) this.onWorkerLost(slot, new Error(`worker exited with code ${code}`));
    };
    const slot: Slot = {
      worker,
      warm: warm !== undefined,
      detach: () => worker.off('message', onMessage).off('error', onError).off('exit', onExit),
      answered: 0,
      outstanding: [],
    };
    this.slots.add(slot);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    this.feed(slot);
  }

  /** Keeps up to two batches queued in the worker. */
  private feed(slot: Slot): void {
    while (slot.outstanding.length < 2 * limits.ingestBatchFiles && this.queue.length > 0) {
      const jobs = this.queue.splice(0, batchLength(this.queue));
      slot.outstanding.push(...jobs);
      const request: ParseRequest = { jobs, fileBytesMax: this.options.fileBytesMax };
      slot.worker.postMessage(request);
    }
    if (slot.outstanding.length === 0) this.retire(slot);
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    const job = slot.outstanding.shift();
    assert(job !== undefined && job.path === message.path, 'worker answered out of order');
    this.answered++;
    slot.answered++;
    this.deliver(unpacked(message));
    this.feed(slot);
  }

  private deliver(outcome: ParseOutcome): void {
    try {
      this.options.onOutcome(outcome);
    } catch (error) {
      this.abort(error);
    }
  }

  private onWorkerLost(slot: Slot, error: unknown): void {
    if (!this.slots.delete(slot)) return;
    void slot.worker.terminate();
    // A worker that never answered failed to start: no file is to blame, and new workers would
    // fail the same way, so the rest is parsed here.
    const started = slot.answered > 0 || slot.warm;
    const reason = error instanceof Error ? error.message : String(error);
    if (!started) {
      this.restarts = workerRestartsMax;
      this.startFailure ??= reason;
    }
    const culprit = started ? slot.outstanding.shift() : undefined;
    if (culprit !== undefined) {
      this.answered++;
      this.deliver({ path: culprit.path, status: 'failed', reason: `parser crashed: ${reason}` });
    }
    this.queue.unshift(...slot.outstanding);
    if (this.queue.length === 0) {
      this.checkDone();
      return;
    }
    if (++this.restarts <= workerRestartsMax) this.startWorker();
    else if (this.slots.size === 0) {
      this.fallback =
        this.startFailure === undefined
          ? `parse workers crashed ${workerRestartsMax} times; the rest was parsed in the calling thread`
          : `a parse worker could not start (${this.startFailure}); the rest was parsed in the calling thread`;
      void this.finishInThread();
    }
  }

  /** Too many crashes: parse what is left here, one file at a time. */
  private async finishInThread(): Promise<void> {
    while (this.queue.length > 0) {
      const job = this.queue.shift() as ParseJob;
      this.answered++;
      this.deliver(await runParseJob(job, this.options.fileBytesMax));
    }
    this.checkDone();
  }

  private retire(slot: Slot): void {
    if (!this.slots.delete(slot)) return;
    slot.detach();
    const keep = this.options.keepWarm === true && !this.faultInjecting;
    if (!keep || !keepWarmWorker(slot.worker)) void slot.worker.terminate();
    this.checkDone();
  }

  private checkDone(): void {
    if (this.slots.size === 0 && this.queue.length === 0) {
      assert(this.answered === this.total, 'every job must be answered once');
      this.settle();
    }
  }

  private abort(error: unknown): void {
    this.queue.length = 0;
    for (const slot of this.slots) void slot.worker.terminate();
    this.slots.clear();
    this.settle(error);
  }
}

/** A damaged message costs its file, like a parser crash, not the run. */
function unpacked(message: WorkerMessage): ParseOutcome {
  try {
    return unpackOutcome(message);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { path: message.path, status: 'failed', reason };
  }
}
