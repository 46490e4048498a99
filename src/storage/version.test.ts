import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlabPool } from './memtable/arena.js';
import { Memtable } from './memtable/memtable.js';
import { mergeNewest } from './merge.js';
import { shadows } from './version.js';
import type { StoredEntry } from './entry.js';

// The MVCC truth table: tombstone(seq = N) shadows value(seq = M) if and only if N > M.
const cases = [
  { tombstone: 5, value: 4, shadowed: true },
  { tombstone: 4, value: 4, shadowed: false },
  { tombstone: 3, value: 4, shadowed: false },
];

function entry(key: string, sequence: number, tombstone: boolean): StoredEntry {
  const value = Buffer.from(tombstone ? '' : `v${sequence}`);
  return { key, sequence, tombstone, value, valueStart: 0, valueEnd: value.length };
}

describe('MVCC truth table', () => {
  for (const { tombstone, value, shadowed } of cases) {
    it(`tombstone ${tombstone} vs value ${value}: ${shadowed ? 'shadows' : 'does not shadow'}`, () => {
      assert.equal(
        shadows({ sequence: tombstone, tombstone: true }, { sequence: value, tombstone: false }),
        shadowed,
      );
      assert.equal(
        shadows({ sequence: value, tombstone: false }, { sequence: tombstone, tombstone: true }),
        !shadowed,
      );
    });

    it(`memtable, either arrival order: tombstone ${tombstone} vs value ${value}`, () => {
      for (const tombstoneFirst of [true, false]) {
        const memtable = new Memtable(new SlabPool(1024, 1));
        const apply = (isTombstone: boolean) => {
          const sequence = isTombstone ? tombstone : value;
          const bytes = Buffer.from(isTombstone ? '' : 'payload');
          memtable.put('\x01k', sequence, isTombstone, bytes, 0, bytes.length);
        };
        apply(tombstoneFirst);
        apply(!tombstoneFirst);
        assert.equal(memtable.get('\x01k')?.tombstone, shadowed);
      }
    });

    it(`merge across tables: tombstone ${tombstone} vs value ${value}`, () => {
      for (const tombstoneInFirstStream of [true, false]) {
        const t = [entry('\x01k', tombstone, true)];
        const v = [entry('\x01k', value, false)];
        const merged = [...mergeNewest(tombstoneInFirstStream ? [t, v] : [v, t])];
        assert.equal(merged.length, 1);
        assert.equal(merged[0]?.tombstone, shadowed);
      }
    });
  }
});

describe('mergeNewest', () => {
  it('yields each key once in order with the highest sequence', () => {
    const a = [entry('\x01a', 1, false), entry('\x01c', 9, false)];
    const b = [entry('\x01a', 3, false), entry('\x01b', 2, true)];
    const merged = [...mergeNewest([a, b])].map((e) => [e.key, e.sequence, e.tombstone]);
    assert.deepEqual(merged, [
      ['\x01a', 3, false],
      ['\x01b', 2, true],
      ['\x01c', 9, false],
    ]);
  });
});
