// Deferred writes (WriteOptions.durable false) on the simulated file system: what they promise
// (visible at once; durable after the next durable write, sync() or close(); lost after a crash
// only as a suffix) and what recovery must still tell apart: a deferred frame a crash caught
// unsynced is cut without a word, while damage to a frame that a later frame vouches for is
// corruption. The crash-everywhere workload with deferred writes is in crash.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { Database, type DatabaseOptions } from '../database.js';
import { blockOf, idOf } from '../testing/fixtures.js';
import { SimVfs } from '../vfs/sim-vfs.js';
import { segmentPattern, validFrames } from '../testing/simulator/wal-frames.js';
import { checkFrame, walMagic } from './wal/wal-format.js';

const directory = '/db';

const options = (vfs: SimVfs): DatabaseOptions => ({ vfs, walSegmentBytes: 1 << 20 });

/** A block whose frame spans several 512-byte sectors. */
const bigBlock = (index: number): ReturnType<typeof blockOf> => blockOf(index, `body ${index} `.repeat(300));

function present(vfs: SimVfs, indexes: readonly number[]): boolean[] {
  const db = Database.open(directory, options(vfs));
  try {
    return indexes.map((index) => db.getBlock(idOf(index)) !== undefined);
  } finally {
    db.close();
  }
}

interface FrameAt {
  readonly start: number;
  readonly deferred: boolean;
}

/** The frames of the only log segment, every one valid, as recovery reads them. */
function logFrames(vfs: SimVfs): { path: string; frames: FrameAt[] } {
  const segments = [...vfs.snapshotCurrent()].filter(([path]) => segmentPattern.test(path));
  assert.equal(segments.length, 1, 'one log segment');
  const [path, bytes] = segments[0] as [string, Uint8Array];
  const buffer = Buffer.from(bytes);
  const spans = validFrames(buffer);
  assert.equal(spans[spans.length - 1]?.end, buffer.length, 'every frame of the segment is valid');
  const frames = spans.map(({ start }) => ({ start, deferred: buffer.readUInt32LE(start) !== walMagic }));
  return { path, frames };
}

/**
 * How many frames of `path` pass their checks anywhere in it, bad bytes stepped over (after a
 * crash, before recovery): a valid frame after a lost one is what recovery must not trust.
 */
function framesPassingAnywhere(vfs: SimVfs, path: string): number {
  const bytes = vfs.snapshotCurrent().get(path);
  if (bytes === undefined || bytes === 'directory') return 0;
  const buffer = Buffer.from(bytes);
  let count = 0;
  for (let offset = 0; offset < buffer.length; ) {
    const check = checkFrame(buffer, offset);
    if (check.kind !== 'ok') {
      offset += 1;
      continue;
    }
    count += 1;
    offset += check.frameLength;
  }
  return count;
}

/** Overwrites the sector holding byte `offset` + 600 of the segment (inside a big frame). */
function damageInside(vfs: SimVfs, path: string, frame: FrameAt): void {
  vfs.corruptSector(path, Math.floor((frame.start + 600) / 512));
}

function openError(vfs: SimVfs): unknown {
  try {
    Database.open(directory, options(vfs)).close();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('deferred writes', () => {
  it('are visible at once and durable after close', () => {
    const vfs = new SimVfs({ seed: 1 });
    const db = Database.open(directory, options(vfs));
    db.write([{ kind: 'put_block', block: blockOf(1) }], { durable: false });
    assert.equal(db.getBlock(idOf(1))?.content, 'content 1');
    db.close({ flush: false });
    vfs.crash();
    assert.deepEqual(present(vfs, [1]), [true]);
  });

  it('become durable with the next durable write, even when it is in flight at a crash', () => {
    // Every crash point of the durable write, over many crash outcomes: the deferred batches
    // before it are fsynced before it is appended, so it never lies on disk after a lost one
    // (that would read as damage: a frame vouching for bytes that are gone).
    let crashes = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const probe = new SimVfs({ seed });
      const start = (vfs: SimVfs): Database => {
        const db = Database.open(directory, options(vfs));
        db.write([{ kind: 'put_block', block: bigBlock(1) }]);
        db.write([{ kind: 'put_block', block: bigBlock(2) }], { durable: false });
        db.write([{ kind: 'put_block', block: bigBlock(3) }], { durable: false });
        return db;
      };
      const probed = start(probe);
      const before = probe.operationCount;
      probed.write([{ kind: 'put_block', block: bigBlock(4) }]);
      const after = probe.operationCount;
      for (let crashAt = before + 1; crashAt <= after; crashAt++) {
        const vfs = new SimVfs({ seed: seed * 1000 + crashAt });
        const open = start(vfs);
        vfs.crashAtOperation(crashAt);
        let acknowledged = false;
        try {
          open.write([{ kind: 'put_block', block: bigBlock(4) }]);
          acknowledged = true;
        } catch (error) {
          if (!isKausalError(error, 'CRASHED')) throw error;
        }
        if (vfs.counters.crashes === 0) vfs.crash();
        crashes += 1;
        const found = present(vfs, [1, 2, 3, 4]);
        assert.equal(found[0], true, `seed ${seed}, crash at ${crashAt}: the durable write is gone`);
        const prefix = found.indexOf(false) === -1 ? 4 : found.indexOf(false);
        assert.ok(
          found.slice(prefix).every((kept) => !kept),
          `seed ${seed}, crash at ${crashAt}: not a prefix (${found.join(', ')})`,
        );
        if (acknowledged)
          assert.equal(prefix, 4, `seed ${seed}, crash at ${crashAt}: acknowledged, then lost`);
      }
    }
    assert.ok(crashes > 100);
  });

  it('lost to a crash are cut from the log without a corruption error, with every later one', () => {
    let laterFramesKept = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const vfs = new SimVfs({ seed });
      const db = Database.open(directory, options(vfs));
      db.write([{ kind: 'put_block', block: bigBlock(1) }]);
      db.write([{ kind: 'put_block', block: bigBlock(2) }], { durable: false });
      // Small, so that a crash keeps it whole often (one or two sectors to persist).
      db.write([{ kind: 'put_block', block: blockOf(3) }], { durable: false });
      const { path, frames } = logFrames(vfs);
      // The first deferred frame did not reach the disk; the crash decides about the second.
      damageInside(vfs, path, frames[1] as FrameAt);
      vfs.crash();
      const survivors = framesPassingAnywhere(vfs, path);
      if (survivors > 1) laterFramesKept += 1;
      assert.deepEqual(present(vfs, [1, 2, 3]), [true, false, false], `seed ${seed}`);
    }
    // The case that matters: a valid deferred frame after the lost one, which must not vouch.
    assert.ok(laterFramesKept > 0, 'no crash kept the frame after the lost one');
  });

  it('report damage to a deferred frame that a later durable frame vouches for', () => {
    const vfs = new SimVfs({ seed: 7 });
    const db = Database.open(directory, options(vfs));
    db.write([{ kind: 'put_block', block: bigBlock(1) }], { durable: false });
    db.write([{ kind: 'put_block', block: bigBlock(2) }]);
    const { path, frames } = logFrames(vfs);
    db.close({ flush: false });
    damageInside(vfs, path, frames[0] as FrameAt);
    const error = openError(vfs);
    assert.ok(isKausalError(error, 'CORRUPTION'), `expected CORRUPTION, got ${String(error)}`);
  });

  it('report damage to deferred frames that sync() made durable', () => {
    const vfs = new SimVfs({ seed: 8 });
    const db = Database.open(directory, options(vfs));
    db.write([{ kind: 'put_block', block: bigBlock(1) }], { durable: false });
    db.write([{ kind: 'put_block', block: bigBlock(2) }], { durable: false });
    db.sync();
    const { path, frames } = logFrames(vfs);
    assert.deepEqual(
      frames.map((frame) => frame.deferred),
      [true, true, false],
      'two deferred frames and the empty durable one that vouches for them',
    );
    vfs.crash();
    damageInside(vfs, path, frames[0] as FrameAt);
    const error = openError(vfs);
    assert.ok(isKausalError(error, 'CORRUPTION'), `expected CORRUPTION, got ${String(error)}`);
  });
});
