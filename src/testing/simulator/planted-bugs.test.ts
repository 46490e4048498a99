// Proof that the simulator catches bugs: each test-only switch in PlantedBugs plants a known bug in
// the engine, and the simulator, on a small fixed set of seeds, must fail on it — while the same
// seeds pass with every switch off. Swarm testing means not every seed can expose every bug (a
// seed without interleaved scans cannot see arena reuse), so each bug must be caught by several of
// the seeds, not all; the message of the check that caught it is printed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlantedBugs } from '../../storage/options.js';
import { runSimulation } from './index.js';

const seeds = [3, 7, 11, 12, 13, 16, 20, 24, 29, 30];
const operations = 400;
/** Stop once this many seeds caught a bug (it keeps the file fast); fewer is a failure. */
const catchesRequired = 3;

const bugs: ReadonlyArray<{ name: keyof PlantedBugs; exposedBy: string }> = [
  { name: 'skipWalSync', exposedBy: 'crashes after acknowledged writes' },
  {
    name: 'dropTombstonesInCompaction',
    exposedBy: 'deletes of keys in older tables, then partial compactions',
  },
  { name: 'installTableBeforeSync', exposedBy: 'crashes after a flush installs a table' },
  { name: 'ignoreChecksums', exposedBy: 'bit flips in tables and WAL frames, torn WAL frames' },
  { name: 'reuseArenaWhileHeld', exposedBy: 'scans kept open across writes that flush the memtable' },
];

describe('simulator: planted bugs are caught', () => {
  for (const { name, exposedBy } of bugs) {
    it(`${name} (${exposedBy})`, (t) => {
      const caught: string[] = [];
      for (const seed of seeds) {
        const report = runSimulation({ seed, operations, plantedBugs: { [name]: true } });
        if (report.ok) continue;
        const message = report.failure?.message ?? '';
        assert.ok(
          !message.startsWith('simulator error'),
          `seed ${seed}: the simulator itself broke: ${message}`,
        );
        caught.push(`seed ${seed}: ${message.split('\n')[0]?.slice(0, 160)}`);
        if (caught.length >= catchesRequired) break;
      }
      for (const line of caught) t.diagnostic(line);
      assert.ok(
        caught.length >= catchesRequired,
        `${name} caught by only ${caught.length} seeds:\n${caught.join('\n')}`,
      );
    });
  }

  it('the same seeds pass with every switch off', () => {
    for (const seed of seeds) {
      const report = runSimulation({ seed, operations });
      assert.ok(report.ok, `seed ${seed}: ${report.failure?.message}\nreplay: ${report.replay}`);
    }
  });
});
