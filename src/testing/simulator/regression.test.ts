// The simulator in CI: every regression seed, plus a few fresh seeds drawn from the clock. Fresh
// seeds are printed before they run, so a failure in CI can be replayed with the command it
// prints. The whole file stays within about a minute on a two-core machine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { regressionSeeds } from './regression-seeds.js';
import { runSimulation, type SimulationReport } from './index.js';

const freshSeedCount = 8;
const freshOperations = 800;

function explain(report: SimulationReport): string {
  const failure = report.failure;
  if (failure === undefined) return 'ok';
  return [
    `seed ${report.seed} failed at step ${failure.step}: ${failure.message}`,
    `configuration: ${report.configuration}`,
    ...failure.trace.slice(-15),
    `replay: ${report.replay}`,
  ].join('\n');
}

function assertCheckedSomething(report: SimulationReport): void {
  const { readsChecked, fullCheckpoints, batchesAcknowledged } = report.counters;
  assert.ok(readsChecked > 0 && fullCheckpoints > 0, `seed ${report.seed} checked nothing`);
  assert.ok(batchesAcknowledged > 0, `seed ${report.seed} wrote nothing`);
}

describe('simulator: regression seeds', () => {
  for (const { seed, operations, found } of regressionSeeds) {
    it(`seed ${seed} (${operations} ops): ${found.slice(0, 70)}`, () => {
      const report = runSimulation({ seed, operations });
      assert.ok(report.ok, explain(report));
      assertCheckedSomething(report);
    });
  }
});

describe('simulator: fresh seeds', () => {
  // From the clock on purpose: each CI run explores new seeds. Printed first, so they replay.
  const base = (Date.now() ^ Math.floor(performance.now() * 1000)) >>> 0;
  for (let index = 0; index < freshSeedCount; index += 1) {
    const seed = (Math.imul(base, 2654435761) + index * 40503) >>> 0;
    it(`fresh seed ${seed}: npm run sim -- --seed ${seed} --ops ${freshOperations}`, (t) => {
      t.diagnostic(`replay: npm run sim -- --seed ${seed} --ops ${freshOperations}`);
      console.log(`simulator fresh seed ${seed}: npm run sim -- --seed ${seed} --ops ${freshOperations}`);
      const report = runSimulation({ seed, operations: freshOperations });
      assert.ok(report.ok, `${explain(report)}\nadd this seed to regression-seeds.ts`);
      assertCheckedSomething(report);
    });
  }
});
