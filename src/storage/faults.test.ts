// Explicit fault behaviour on the simulated file system: a failed fsync stops writes (fail-stop)
// without losing acknowledged data, ENOSPC is a typed error, and a reopen recovers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { Database } from '../database.js';
import { blockOf, idOf } from '../testing/fixtures.js';
import { SimVfs } from '../vfs/sim-vfs.js';

describe('I/O faults', () => {
  it('a failed WAL fsync fails the write, stops further writes, and a reopen recovers', () => {
    const vfs = new SimVfs({ seed: 7 });
    const db = Database.open('/db', { vfs });
    db.putBlock(blockOf(1));
    const fault = vfs.injectFault({ kind: 'EIO', operation: 'sync', path: /wal-/, count: 1 });
    assert.throws(
      () => db.putBlock(blockOf(2)),
      (error) => isKausalError(error, 'IO_ERROR'),
    );
    assert.equal(fault.fired, 1);
    assert.throws(
      () => db.putBlock(blockOf(3)),
      (error) => isKausalError(error, 'FAIL_STOP'),
    );
    assert.equal(db.getBlock(idOf(1))?.content, 'content 1', 'reads still answer');
    assert.ok(db.stats().failed);
    db.close();
    vfs.crash();
    const reopened = Database.open('/db', { vfs });
    assert.equal(reopened.getBlock(idOf(1))?.content, 'content 1', 'the acknowledged write survived');
    assert.equal(reopened.getBlock(idOf(3)), undefined, 'the refused write never happened');
    reopened.putBlock(blockOf(4));
    assert.equal(reopened.getBlock(idOf(4))?.content, 'content 4');
    reopened.close();
  });

  it('ENOSPC on the WAL is a NO_SPACE error and nothing acknowledged is lost', () => {
    const vfs = new SimVfs({ seed: 8 });
    const db = Database.open('/db', { vfs });
    db.putBlock(blockOf(1));
    vfs.injectFault({ kind: 'ENOSPC', operation: 'append', path: /wal-/, count: 1 });
    assert.throws(
      () => db.putBlock(blockOf(2)),
      (error) => isKausalError(error, 'NO_SPACE'),
    );
    db.close();
    const reopened = Database.open('/db', { vfs });
    assert.equal(reopened.getBlock(idOf(1))?.content, 'content 1');
    assert.equal(reopened.getBlock(idOf(2)), undefined);
    reopened.close();
  });

  it('a failing flush is retried later and never loses the memtable', () => {
    const vfs = new SimVfs({ seed: 9 });
    const db = Database.open('/db', { vfs, memtableBytes: 4096 });
    const fault = vfs.injectFault({ kind: 'EIO', operation: 'append', path: /table-/, count: 2 });
    for (let index = 0; index < 40; index++) db.putBlock(blockOf(index, 'x'.repeat(300)));
    assert.equal(fault.fired, 2, 'the first flush attempts failed');
    assert.ok(db.stats().flushes > 0, 'a later flush succeeded');
    for (let index = 0; index < 40; index++) assert.equal(db.getBlock(idOf(index))?.content, 'x'.repeat(300));
    db.close();
    vfs.crash();
    const reopened = Database.open('/db', { vfs, memtableBytes: 4096 });
    assert.equal([...reopened.scanBlocks()].length, 40);
    reopened.close();
  });

  it('a bit flip in a table is reported as corruption, never returned as data', () => {
    const vfs = new SimVfs({ seed: 10 });
    const db = Database.open('/db', { vfs, tableBlockBytes: 256 });
    db.write([...Array(50).keys()].map((index) => ({ kind: 'put_block' as const, block: blockOf(index) })));
    db.close();
    const table = vfs.list('/db').find((name) => name.startsWith('table-')) as string;
    vfs.flipBit(`/db/${table}`, 40);
    const reopened = Database.open('/db', { vfs, tableBlockBytes: 256 });
    assert.throws(
      () => [...reopened.scanBlocks()],
      (error) => isKausalError(error, 'CORRUPTION'),
    );
    reopened.close({ flush: false });
  });
});
