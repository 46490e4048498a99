// Cooperative scheduling for long work on the event-loop thread. A server runs link, sync, unlink
// and reindex on the thread that answers queries, so such work is cut into short synchronous
// steps; between steps it asks its budget whether it has held the thread for long enough, and
// only then yields (one setImmediate turn, in which timers, I/O and other requests run). A
// command-line run, which nobody else waits on, thus pays a clock reading per step and one yield
// every few milliseconds.
//
// Work that must also run synchronously is written once, as a generator of steps (`Steps`): a
// synchronous caller runs it with `runToEnd`, a cooperative one with `YieldBudget.run`.
import { setImmediate } from 'node:timers';
import { systemClock, type Clock } from './clock.js';
import { invalidArgument } from './errors.js';
import { limits } from './limits.js';

/** Work cut into steps: each `yield` marks a point where the thread may be handed back. */
export type Steps<T> = Generator<void, T, undefined>;

/** Steps between two checks of a budget that does not yield (a check costs about a microsecond). */
const checkEverySteps = 64;

export class YieldBudget {
  /** Times this budget handed the thread back. */
  yields = 0;
  private since: number;
  /** Steps run since the check last ran: work that never yields is checked every few steps. */
  private stepsSinceCheck = 0;

  /**
   * `budgetMs` is how long the work may hold the thread between yields: 0 yields at every
   * step, `Infinity` never yields. While `contended()` says others wait for the thread (a server
   * answering queries), the budget is at most `limits.yieldBudgetMsContended`.
   */
  constructor(
    readonly budgetMs: number = limits.yieldBudgetMsDefault,
    private readonly clock: Clock = systemClock,
    private readonly contended: () => boolean = () => false,
    /**
     * A check that may stop the work by throwing (see heap-room.ts): run before every yield, every
     * `checkEverySteps` steps of `run` (a budget that never yields), and at `checkpoint()`.
     */
    private readonly check: () => void = () => undefined,
  ) {
    if (Number.isNaN(budgetMs) || budgetMs < 0) {
      throw invalidArgument(`a yield budget must be a number of milliseconds ≥ 0, not ${budgetMs}`);
    }
    this.since = clock.monotonicMs();
  }

  /** A budget that never yields: the work runs in one stretch, as a synchronous call would. */
  static unbounded(): YieldBudget {
    return new YieldBudget(Number.POSITIVE_INFINITY);
  }

  /** Runs the budget's check (for work that also advances outside its steps, such as a parse). */
  checkpoint(): void {
    this.stepsSinceCheck = 0;
    this.check();
  }

  /** Whether the work has held the thread for its budget since it last yielded. */
  spent(): boolean {
    if (this.budgetMs === Number.POSITIVE_INFINITY) return false;
    const held = this.clock.monotonicMs() - this.since;
    return held >= this.budgetMs || (held >= limits.yieldBudgetMsContended && this.contended());
  }

  /** Yields to the event loop when the budget is spent; otherwise returns at once. */
  async maybeYield(): Promise<void> {
    if (this.spent()) await this.yieldNow();
  }

  /** Yields to the event loop: pending timers, I/O callbacks and immediates run first. */
  async yieldNow(): Promise<void> {
    this.checkpoint();
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.yields++;
    this.since = this.clock.monotonicMs();
  }

  /** Runs `steps` to the end, yielding between steps whenever the budget is spent. */
  async run<T>(steps: Steps<T>): Promise<T> {
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
      if (++this.stepsSinceCheck >= checkEverySteps) this.checkpoint();
      if (this.spent()) await this.yieldNow();
    }
  }
}

/** Runs `steps` to the end without yielding, for synchronous callers. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** Calls `visit` on every item, with a step boundary after every `perStep` items. */
export function* eachInSteps<T>(items: Iterable<T>, perStep: number, visit: (item: T) => void): Steps<void> {
  let count = 0;
  for (const item of items) {
    visit(item);
    if (++count % perStep === 0) yield;
  }
}
