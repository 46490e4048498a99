import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../../core/rng.js';
import type { StoredEdge } from '../../core/types.js';
import { Database } from '../../database.js';
import { blockOf, idOf } from '../../testing/fixtures.js';
import { makeTempDir } from '../../testing/temp-dir.js';
import { BlockCache } from './block-cache.js';
import { DataBlock } from './data-block.js';

/** A data block of one entry whose bytes live in `raw` (as a table's writer lays them out). */
function blockIn(raw: Buffer): DataBlock {
  raw.fill(0);
  // entry: key length 1 · key · sequence u64 · flags · value length u32; then offset, count, crc
  raw[0] = 1;
  raw[1] = 0x41;
  const entryEnd = 2 + 8 + 1 + 4;
  raw.writeUInt32LE(0, entryEnd);
  raw.writeUInt32LE(1, entryEnd + 4);
  return DataBlock.decode(raw.subarray(0, entryEnd + 12), 'test', 0, false);
}

describe('block cache memory', () => {
  it('reads into the memory of an evicted block once the engine says nothing holds it', () => {
    const cache = new BlockCache(150); // room for one of these blocks (91 bytes each)
    const first = cache.acquire(1500);
    cache.put(1, blockIn(first));
    cache.put(2, blockIn(cache.acquire(1500))); // over budget: block 1 goes
    assert.equal(cache.get(1), undefined);
    // Quarantined: a lookup in progress may still hold entries of block 1.
    assert.notEqual(cache.acquire(1500).buffer, first.buffer);
    cache.recycleEvicted();
    const reused = cache.acquire(1400); // same 1 KiB step: 2048 bytes
    assert.equal(reused.buffer, first.buffer);
    assert.equal(reused.length, 1400);
    assert.notEqual(cache.acquire(1500).buffer, first.buffer); // handed out once
  });

  it('never hands out memory it did not make', () => {
    const cache = new BlockCache(100);
    const foreign = Buffer.alloc(2048);
    cache.put(1, blockIn(foreign));
    cache.put(2, blockIn(Buffer.alloc(2048)));
    cache.recycleEvicted();
    assert.notEqual(cache.acquire(2048).buffer, foreign.buffer);
  });

  it('answers exactly while a cache of two blocks evicts on almost every read, over three tables', (t) => {
    const directory = makeTempDir(t);
    const db = Database.open(directory, { blockCacheBytes: 1200, tableBlockBytes: 512 });
    const rng = new SeededRng(11);
    const expected = new Map<string, Map<number, number>>();
    const content = new Map<number, string>();
    for (let table = 0; table < 3; table++) {
      for (let index = 0; index < 120; index++) {
        const block = blockOf(
          table * 1000 + index,
          `content ${table} ${index} ${'x'.repeat(rng.below(200))}`,
        );
        content.set(table * 1000 + index, block.content);
        const source = rng.below(40);
        const target = table * 1000 + index;
        db.write([
          { kind: 'put_block', block },
          {
            kind: 'put_edge',
            edge: { source: idOf(source), target: idOf(target), type: 'calls', properties: { line: index } },
          },
        ]);
        let out = expected.get(idOf(source));
        if (out === undefined) expected.set(idOf(source), (out = new Map()));
        out.set(target, index);
      }
      db.flush();
    }
    const linesOf = (edges: StoredEdge[]): Map<number, number> =>
      new Map(edges.map((edge) => [Number.parseInt(edge.target, 16), edge.properties?.['line'] as number]));
    for (let round = 0; round < 600; round++) {
      const source = rng.below(40);
      assert.deepEqual(linesOf(db.outgoingEdges(idOf(source))), expected.get(idOf(source)) ?? new Map());
      const table = rng.below(3);
      const index = rng.below(120);
      assert.equal(db.getBlock(idOf(table * 1000 + index))?.content, content.get(table * 1000 + index));
    }
    db.close();
  });
});
