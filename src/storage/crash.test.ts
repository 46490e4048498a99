// Crash at every I/O operation of workloads that flush and compact, on the simulated file system.
// After each crash the database reopens, and what it holds must equal the model after a prefix of
// the issued batches containing every acknowledged one: no lost acknowledged write, no partial
// batch, nothing invented. Recovery itself is crashed too, and must converge to the same state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { SeededRng, type Rng } from '../core/rng.js';
import type { WriteOperation } from '../core/types.js';
import { Database, type DatabaseOptions } from '../database.js';
import { idOf } from '../testing/fixtures.js';
import { diffStates, readVisibleState, StorageModel, type VisibleState } from '../testing/storage-model.js';
import { SimVfs } from '../vfs/sim-vfs.js';

const directory = '/db';

function makeBatches(rng: Rng, count: number): WriteOperation[][] {
  const batches: WriteOperation[][] = [];
  for (let batch = 0; batch < count; batch++) {
    const operations: WriteOperation[] = [];
    const size = rng.between(1, 4);
    for (let index = 0; index < size; index++) {
      const roll = rng.below(10);
      const a = idOf(rng.below(24));
      const b = idOf(rng.below(24));
      if (roll < 5) {
        const content = `b${batch}.${index} `.repeat(rng.between(10, 300));
        operations.push({ kind: 'put_block', block: { id: a, sourceUri: '', metadata: {}, content } });
      } else if (roll < 6) operations.push({ kind: 'delete_block', id: a });
      else if (roll < 9) operations.push({ kind: 'put_edge', edge: { source: a, target: b, type: 'calls' } });
      else operations.push({ kind: 'delete_edge', edge: { source: a, target: b, type: 'calls' } });
    }
    batches.push(operations);
  }
  return batches;
}

const options = (vfs: SimVfs): DatabaseOptions => ({
  vfs,
  memtableBytes: 4096,
  walSegmentBytes: 8192,
  tableBlockBytes: 512,
});

/** Runs batches until done or crashed; returns how many were acknowledged. */
function runUntilCrash(vfs: SimVfs, batches: readonly WriteOperation[][]): number {
  let acknowledged = 0;
  try {
    const db = Database.open(directory, options(vfs));
    for (const batch of batches) {
      db.write(batch);
      acknowledged += 1;
    }
    db.close();
  } catch (error) {
    if (!isKausalError(error, 'CRASHED')) throw error;
  }
  return acknowledged;
}

function reopenAndRead(vfs: SimVfs): VisibleState {
  const db = Database.open(directory, options(vfs));
  try {
    return readVisibleState(db);
  } finally {
    db.close({ flush: false });
  }
}

function matchesPrefix(
  actual: VisibleState,
  batches: readonly WriteOperation[][],
  acknowledged: number,
): string | undefined {
  const withAcknowledged = diffStates(StorageModel.after(batches.slice(0, acknowledged)), actual);
  if (withAcknowledged === undefined) return undefined;
  if (acknowledged < batches.length) {
    // The batch in flight at the crash may have become durable without being acknowledged.
    if (diffStates(StorageModel.after(batches.slice(0, acknowledged + 1)), actual) === undefined)
      return undefined;
  }
  return withAcknowledged;
}

function crashEverywhere(seed: number, batchCount: number): { crashes: number; flushes: number } {
  const batches = makeBatches(new SeededRng(seed), batchCount);
  const probe = new SimVfs({ seed });
  runUntilCrash(probe, batches);
  const totalOperations = probe.operationCount;
  let crashes = 0;
  for (let crashAt = 1; crashAt <= totalOperations; crashAt++) {
    const vfs = new SimVfs({ seed: seed * 100_003 + crashAt });
    vfs.crashAtOperation(crashAt);
    const acknowledged = runUntilCrash(vfs, batches);
    if (vfs.counters.crashes === 0) continue;
    crashes += 1;
    // Crash recovery itself once, a few operations in, then recover for real.
    vfs.crashAtOperation(vfs.operationCount + 1 + (crashAt % 9));
    try {
      reopenAndRead(vfs);
    } catch (error) {
      if (!isKausalError(error, 'CRASHED')) throw error;
    }
    vfs.cancelScheduledCrash();
    const first = reopenAndRead(vfs);
    const problem = matchesPrefix(first, batches, acknowledged);
    assert.equal(problem, undefined, `seed ${seed}, crash at operation ${crashAt}: ${problem}`);
    const second = reopenAndRead(vfs);
    assert.equal(
      diffStates(first, second),
      undefined,
      `seed ${seed}, crash at ${crashAt}: recovery is not stable`,
    );
  }
  const flushes = countFlushes(seed, batches);
  return { crashes, flushes };
}

function countFlushes(seed: number, batches: readonly WriteOperation[][]): number {
  const db = Database.open(directory, options(new SimVfs({ seed })));
  for (const batch of batches) db.write(batch);
  const { flushes, compactions } = db.stats();
  db.close();
  return flushes + compactions;
}

describe('crash at every I/O operation (SimVfs)', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: recovery equals a prefix holding every acknowledged batch`, () => {
      const { crashes, flushes } = crashEverywhere(seed, 40);
      assert.ok(crashes > 100, `only ${crashes} crash points were exercised`);
      assert.ok(flushes >= 5, `the workload must flush and compact (got ${flushes})`);
    });
  }
});
