import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssertionError } from '../core/assert.js';
import { readWholeFile, type VfsFile } from './vfs.js';
import { SimVfs } from './sim-vfs.js';
import type { SimFaultOperation } from './sim-faults.js';
import { simConstants } from './sim-constants.js';
import { assertBytesEqual, assertVfsError, patternBytes } from './vfs-contract.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** A SimVfs holding a durable /db/f ("hello"), with /db/f open for readwrite. */
function fixture(seed = 1): { vfs: SimVfs; file: VfsFile } {
  const vfs = new SimVfs({ seed });
  vfs.mkdir('/db');
  vfs.syncDirectory('/');
  const file = vfs.createExclusive('/db/f');
  file.write(0, text('hello'));
  file.sync();
  vfs.syncDirectory('/db');
  return { vfs, file };
}

describe('SimVfs faults', () => {
  it('each operation can fail with EIO or ENOSPC, and each firing is counted', () => {
    const attempts: Array<[SimFaultOperation, (vfs: SimVfs, file: VfsFile) => unknown]> = [
      ['open', (vfs) => vfs.open('/db/f', 'read')],
      ['create', (vfs) => vfs.createExclusive('/db/g')],
      ['exists', (vfs) => vfs.exists('/db/f')],
      ['stat', (vfs) => vfs.stat('/db/f')],
      ['rename', (vfs) => vfs.rename('/db/f', '/db/g')],
      ['unlink', (vfs) => vfs.unlink('/db/f')],
      ['list', (vfs) => vfs.list('/db')],
      ['mkdir', (vfs) => vfs.mkdir('/db/sub')],
      ['syncDirectory', (vfs) => vfs.syncDirectory('/db')],
      ['lock', (vfs) => vfs.lock('/db/LOCK', 'owner')],
      ['read', (_, file) => file.read(0, 5)],
      ['write', (_, file) => file.write(0, text('x'))],
      ['append', (_, file) => file.append(text('x'))],
      ['size', (_, file) => file.size()],
      ['truncate', (_, file) => file.truncate(0)],
      ['sync', (_, file) => file.sync()],
    ];
    for (const [operation, attempt] of attempts) {
      for (const [kind, code] of [
        ['EIO', 'IO_ERROR'],
        ['ENOSPC', 'NO_SPACE'],
      ] as const) {
        const { vfs, file } = fixture();
        vfs.injectFault({ kind, operation, count: 1 });
        assertVfsError(() => attempt(vfs, file), code, operation, kind);
        assert.equal(vfs.counters.faults[kind], 1, `${operation} ${kind}`);
        assert.equal(vfs.list('/db').includes('f'), true, `${operation} ${kind}: no side effect`);
        assert.deepEqual(
          vfs.snapshotCurrent().get('/db/f'),
          text('hello'),
          `${operation} ${kind}: content unchanged`,
        );
      }
    }
  });

  it('ENOSPC on write or append writes nothing', () => {
    const { vfs, file } = fixture();
    vfs.injectFault({ kind: 'ENOSPC', operation: ['write', 'append'] });
    assertVfsError(() => file.append(patternBytes(5000)), 'NO_SPACE', 'append', '/db/f');
    assertVfsError(() => file.write(3, patternBytes(10)), 'NO_SPACE', 'write', '/db/f');
    assert.equal(file.size(), 5);
    assert.equal(vfs.counters.faults.ENOSPC, 2);
  });

  it('EIO on sync drops the dirty data: a later successful sync does not make it durable', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { vfs, file } = fixture(seed);
      file.write(0, text('HE'));
      file.append(text('+more'));
      const fault = vfs.injectFault({ kind: 'EIO', operation: 'sync', count: 1 });
      assertVfsError(() => file.sync(), 'IO_ERROR', 'sync', '/db/f');
      assert.equal(fault.fired, 1);
      assert.equal(
        new TextDecoder().decode(file.read(0, 100)),
        'HEllo+more',
        'reads still see the page cache',
      );
      file.sync();
      vfs.crash();
      // The size was made durable by the second sync; the bytes never were.
      assertBytesEqual(readWholeFile(vfs, '/db/f'), new Uint8Array([...text('hello'), 0, 0, 0, 0, 0]));
    }
  });

  it('EIO on syncDirectory leaves the entries unsynced', () => {
    const { vfs } = fixture();
    vfs.createExclusive('/db/new').close();
    vfs.injectFault({ kind: 'EIO', operation: 'syncDirectory', count: 1 });
    assertVfsError(() => vfs.syncDirectory('/db'), 'IO_ERROR', 'syncDirectory', '/db');
    vfs.crash();
    assert.equal(vfs.exists('/db/new'), false);
  });

  it('nth arms a one-shot from the nth matching operation; count extends it', () => {
    const { vfs, file } = fixture();
    const once = vfs.injectFault({ kind: 'EIO', operation: 'read', nth: 3 });
    file.read(0, 1);
    file.read(0, 1);
    assertVfsError(() => file.read(0, 1), 'IO_ERROR', 'read');
    file.read(0, 1);
    assert.equal(once.fired, 1);
    once.remove();
    const twice = vfs.injectFault({ kind: 'EIO', operation: 'read', nth: 2, count: 2 });
    file.read(0, 1);
    assertVfsError(() => file.read(0, 1), 'IO_ERROR');
    assertVfsError(() => file.read(0, 1), 'IO_ERROR');
    file.read(0, 1);
    assert.equal(twice.fired, 2);
  });

  it('a pre-empted fault stays armed for the next match', () => {
    const { vfs, file } = fixture();
    vfs.injectFault({ kind: 'ENOSPC', operation: 'read', nth: 1 });
    const second = vfs.injectFault({ kind: 'EIO', operation: 'read', nth: 1 });
    assertVfsError(() => file.read(0, 1), 'NO_SPACE');
    assertVfsError(() => file.read(0, 1), 'IO_ERROR');
    file.read(0, 1);
    assert.equal(second.fired, 1);
  });

  it('matches paths exactly (after normalizing) or by pattern', () => {
    const { vfs, file } = fixture();
    vfs.createExclusive('/db/other').close();
    const exact = vfs.injectFault({ kind: 'EIO', path: 'db//f' });
    vfs.stat('/db/other');
    assertVfsError(() => vfs.stat('/db/f'), 'IO_ERROR', 'stat', '/db/f');
    assertVfsError(() => file.read(0, 1), 'IO_ERROR', 'read');
    assertVfsError(() => vfs.rename('/db/other', '/db/f'), 'IO_ERROR', 'rename');
    exact.remove();
    vfs.injectFault({ kind: 'EIO', path: /\/other$/g, operation: 'open' });
    vfs.open('/db/f', 'read').close();
    assertVfsError(() => vfs.open('/db/other', 'read'), 'IO_ERROR', 'open', '/db/other');
    assertVfsError(() => vfs.open('/db/other', 'read'), 'IO_ERROR', 'open', '/db/other');
    vfs.clearFaults();
    vfs.open('/db/other', 'read').close();
  });

  it('probability fires some matches, not all, and replays identically', () => {
    const pattern = (seed: number): string => {
      const { vfs, file } = fixture(seed);
      vfs.injectFault({ kind: 'EIO', operation: 'read', probability: 0.3 });
      let result = '';
      for (let index = 0; index < 200; index += 1) {
        try {
          file.read(0, 1);
          result += '.';
        } catch {
          result += 'x';
        }
      }
      assert.equal(vfs.counters.faults.EIO, [...result].filter((mark) => mark === 'x').length);
      return result;
    };
    const first = pattern(11);
    assert.equal(pattern(11), first);
    const fired = [...first].filter((mark) => mark === 'x').length;
    assert.ok(fired > 20 && fired < 100, `${fired} of 200`);
    assert.notEqual(pattern(12), first);
  });

  it('close and release never fail, so cleanup stays simple', () => {
    const { vfs, file } = fixture();
    const lock = vfs.lock('/db/LOCK', 'owner');
    vfs.injectFault({ kind: 'EIO' });
    file.close();
    lock.release();
    assert.equal(vfs.counters.faults.EIO, 0);
  });

  it('rejects malformed fault specs as programmer errors', () => {
    const { vfs } = fixture();
    assert.throws(() => vfs.injectFault({ kind: 'EIO', nth: 0 }), AssertionError);
    assert.throws(() => vfs.injectFault({ kind: 'EIO', probability: 2 }), AssertionError);
    assert.throws(() => vfs.injectFault({ kind: 'EIO', count: 0.5 }), AssertionError);
  });
});

describe('SimVfs corruption at rest', () => {
  it('flipBit flips one bit in durable and current content; it survives a crash', () => {
    const { vfs, file } = fixture();
    file.close();
    assert.deepEqual(vfs.flipBit('/db/f', 1, 0), { byteOffset: 1, bit: 0 });
    const expected = text('hello');
    expected[1] = expected[1]! ^ 1;
    assertBytesEqual(readWholeFile(vfs, '/db/f'), expected);
    assertBytesEqual(vfs.snapshotDurable().get('/db/f') as Uint8Array, expected);
    vfs.crash();
    assertBytesEqual(readWholeFile(vfs, '/db/f'), expected);
    assert.equal(vfs.counters.bitFlips, 1);
  });

  it('flipBit picks its position from the seed when none is given', () => {
    const positions = (seed: number): string => {
      const { vfs } = fixture(seed);
      return JSON.stringify([vfs.flipBit('/db/f'), vfs.flipBit('/db/f'), vfs.flipBit('/db/f')]);
    };
    assert.equal(positions(5), positions(5));
    const { vfs } = fixture(5);
    const before = readWholeFile(vfs, '/db/f');
    const { byteOffset, bit } = vfs.flipBit('/db/f');
    assert.ok(byteOffset < 5 && bit < 8);
    const after = readWholeFile(vfs, '/db/f');
    const changed = before.map((byte, index) => byte ^ after[index]!);
    assert.deepEqual(
      [...changed],
      [0, 1, 2, 3, 4].map((index) => (index === byteOffset ? 1 << bit : 0)),
    );
  });

  it('corruptSector changes bytes of that sector only', () => {
    const vfs = new SimVfs({ seed: 8 });
    const sector = simConstants.sectorBytes;
    const file = vfs.createExclusive('/table');
    file.write(0, patternBytes(3 * sector));
    file.sync();
    assert.equal(vfs.corruptSector('/table', 1), 1);
    const bytes = readWholeFile(vfs, '/table');
    const original = patternBytes(3 * sector);
    assertBytesEqual(bytes.subarray(0, sector), original.subarray(0, sector));
    assertBytesEqual(bytes.subarray(2 * sector), original.subarray(2 * sector));
    assert.ok(bytes.subarray(sector, 2 * sector).some((byte, index) => byte !== original[sector + index]));
    assert.equal(vfs.counters.sectorsCorrupted, 1);
  });

  it('corruption controls reject empty and missing files', () => {
    const vfs = new SimVfs({ seed: 8 });
    vfs.createExclusive('/empty').close();
    assert.throws(() => vfs.flipBit('/empty'), AssertionError);
    assertVfsError(() => vfs.corruptSector('/missing'), 'NOT_FOUND', 'corruptSector', '/missing');
  });
});
