import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng, type Rng } from '../../core/rng.js';
import type { LocatedEntrySink } from '../entry.js';
import { SlabPool } from './arena.js';
import { Memtable } from './memtable.js';

/** Keys over a small alphabet and mixed lengths: shared prefixes, and keys that prefix others. */
function looseKeys(rng: Rng, count: number): string[] {
  const keys = new Set<string>();
  while (keys.size < count) {
    const length = rng.below(6) === 0 ? rng.below(3) : rng.between(1, 40);
    let key = '';
    for (let index = 0; index < length; index++) key += String.fromCharCode(rng.pick([0, 1, 2, 97, 255]));
    keys.add(key);
  }
  return [...keys];
}

/** Edge-shaped keys with a few nodes of high degree: long runs that agree on 17+ bytes. */
function edgeKeys(rng: Rng, count: number): string[] {
  const node = (index: number) =>
    String.fromCharCode(...Array.from({ length: 16 }, (_, at) => (index * 31 + at) & 255));
  const keys = new Set<string>();
  while (keys.size < count) {
    const keyspace = String.fromCharCode(rng.between(1, 3));
    const near = node(rng.below(4));
    if (keyspace === '\x01') keys.add(keyspace + near);
    else keys.add(keyspace + near + String.fromCharCode(0, rng.below(3)) + node(rng.below(5000)));
  }
  return [...keys];
}

function memtableOf(keys: readonly string[], slabBytes = 256): Memtable {
  const memtable = new Memtable(new SlabPool(slabBytes, 4));
  keys.forEach((key, index) => {
    const value = Buffer.from(`v${index}`);
    memtable.put(key, index + 1, index % 5 === 0, value, 0, value.length);
  });
  return memtable;
}

const byCodeUnit = (keys: readonly string[]) => [...keys].sort();

class Collect implements LocatedEntrySink {
  readonly keys: string[] = [];
  readonly rows: string[] = [];
  addLocated(
    key: Uint8Array,
    keyStart: number,
    keyLength: number,
    sequence: number,
    tombstone: boolean,
    value: Uint8Array,
    valueStart: number,
    valueEnd: number,
  ): void {
    const text = Buffer.from(key.subarray(keyStart, keyStart + keyLength)).toString('latin1');
    const payload = Buffer.from(value.subarray(valueStart, valueEnd)).toString('latin1');
    this.keys.push(text);
    this.rows.push(JSON.stringify([text, sequence, tombstone, payload]));
  }
}

describe('memtable key order', () => {
  for (const [name, make] of [
    ['loose keys', looseKeys],
    ['edge keys', edgeKeys],
  ] as const) {
    it(`sorts ${name} as strings sort, at every size`, () => {
      const rng = new SeededRng(7);
      for (const count of [0, 1, 2, 3, 17, 40, 600, 5000]) {
        const keys = make(rng, count);
        assert.deepEqual(memtableOf(keys).sortedKeys(), byCodeUnit(keys), `${count} keys`);
      }
    });
  }

  it('hands entries out in the same order whatever the step sizes', () => {
    const rng = new SeededRng(11);
    const keys = [...edgeKeys(rng, 3000), ...looseKeys(rng, 500)];
    const memtable = memtableOf(keys, 4096);
    const whole = new Collect();
    const all = memtable.keyOrder();
    memtable.emitInOrder(all, 0, all.length, whole);
    assert.deepEqual(whole.keys, byCodeUnit(keys));
    const stepped = new Collect();
    const order = memtable.keyOrder();
    for (let next = 0; next < order.length; ) {
      const stop = Math.min(order.length, next + rng.between(1, 300));
      memtable.emitInOrder(order, next, stop, stepped);
      next = stop;
    }
    assert.deepEqual(stepped.rows, whole.rows);
  });

  it('builds the same order in small steps as at once', () => {
    const rng = new SeededRng(11);
    const keys = [...looseKeys(rng, 1_500), ...edgeKeys(rng, 1_500)];
    const memtable = memtableOf(keys);
    const whole = memtable.keyOrder();
    const builder = memtable.keyOrderBuilder();
    let order;
    let steps = 0;
    while ((order = builder.advance(rng.between(1, 200))) === undefined) steps++;
    assert.ok(steps > 10, 'the build really was cut into steps');
    assert.deepEqual(order.sortThrough(order.length), whole.sortThrough(whole.length));
    assert.equal(order.length, keys.length);
  });

  it('scans a range in order, bounds included and excluded as strings compare', () => {
    const rng = new SeededRng(5);
    const keys = [...edgeKeys(rng, 2000), ...looseKeys(rng, 300)];
    const memtable = memtableOf(keys);
    const sorted = byCodeUnit(keys);
    const bounds = [
      '',
      '\x01',
      '\x02',
      '\x03',
      '\x04',
      sorted[100] as string,
      sorted[1500] as string,
      'a\x00',
    ];
    for (const low of bounds) {
      for (const high of bounds) {
        const scanned = [...memtable.entriesInRange(low, high)].map((entry) => entry.key);
        assert.deepEqual(
          scanned,
          sorted.filter((key) => key >= low && key < high),
          `[${JSON.stringify(low)}, ${JSON.stringify(high)})`,
        );
      }
    }
  });

  it('covers the entries present when it was made, with their current versions', () => {
    const memtable = memtableOf(['\x01a', '\x01c']);
    const scan = memtable.entriesInRange('', '\x02');
    const first = scan.next();
    assert.equal(first.done === true ? undefined : first.value.key, '\x01a');
    const newer = Buffer.from('newer');
    memtable.put('\x01b', 10, false, newer, 0, newer.length);
    memtable.put('\x01c', 11, false, newer, 0, newer.length);
    const rest = [...{ [Symbol.iterator]: () => scan }];
    assert.deepEqual(
      rest.map((entry) => [entry.key, entry.sequence]),
      [['\x01c', 11]],
    );
  });
});
