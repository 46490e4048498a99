// The yield budget on a manual clock: it yields only once its budget is spent, never without one,
// always with a zero budget, and runs step generators to the same result with or without yielding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './clock.js';
import { isKausalError } from './errors.js';
import { limits } from './limits.js';
import { eachInSteps, runToEnd, YieldBudget, type Steps } from './yield-budget.js';

function* countTo(limit: number, clock?: ManualClock): Steps<number> {
  let sum = 0;
  for (let value = 1; value <= limit; value++) {
    sum += value;
    clock?.advance(1);
    yield;
  }
  return sum;
}

describe('YieldBudget', () => {
  it('yields only when the budget since the last yield is spent', async () => {
    const clock = new ManualClock();
    const budget = new YieldBudget(5, clock);
    await budget.maybeYield();
    assert.equal(budget.yields, 0);
    clock.advance(4);
    await budget.maybeYield();
    assert.equal(budget.yields, 0);
    clock.advance(1);
    await budget.maybeYield();
    assert.equal(budget.yields, 1);
    await budget.maybeYield();
    assert.equal(budget.yields, 1, 'the budget starts again after a yield');
  });

  it('yields after about a millisecond while others wait for the thread, never without a budget', async () => {
    const clock = new ManualClock();
    let contended = false;
    const budget = new YieldBudget(8, clock, () => contended);
    clock.advance(limits.yieldBudgetMsContended);
    await budget.maybeYield();
    assert.equal(budget.yields, 0, 'uncontended: the full budget');
    contended = true;
    await budget.maybeYield();
    assert.equal(budget.yields, 1, 'contended: the short budget is spent');
    clock.advance(limits.yieldBudgetMsContended / 2);
    await budget.maybeYield();
    assert.equal(budget.yields, 1, 'the short budget starts again after a yield');
    const unbounded = new YieldBudget(Number.POSITIVE_INFINITY, clock, () => true);
    clock.advance(1_000);
    assert.equal(unbounded.spent(), false, 'a command-line run never yields, contended or not');
    const steps = new YieldBudget(8, clock, () => true);
    assert.equal(await steps.run(countTo(20, clock)), 210);
    assert.equal(steps.yields, 20 / limits.yieldBudgetMsContended, 'one yield per short budget of steps');
  });

  it('runs steps to the same result whatever the budget, yielding as often as it says', async () => {
    const clock = new ManualClock();
    const everyFourth = new YieldBudget(4, clock);
    assert.equal(await everyFourth.run(countTo(20, clock)), 210);
    assert.equal(everyFourth.yields, 5);

    const always = new YieldBudget(0);
    assert.equal(await always.run(countTo(20)), 210);
    assert.equal(always.yields, 20);

    const never = YieldBudget.unbounded();
    assert.equal(await never.run(countTo(20, clock)), 210);
    assert.equal(never.yields, 0);

    assert.equal(runToEnd(countTo(20)), 210);
  });

  it('lets other callbacks run while it yields', async () => {
    let turns = 0;
    let running = true;
    const tick = (): void => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await new YieldBudget(0).run(countTo(50));
    running = false;
    assert.ok(turns >= 49, `saw ${turns} turns`);
  });

  it('runs its check at every yield, and every 64 steps of work that never yields', async () => {
    let checks = 0;
    const counted = (): void => {
      checks++;
    };
    const unbounded = new YieldBudget(Number.POSITIVE_INFINITY, new ManualClock(), () => false, counted);
    assert.equal(await unbounded.run(countTo(200)), 20_100);
    assert.equal(checks, 3, 'after steps 64, 128 and 192');
    assert.equal(unbounded.yields, 0);

    checks = 0;
    const everyStep = new YieldBudget(0, new ManualClock(), () => false, counted);
    await everyStep.run(countTo(10));
    assert.equal(checks, everyStep.yields);
    assert.ok(checks >= 10);

    const stopping = new YieldBudget(
      Number.POSITIVE_INFINITY,
      new ManualClock(),
      () => false,
      () => {
        throw new Error('out of room');
      },
    );
    await assert.rejects(stopping.run(countTo(100)), /out of room/);
  });

  it('cuts a loop into steps of a given size', () => {
    const seen: number[] = [];
    const steps = eachInSteps([1, 2, 3, 4, 5], 2, (item) => seen.push(item));
    let boundaries = 0;
    while (steps.next().done !== true) boundaries++;
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal(boundaries, 2);
  });

  it('refuses a negative or missing budget', () => {
    for (const budgetMs of [-1, Number.NaN]) {
      assert.throws(
        () => new YieldBudget(budgetMs),
        (error) => isKausalError(error, 'INVALID_ARGUMENT'),
      );
    }
  });
});
