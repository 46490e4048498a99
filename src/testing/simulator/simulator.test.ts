// The simulator as a whole: a seed replays exactly, a run proves what it exercised through its
// counters, damage is undone exactly, and the process guard stops a crashed engine from writing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKausalError } from '../../core/errors.js';
import { SeededRng } from '../../core/rng.js';
import { SimVfs } from '../../vfs/sim-vfs.js';
import { DamageLedger } from './damage.js';
import { runSimulation } from './index.js';
import { ProcessVfs } from './process-vfs.js';

describe('runSimulation', () => {
  it('replays a seed exactly: same steps, same outcomes, same counters', () => {
    const first = runSimulation({ seed: 7, operations: 300 });
    const second = runSimulation({ seed: 7, operations: 300 });
    assert.ok(first.ok, first.failure?.message);
    assert.equal(first.traceHash, second.traceHash);
    assert.deepEqual(first.counters, second.counters);
    assert.deepEqual(first.disk, second.disk);
    assert.notEqual(runSimulation({ seed: 8, operations: 300 }).traceHash, first.traceHash);
  });

  it('counts what it checked, and names the command that replays it', () => {
    const report = runSimulation({ seed: 29, operations: 400 });
    assert.ok(report.ok, report.failure?.message);
    assert.equal(report.replay, 'npm run sim -- --seed 29 --ops 400');
    const { readsChecked, fullCheckpoints, batchesAcknowledged, reopens } = report.counters;
    assert.ok(readsChecked > 100 && fullCheckpoints >= 3 && batchesAcknowledged > 10 && reopens >= 3);
  });

  it('over a handful of seeds, exercises crashes, recovery crashes, faults, damage, torn and deferred writes', () => {
    const totals = {
      crashes: 0,
      duringRecovery: 0,
      faults: 0,
      damage: 0,
      torn: 0,
      interleaved: 0,
      deferred: 0,
    };
    for (const seed of [3, 12, 13, 16, 20, 24, 29, 30]) {
      const report = runSimulation({ seed, operations: 400 });
      assert.ok(report.ok, `seed ${seed}: ${report.failure?.message}`);
      totals.crashes += report.counters.crashes;
      totals.duringRecovery += report.counters.crashesDuringRecovery;
      totals.faults += report.disk.faultsEIO + report.disk.faultsENOSPC;
      totals.damage += report.disk.bitsFlipped + report.disk.sectorsCorrupted;
      totals.torn += report.disk.sectorsTorn + report.disk.partialWrites;
      totals.interleaved += report.counters.interleavedScans;
      totals.deferred += report.counters.batchesDeferred;
    }
    for (const [what, count] of Object.entries(totals)) assert.ok(count > 0, `no ${what} in eight seeds`);
  });

  it('reports a planted bug with the replay command that includes the switch', () => {
    const report = runSimulation({ seed: 3, operations: 400, plantedBugs: { skipWalSync: true } });
    assert.equal(report.ok, false);
    assert.equal(report.replay, 'npm run sim -- --seed 3 --ops 400 --bug skipWalSync');
    assert.ok((report.failure?.trace.length ?? 0) > 0);
  });
});

describe('DamageLedger', () => {
  function diskWithFile(): SimVfs {
    const disk = new SimVfs({ seed: 1 });
    disk.mkdir('/db');
    const file = disk.createExclusive('/db/table-000000000001.sst');
    file.append(new Uint8Array(2048).fill(7));
    file.sync();
    file.close();
    disk.syncDirectory('/db');
    return disk;
  }

  it('undoes flips and sector damage exactly, once per file', () => {
    const disk = diskWithFile();
    const pristine = disk.snapshotCurrent().get('/db/table-000000000001.sst');
    const ledger = new DamageLedger(disk, new SeededRng(2));
    ledger.damageTable(false);
    ledger.damageTable(true);
    assert.equal(ledger.damages.length, 1, 'two damages to one file make one record');
    assert.ok(ledger.namesDamagedFile('corrupt data in /db/table-000000000001.sst at offset 3'));
    assert.equal(ledger.repairAll(), 1);
    assert.deepEqual(disk.snapshotCurrent().get('/db/table-000000000001.sst'), pristine);
    assert.equal(ledger.namesDamagedFile('corrupt data in /db/table-000000000001.sst'), false);
  });

  it('never repairs a different file that took the name', () => {
    const disk = diskWithFile();
    const ledger = new DamageLedger(disk, new SeededRng(3));
    ledger.damageTable(false);
    disk.unlink('/db/table-000000000001.sst');
    const replacement = disk.createExclusive('/db/table-000000000001.sst');
    replacement.append(new Uint8Array(2048).fill(9));
    replacement.close();
    assert.equal(ledger.repairAll(), 0);
    const bytes = disk.snapshotCurrent().get('/db/table-000000000001.sst');
    assert.ok(bytes instanceof Uint8Array && bytes.every((byte) => byte === 9));
  });
});

describe('ProcessVfs', () => {
  it('stops a process at the crash of its machine, while a new process may start', () => {
    const disk = new SimVfs({ seed: 4 });
    const process = new ProcessVfs(disk);
    process.mkdir('/db');
    disk.crash();
    assert.throws(
      () => process.createExclusive('/db/x'),
      (error) => isKausalError(error, 'CRASHED'),
    );
    new ProcessVfs(disk).mkdir('/db');
  });
});
