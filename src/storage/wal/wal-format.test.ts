import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlabPool } from '../memtable/arena.js';
import { Memtable } from '../memtable/memtable.js';
import { BatchEncoder } from './batch-encoder.js';
import { applyFrame } from './frame-apply.js';
import {
  checkFrame,
  sealFrame,
  walDeferredMagic,
  walDeferredTrailerBytes,
  walHeaderBytes,
  walMagic,
} from './wal-format.js';
import { blockKey, outgoingKey, incomingKey } from '../keys.js';
import { idOf } from '../../testing/fixtures.js';
import type { WriteOperation } from '../../core/types.js';
import { validateOperation } from '../../core/validate.js';

/** The sample batch as a frame: durable, or deferred with `syncedBefore` in its trailer. */
function sampleFrame(syncedBefore?: number): Buffer {
  const encoder = new BatchEncoder();
  const operations: WriteOperation[] = [
    {
      kind: 'put_block',
      block: { id: idOf(1), sourceUri: 'file://a.ts#L1-3', metadata: { k: 1 }, content: 'héllo ✓' },
    },
    { kind: 'delete_block', id: idOf(2) },
    { kind: 'put_edge', edge: { source: idOf(1), target: idOf(3), type: 'calls', properties: { line: 7 } } },
    { kind: 'delete_edge', edge: { source: idOf(1), target: idOf(4), type: 'imports' } },
  ];
  const deferred = syncedBefore !== undefined;
  const frame = Buffer.from(encoder.encode(operations, operations.map(validateOperation), 41, deferred));
  sealFrame(frame, syncedBefore);
  return frame;
}

describe('WAL frames', () => {
  it('round-trips every operation kind into the memtable with consecutive sequences', () => {
    const frame = sampleFrame();
    const check = checkFrame(frame, 0);
    assert.equal(check.kind, 'ok');
    const memtable = new Memtable(new SlabPool(4096, 1));
    const applied = applyFrame(frame, 0, frame.length - walHeaderBytes, memtable, 'test');
    assert.deepEqual(applied, { firstSequence: 41, operationCount: 4 });
    const block = memtable.get(blockKey(idOf(1)));
    assert.equal(block?.sequence, 41);
    assert.equal(block?.tombstone, false);
    assert.equal(memtable.get(blockKey(idOf(2)))?.tombstone, true);
    assert.equal(memtable.get(outgoingKey(idOf(1), 'calls', idOf(3)))?.sequence, 43);
    assert.equal(memtable.get(incomingKey(idOf(1), 'calls', idOf(3)))?.sequence, 43);
    assert.equal(memtable.get(outgoingKey(idOf(1), 'imports', idOf(4)))?.tombstone, true);
  });

  it('indexes the incoming keys of a frame larger than an arena slab where they were copied', () => {
    // An oversized frame gets a slab of its own; the incoming keys copied after it land in the
    // current slab, which is then no longer the last one (this once recorded the wrong slab).
    const frame = sampleFrame();
    const memtable = new Memtable(new SlabPool(128, 1));
    assert.ok(frame.length > 128);
    applyFrame(frame, 0, frame.length - walHeaderBytes, memtable, 'test');
    applyFrame(frame, 0, frame.length - walHeaderBytes, memtable, 'test again');
    assert.equal(memtable.get(incomingKey(idOf(1), 'calls', idOf(3)))?.sequence, 43);
    assert.equal(memtable.get(incomingKey(idOf(1), 'imports', idOf(4)))?.tombstone, true);
    assert.deepEqual(
      memtable.sortedKeys(),
      [
        blockKey(idOf(1)),
        blockKey(idOf(2)),
        outgoingKey(idOf(1), 'calls', idOf(3)),
        outgoingKey(idOf(1), 'imports', idOf(4)),
        incomingKey(idOf(1), 'calls', idOf(3)),
        incomingKey(idOf(1), 'imports', idOf(4)),
      ].sort(),
    );
  });

  it('detects a change to any single byte of a durable or a deferred frame', () => {
    for (const frame of [sampleFrame(), sampleFrame(0)]) {
      for (let offset = 0; offset < frame.length; offset++) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const copy = Buffer.from(frame);
          copy[offset] = (copy[offset] as number) ^ mask;
          assert.notEqual(checkFrame(copy, 0).kind, 'ok', `byte ${offset} mask ${mask} went undetected`);
        }
      }
    }
  });

  it('tells how much of the segment a frame vouches for: a durable one all before it', () => {
    const durable = sampleFrame();
    const deferred = sampleFrame(100);
    assert.equal(deferred.length, durable.length + walDeferredTrailerBytes);
    assert.equal(deferred.readUInt32LE(0), walDeferredMagic);
    // Recovery searches for frames by the three bytes the two magics share (wal.ts).
    assert.equal(walMagic & 0xffffff, walDeferredMagic & 0xffffff);
    const at = 300;
    const segment = Buffer.concat([Buffer.alloc(at), durable, deferred]);
    const first = checkFrame(segment, at);
    const second = checkFrame(segment, at + durable.length);
    assert.ok(first.kind === 'ok' && second.kind === 'ok');
    assert.deepEqual(
      [first.syncedBefore, first.frameLength, first.payloadLength],
      [at, durable.length, durable.length - walHeaderBytes],
    );
    // The deferred one: its trailer, and the operations without it (as applyFrame reads them).
    assert.deepEqual(
      [second.syncedBefore, second.frameLength, second.payloadLength],
      [100, deferred.length, durable.length - walHeaderBytes],
    );
    // A trailer past the frame's own start vouches for no more than the bytes before it.
    const boastful = Buffer.concat([Buffer.alloc(at), sampleFrame(at + 5000)]);
    const check = checkFrame(boastful, at);
    assert.ok(check.kind === 'ok' && check.syncedBefore === at);
  });

  it('reports a frame cut anywhere as short', () => {
    const frame = sampleFrame();
    for (let length = 0; length < frame.length; length++) {
      const kind = checkFrame(frame.subarray(0, length), 0).kind;
      assert.ok(kind === 'short' || kind === 'bad-header', `cut at ${length} gave ${kind}`);
    }
  });
});
