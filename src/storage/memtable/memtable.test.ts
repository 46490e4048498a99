// The memtable against a plain Map model, through enough inserts to double its hash tables many
// times, with reads, overwrites and edge chains checked while a growth is under way (the old and
// new tables both in use) as well as after.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng, type Rng } from '../../core/rng.js';
import { blockKey, outgoingKey, outgoingPrefix } from '../keys.js';
import { SlabPool } from './arena.js';
import { Memtable } from './memtable.js';

const hexId = (rng: Rng): string => {
  let id = '';
  for (let index = 0; index < 32; index++) id += '0123456789abcdef'[rng.below(16)];
  return id;
};

describe('memtable', () => {
  it('finds every key and every edge chain while its tables grow, as a Map would', () => {
    const rng = new SeededRng(7);
    const memtable = new Memtable(new SlabPool(1 << 20, 4));
    const model = new Map<string, { sequence: number; value: string }>();
    const keys: string[] = []; // the model's keys, for drawing one
    const chains = new Map<string, Set<string>>();
    const nodes = Array.from({ length: 3_000 }, () => hexId(rng));
    let sequence = 0;
    const put = (key: string): void => {
      sequence++;
      const value = `v${sequence}`;
      const bytes = Buffer.from(value);
      memtable.put(key, sequence, false, bytes, 0, bytes.length);
      if (!model.has(key)) keys.push(key);
      model.set(key, { sequence, value });
    };
    const check = (sampled: number): void => {
      for (let index = 0; index < sampled; index++) {
        const key = keys[rng.below(keys.length)] as string;
        const entry = memtable.get(key);
        const expected = model.get(key);
        assert.equal(entry?.sequence, expected?.sequence, 'the newest version of a key');
        assert.equal(entry?.value.toString('utf8', entry.valueStart, entry.valueEnd), expected?.value);
      }
      for (let index = 0; index < 20; index++) {
        const node = nodes[rng.below(nodes.length)] as string;
        const prefix = outgoingPrefix(node);
        const found = memtable.entriesWithPrefix(prefix).map((entry) => entry.key);
        assert.deepEqual(new Set(found), chains.get(prefix) ?? new Set(), 'an edge chain, whole');
        assert.equal(found.length, new Set(found).size, 'each edge once');
      }
      assert.equal(memtable.get(blockKey(hexId(rng))), undefined, 'an absent key');
    };
    for (let round = 0; round < 40; round++) {
      for (let index = 0; index < 5_000; index++) {
        const roll = rng.below(10);
        if (roll < 4) {
          put(blockKey(hexId(rng)));
        } else if (roll < 9) {
          const source = nodes[rng.below(nodes.length)] as string;
          const key = outgoingKey(source, 'calls', nodes[rng.below(nodes.length)] as string);
          const prefix = outgoingPrefix(source);
          const chain = chains.get(prefix) ?? new Set<string>();
          chain.add(key);
          chains.set(prefix, chain);
          put(key);
        } else if (keys.length > 0) {
          put(keys[rng.below(keys.length)] as string); // a newer version of a key
        }
      }
      check(500);
    }
    assert.equal(memtable.entryCount, model.size);
    assert.deepEqual(memtable.sortedKeys(), [...model.keys()].sort());
  });
});
