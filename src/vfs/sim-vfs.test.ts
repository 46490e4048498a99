import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssertionError } from '../core/assert.js';
import { isKausalError } from '../core/errors.js';
import { parentDirectory, readWholeFile } from './vfs.js';
import { SimVfs, type SimSnapshot } from './sim-vfs.js';
import { simConstants } from './sim-constants.js';
import { assertBytesEqual, assertVfsError, patternBytes, runVfsContract } from './vfs-contract.js';

runVfsContract('SimVfs', () => {
  const vfs = new SimVfs({ seed: 1 });
  vfs.mkdir('/root');
  return { vfs, root: '/root', cleanup: () => {} };
});

const sector = simConstants.sectorBytes;
const seeds = Array.from({ length: 200 }, (_, index) => index + 1);

function filled(length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value);
}

/** Creates `path` with `bytes`, durably: file synced, then its directory. */
function writeDurably(vfs: SimVfs, path: string, bytes: Uint8Array): void {
  const file = vfs.createExclusive(path);
  file.write(0, bytes);
  file.sync();
  file.close();
  vfs.syncDirectory(parentDirectory(path));
}

function overwrite(vfs: SimVfs, path: string, position: number, bytes: Uint8Array): void {
  const file = vfs.open(path, 'readwrite');
  file.write(position, bytes);
  file.close();
}

/** A mixed workload of synced and unsynced changes, then a crash. */
function runWorkload(seed: number): { snapshot: SimSnapshot; vfs: SimVfs } {
  const vfs = new SimVfs({ seed });
  vfs.mkdir('/db');
  vfs.syncDirectory('/');
  writeDurably(vfs, '/db/a', patternBytes(5000, 1));
  writeDurably(vfs, '/db/b', patternBytes(1200, 2));
  overwrite(vfs, '/db/a', 700, patternBytes(3000, 3));
  const log = vfs.open('/db/b', 'readwrite');
  log.append(patternBytes(2500, 4));
  log.truncate(900);
  log.append(patternBytes(700, 5));
  const fresh = vfs.createExclusive('/db/c');
  fresh.write(0, patternBytes(900, 6));
  fresh.sync();
  vfs.rename('/db/a', '/db/renamed');
  vfs.crash();
  return { snapshot: vfs.snapshotCurrent(), vfs };
}

function classify(bytes: Uint8Array, oldByte: number, newByte: number): 'kept' | 'dropped' | 'torn' {
  const firstOld = bytes.indexOf(oldByte);
  if (firstOld === -1 && bytes.every((byte) => byte === newByte)) return 'kept';
  if (firstOld === 0 && bytes.every((byte) => byte === oldByte)) return 'dropped';
  assert.ok(firstOld > 0, 'a torn sector starts with new bytes');
  assert.ok(
    bytes.subarray(0, firstOld).every((byte) => byte === newByte),
    'torn: new prefix',
  );
  assert.ok(
    bytes.subarray(firstOld).every((byte) => byte === oldByte),
    'torn: old suffix',
  );
  return 'torn';
}

describe('SimVfs durability', () => {
  it('synced data and synced entries survive a crash exactly, for every seed', () => {
    for (const seed of seeds.slice(0, 50)) {
      const vfs = new SimVfs({ seed });
      vfs.mkdir('/db');
      vfs.syncDirectory('/');
      writeDurably(vfs, '/db/table', patternBytes(10_000, seed));
      vfs.crash();
      assertBytesEqual(readWholeFile(vfs, '/db/table'), patternBytes(10_000, seed), `seed ${seed}`);
    }
  });

  it('the same seed and operations give byte-identical state after a crash; seeds differ', () => {
    const outcomes = new Set<string>();
    for (const seed of seeds.slice(0, 30)) {
      const first = runWorkload(seed);
      const second = runWorkload(seed);
      assert.deepEqual(second.snapshot, first.snapshot);
      assert.deepEqual(second.vfs.counters, first.vfs.counters);
      assert.equal(second.vfs.operationCount, first.vfs.operationCount);
      outcomes.add(
        JSON.stringify([...first.snapshot].map(([path, bytes]) => [path, [...(bytes as Uint8Array)]])),
      );
    }
    assert.ok(outcomes.size > 10, `only ${outcomes.size} distinct outcomes across 30 seeds`);
  });

  it('unsynced overwrites keep, drop or tear each sector, and every outcome happens for some seed', () => {
    const seen = { kept: 0, dropped: 0, torn: 0 };
    for (const seed of seeds) {
      const vfs = new SimVfs({ seed });
      writeDurably(vfs, '/f', filled(4 * sector, 0x00));
      overwrite(vfs, '/f', 0, filled(4 * sector, 0xff));
      vfs.crash();
      const bytes = readWholeFile(vfs, '/f');
      assert.equal(bytes.length, 4 * sector);
      for (let index = 0; index < 4; index += 1) {
        seen[classify(bytes.subarray(index * sector, (index + 1) * sector), 0x00, 0xff)] += 1;
      }
      const counters = vfs.counters;
      assert.equal(counters.sectorsPersisted + counters.sectorsLost + counters.sectorsTorn, 4);
    }
    assert.ok(seen.kept > 0 && seen.dropped > 0 && seen.torn > 0, JSON.stringify(seen));
  });

  it('a file that grew without sync keeps its old size or ends where persisted data ends', () => {
    const sizes = new Set<number>();
    for (const seed of seeds) {
      const vfs = new SimVfs({ seed });
      writeDurably(vfs, '/log', filled(1000, 0x11));
      const file = vfs.open('/log', 'readwrite');
      file.append(filled(3000, 0x22));
      vfs.crash();
      const bytes = readWholeFile(vfs, '/log');
      sizes.add(bytes.length);
      assert.ok(bytes.length >= 1000 && bytes.length <= 4000, `size ${bytes.length}`);
      assert.ok(
        bytes.subarray(0, 1000).every((byte) => byte === 0x11),
        'durable prefix intact',
      );
      assert.ok(
        bytes.subarray(1000).every((byte) => byte === 0x22 || byte === 0),
        'new bytes or zeros',
      );
      if (bytes.length > 1000) assert.equal(bytes[bytes.length - 1], 0x22, 'ends at persisted data');
    }
    assert.ok(sizes.has(1000) && sizes.has(4000) && sizes.size > 3, [...sizes].join(','));
  });

  it('an unsynced truncate is undone or kept, never anything else', () => {
    const sizes = new Set<number>();
    for (const seed of seeds.slice(0, 40)) {
      const vfs = new SimVfs({ seed });
      writeDurably(vfs, '/f', filled(3000, 0x33));
      const file = vfs.open('/f', 'readwrite');
      file.truncate(100);
      vfs.crash();
      const bytes = readWholeFile(vfs, '/f');
      sizes.add(bytes.length);
      assert.ok(bytes.every((byte) => byte === 0x33 || byte === 0));
      assert.ok(bytes.subarray(0, 100).every((byte) => byte === 0x33));
    }
    assert.deepEqual(
      [...sizes].sort((a, b) => a - b),
      [100, 3000],
    );
  });

  it('a file synced but whose directory entry was not vanishes on crash', () => {
    const vfs = new SimVfs({ seed: 7 });
    vfs.mkdir('/db');
    vfs.syncDirectory('/');
    const file = vfs.createExclusive('/db/orphan');
    file.write(0, patternBytes(100));
    file.sync();
    vfs.crash();
    assert.equal(vfs.exists('/db/orphan'), false);
    assert.deepEqual(vfs.list('/db'), []);
  });

  it('a rename not followed by a directory sync is undone; followed by one, it holds', () => {
    for (const syncAfter of [false, true]) {
      const vfs = new SimVfs({ seed: 3 });
      writeDurably(vfs, '/new', patternBytes(10, 1));
      writeDurably(vfs, '/current', patternBytes(10, 2));
      vfs.rename('/new', '/current');
      if (syncAfter) vfs.syncDirectory('/');
      vfs.crash();
      if (syncAfter) {
        assert.deepEqual(vfs.list('/'), ['current']);
        assertBytesEqual(readWholeFile(vfs, '/current'), patternBytes(10, 1));
      } else {
        assert.deepEqual(vfs.list('/'), ['current', 'new']);
        assertBytesEqual(readWholeFile(vfs, '/current'), patternBytes(10, 2));
      }
    }
  });

  it('an unlink not followed by a directory sync is undone', () => {
    const vfs = new SimVfs({ seed: 3 });
    writeDurably(vfs, '/segment', patternBytes(10));
    vfs.unlink('/segment');
    vfs.crash();
    assertBytesEqual(readWholeFile(vfs, '/segment'), patternBytes(10));
  });

  it('a directory is durable only once its parent is synced', () => {
    for (const syncParents of [false, true]) {
      const vfs = new SimVfs({ seed: 5 });
      vfs.mkdir('/db/wal');
      writeDurably(vfs, '/db/wal/1.log', patternBytes(10));
      if (syncParents) {
        vfs.syncDirectory('/');
        vfs.syncDirectory('/db');
      }
      vfs.crash();
      assert.equal(vfs.exists('/db/wal/1.log'), syncParents);
      assert.equal(vfs.exists('/db'), syncParents);
    }
  });

  it('with directoryChangeKeepProbability 1 unsynced directory changes survive', () => {
    const vfs = new SimVfs({ seed: 5, directoryChangeKeepProbability: 1 });
    const file = vfs.createExclusive('/kept');
    file.write(0, patternBytes(10));
    file.sync();
    vfs.crash();
    assertBytesEqual(readWholeFile(vfs, '/kept'), patternBytes(10));
  });

  it('directory renames that leave mixed durable state still give a tree after a crash', () => {
    const vfs = new SimVfs({ seed: 9 });
    vfs.mkdir('/a/b');
    vfs.syncDirectory('/');
    vfs.syncDirectory('/a');
    vfs.rename('/a/b', '/b');
    vfs.rename('/a', '/b/a');
    vfs.syncDirectory('/b');
    vfs.crash();
    assert.deepEqual([...vfs.snapshotCurrent().keys()], ['/a', '/a/b']);
    assert.deepEqual(vfs.list('/a/b'), []);
  });

  it('snapshots tell the durable view from the current one', () => {
    const vfs = new SimVfs({ seed: 1 });
    writeDurably(vfs, '/f', patternBytes(10, 1));
    overwrite(vfs, '/f', 0, patternBytes(20, 2));
    vfs.createExclusive('/unsynced').close();
    assert.deepEqual(vfs.snapshotDurable(), new Map([['/f', patternBytes(10, 1)]]));
    assert.deepEqual(
      vfs.snapshotCurrent(),
      new Map<string, Uint8Array>([
        ['/f', patternBytes(20, 2)],
        ['/unsynced', new Uint8Array(0)],
      ]),
    );
  });
});

describe('SimVfs crashes', () => {
  it('crash invalidates handles, releases locks, and leaves the Vfs usable', () => {
    const vfs = new SimVfs({ seed: 2 });
    vfs.mkdir('/db');
    vfs.syncDirectory('/');
    const lock = vfs.lock('/db/LOCK', 'before crash');
    vfs.syncDirectory('/db');
    const file = vfs.createExclusive('/db/f');
    vfs.crash();
    assertVfsError(() => file.read(0, 1), 'CRASHED', 'read', '/db/f');
    assertVfsError(() => file.close(), 'CRASHED', 'close');
    assert.equal(vfs.exists('/db/LOCK'), true, 'the synced lock file is still there');
    const successor = vfs.lock('/db/LOCK', 'after crash');
    lock.release();
    assertVfsError(() => vfs.lock('/db/LOCK', 'third'), 'LOCKED', 'after crash');
    successor.release();
    vfs.createExclusive('/db/g').close();
  });

  it('crashAtOperation crashes when that operation starts, which throws CRASHED', () => {
    const vfs = new SimVfs({ seed: 4 });
    vfs.mkdir('/db');
    const file = vfs.createExclusive('/db/f');
    file.write(0, patternBytes(10));
    file.read(0, 10);
    assert.equal(vfs.operationCount, 4);
    vfs.crashAtOperation(6);
    file.size();
    assertVfsError(() => file.sync(), 'CRASHED', 'sync', '/db/f', 'operation 6');
    assert.equal(vfs.operationCount, 6);
    assert.equal(vfs.counters.crashes, 1);
    assertVfsError(() => file.size(), 'CRASHED');
    assert.equal(vfs.exists('/db'), false, 'the unsynced mkdir was lost');
    assert.equal(vfs.counters.operations, 8);
    assert.throws(() => vfs.crashAtOperation(3), AssertionError);
  });

  it('a write interrupted by a crash leaves a prefix of its bytes, or less', () => {
    const lengths = new Set<number>();
    let partialWrites = 0;
    for (const seed of seeds) {
      const vfs = new SimVfs({ seed });
      writeDurably(vfs, '/f', new Uint8Array(0));
      const file = vfs.open('/f', 'readwrite');
      vfs.crashAtOperation(vfs.operationCount + 1);
      assertVfsError(() => file.write(0, filled(4096, 0xab)), 'CRASHED', 'write');
      const bytes = readWholeFile(vfs, '/f');
      lengths.add(bytes.length);
      assert.ok(bytes.every((byte) => byte === 0xab || byte === 0));
      partialWrites += vfs.counters.partialWrites;
    }
    assert.ok(partialWrites > 0);
    assert.ok(
      [...lengths].some((length) => length > 0 && length < 4096),
      [...lengths].join(','),
    );
    assert.ok(
      [...lengths].some((length) => length % sector !== 0),
      'some write tore mid-sector',
    );
  });

  /** Replaces `path` the safe way: temp file, sync, rename, sync the directory. */
  function replaceAtomically(vfs: SimVfs, path: string, bytes: Uint8Array, syncFile = true): void {
    const temporary = `${path}.tmp`;
    if (vfs.exists(temporary)) vfs.unlink(temporary);
    const file = vfs.createExclusive(temporary);
    file.write(0, bytes);
    if (syncFile) file.sync();
    file.close();
    vfs.rename(temporary, path);
    vfs.syncDirectory(parentDirectory(path));
  }

  function crashEverywhere(seed: number, syncFile: boolean): Set<string> {
    const before = patternBytes(2000, 1);
    const after = patternBytes(3000, 2);
    const results = new Set<string>();
    const setup = (vfs: SimVfs): void => writeDurably(vfs, '/manifest', before);
    const dry = new SimVfs({ seed });
    setup(dry);
    const start = dry.operationCount;
    replaceAtomically(dry, '/manifest', after, syncFile);
    for (let index = start + 1; index <= dry.operationCount + 1; index += 1) {
      const vfs = new SimVfs({ seed });
      setup(vfs);
      vfs.crashAtOperation(index);
      try {
        replaceAtomically(vfs, '/manifest', after, syncFile);
        // Past the last operation: crash once it has all completed.
        vfs.cancelScheduledCrash();
        vfs.crash();
      } catch (error) {
        if (!isKausalError(error, 'CRASHED')) throw error;
      }
      assert.equal(vfs.counters.crashes, 1);
      const bytes = readWholeFile(vfs, '/manifest');
      const same = (expected: Uint8Array): boolean =>
        bytes.length === expected.length && bytes.every((byte, at) => byte === expected[at]);
      results.add(same(before) ? 'before' : same(after) ? 'after' : 'other');
    }
    return results;
  }

  it('crashing at every operation of an atomic replace leaves the old or the new file, never a mix', () => {
    for (const seed of seeds.slice(0, 20)) {
      const results = crashEverywhere(seed, true);
      assert.deepEqual([...results].sort(), ['after', 'before'], `seed ${seed}`);
    }
  });

  it('dropping the file sync from that replace is caught: some crash leaves neither version', () => {
    const results = new Set<string>();
    for (const seed of seeds.slice(0, 20))
      for (const result of crashEverywhere(seed, false)) results.add(result);
    assert.ok(results.has('other'), [...results].join(','));
  });
});

describe('SimVfs clock', () => {
  it('stamps modifications from the operation counter, and setMtime overrides', () => {
    const vfs = new SimVfs({ seed: 1 });
    const file = vfs.createExclusive('/f');
    file.write(0, patternBytes(3));
    const writtenAt = vfs.nowMs();
    assert.equal(vfs.stat('/f').mtimeMs, writtenAt);
    assert.equal(writtenAt, simConstants.clockStartMs + 2 * simConstants.clockStepMs);
    vfs.setMtime('/f', 42);
    assert.equal(vfs.stat('/f').mtimeMs, 42);
    assertVfsError(() => vfs.setMtime('/missing', 1), 'NOT_FOUND', 'setMtime', '/missing');
  });
});
