// The entities shared by queries: bounded by bytes, least recently used out first, and never
// stale. The last claim is checked against a reader with no cache after every one of many random
// writes, through the service, which wires the cache to the database the way a server does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockId } from '../core/block-id.js';
import { SeededRng } from '../core/rng.js';
import type { JsonObject } from '../core/types.js';
import { Service } from '../service/service.js';
import { acceptanceGraph, openMemoryDatabase } from '../testing/graph-fixture.js';
import type { Entity } from './entity.js';
import { find } from './find.js';
import { nameIndexOperations, versionEdge } from './name-index.js';
import { simpleNameKey } from './name-keys.js';
import { SharedEntityCache, sharedHitListLengthMin } from './shared-entity-cache.js';
import { show } from './show.js';
import { trace } from './trace.js';

function entity(id: string, name: string): Entity {
  return {
    id: id as BlockId,
    workspace: 'w',
    language: 'python',
    kind: 'function',
    name,
    qualifiedName: name,
    file: 'a.py',
    line: 1,
    lineEnd: 2,
    exported: false,
    signature: `def ${name}():`,
    callSites: 0,
    unresolvedCalls: 0,
    contentChars: 10,
  };
}

const idOf = (index: number): BlockId => index.toString(16).padStart(32, '0') as BlockId;

describe('shared entity cache', () => {
  it('keeps the most recently used entities within its byte budget', () => {
    const cache = new SharedEntityCache(4_000);
    for (let index = 0; index < 100; index++) {
      cache.store(idOf(index), entity(idOf(index), `f${index}`));
      assert.ok(cache.stats().bytes <= 4_000);
      // Entity 0 is used after every store, so it is never the least recently used.
      assert.equal(cache.lookup(idOf(0))?.name, 'f0');
    }
    const { entries } = cache.stats();
    assert.ok(entries > 2 && entries < 20, `${entries} entries`);
    assert.equal(cache.lookup(idOf(99))?.name, 'f99');
    assert.equal(cache.lookup(idOf(1)), undefined, 'an old, unused entity was evicted');
    for (let index = 100 - entries + 1; index < 100; index++)
      assert.notEqual(cache.lookup(idOf(index)), undefined);
  });

  it('remembers that an id has no block, and forgets what a batch writes', () => {
    const cache = new SharedEntityCache(1 << 20);
    cache.store(idOf(1), entity(idOf(1), 'one'));
    cache.store(idOf(2), null);
    cache.store(idOf(3), entity(idOf(3), 'three'));
    assert.equal(cache.lookup(idOf(2)), null);
    cache.forgetWritten([
      { kind: 'put_block', block: { id: idOf(1), sourceUri: '', metadata: {}, content: '' } },
      { kind: 'delete_block', id: idOf(2) },
      { kind: 'put_edge', edge: { source: idOf(3), target: idOf(1), type: 'calls' } },
    ]);
    assert.equal(cache.lookup(idOf(1)), undefined);
    assert.equal(cache.lookup(idOf(2)), undefined);
    assert.equal(cache.lookup(idOf(3))?.name, 'three', 'an edge does not change its ends');
    assert.equal(cache.stats().entries, 1);
  });

  it('does bounded work per store when every entry was used since the last eviction', () => {
    const cache = new SharedEntityCache(100 * 1024);
    let stored = 0;
    while (cache.stats().bytes < 99 * 1024) cache.store(idOf(stored), entity(idOf(stored), `f${stored++}`));
    for (let index = 0; index < stored; index++) cache.lookup(idOf(index));
    // A store passes over at most 64 used entries, then takes the next one, used or not: the
    // first eviction takes entry 64. An unbounded pass would move every entry, then evict entry 0.
    for (let extra = 0; extra < 3; extra++)
      cache.store(idOf(stored + extra), entity(idOf(stored + extra), `f${stored + extra}`));
    assert.ok(cache.stats().bytes <= 100 * 1024);
    const evicted = [];
    for (let index = 0; index < stored; index++)
      if (cache.lookup(idOf(index)) === undefined) evicted.push(index);
    assert.ok(evicted.length >= 1 && evicted.length <= 3, `evicted ${evicted.join(', ')}`);
    assert.equal(evicted[0], 64);
  });

  it('leaves out an entity larger than the whole budget', () => {
    const cache = new SharedEntityCache(100);
    cache.store(idOf(1), entity(idOf(1), 'x'.repeat(200)));
    assert.equal(cache.stats().entries, 0);
  });

  it('answers like an uncached reader after every random write, through the service', async () => {
    const db = openMemoryDatabase(7);
    try {
      const { fixture, ids } = acceptanceGraph('demo');
      fixture.write(db);
      const service = new Service(db, { mode: 'server' });
      const uncached = { graph: db, workspaces: [] }; // as the service reads it: none linked
      const rng = new SeededRng(11);
      const names = Object.keys(ids);
      const deleted = new Map<BlockId, Parameters<typeof db.putBlock>[0]>();
      let cacheHits = 0;
      for (let step = 0; step < 300; step++) {
        const id = ids[names[rng.below(names.length)] as string] as BlockId;
        const current = db.getBlock(id);
        const choice = rng.below(10);
        if (current === undefined) {
          db.putBlock(deleted.get(id) as Parameters<typeof db.putBlock>[0]);
        } else if (choice === 0) {
          deleted.set(id, current);
          db.deleteBlock(id);
        } else {
          const line = 1 + rng.below(500);
          const metadata: JsonObject = {
            ...current.metadata,
            lineStart: line,
            lineEnd: line + rng.below(30),
            signature: `def variant_${step}():`,
            exported: rng.below(2) === 1,
          };
          db.write([{ kind: 'put_block', block: { ...current, metadata } }]);
        }
        for (const target of [ids['main'], ids['helper'], ids['utility']] as BlockId[]) {
          for (const relation of ['callers', 'callees'] as const) {
            const expected = show(uncached, { target, relation });
            const got = await service.execute('show', { target, relation });
            assert.deepEqual(got, expected, `step ${step}: show ${relation} of ${target}`);
          }
          const expected = trace(uncached, { target, direction: 'callees', depth: 3 });
          assert.deepEqual(
            await service.execute('trace', { target, direction: 'callees', depth: 3 }),
            expected,
          );
        }
        cacheHits = (await service.execute('status', { verbose: true, check: false })).entityCache?.hits ?? 0;
      }
      assert.ok(cacheHits > 1_000, `the cache answered (${cacheHits} hits)`);
    } finally {
      db.close();
    }
  });

  it('keeps the long hit lists of common names exact through renames, moves, additions and deletions', () => {
    const db = openMemoryDatabase(9);
    try {
      const metadataOf = (index: number, name: string, file: string): JsonObject => ({
        workspace: 'w',
        language: 'typescript',
        kind: 'method',
        name,
        qualifiedName: `C${index}.${name}`,
        file,
        lineStart: 1 + (index % 50),
        lineEnd: 3 + (index % 50),
      });
      const blockOf = (index: number, metadata: JsonObject) => ({
        id: idOf(1000 + index),
        sourceUri: `file://${metadata['file'] as string}#L1-3`,
        metadata,
        content: '',
      });
      const live = new Map<number, JsonObject>();
      const initial = [];
      for (let index = 0; index < 3 * sharedHitListLengthMin; index++) {
        live.set(index, metadataOf(index, 'get', `src/m${index % 7}.ts`));
        initial.push(blockOf(index, live.get(index) as JsonObject));
      }
      db.write([
        ...initial.map((block) => ({ kind: 'put_block' as const, block })),
        ...nameIndexOperations(db, 'w', initial, []),
        { kind: 'put_edge', edge: versionEdge },
      ]);
      const shared = SharedEntityCache.following(db, 1 << 20);
      const cached = { graph: db, entities: shared };
      const uncached = { graph: db };
      const rng = new SeededRng(5);
      let served = 0;
      for (let step = 0; step < 200; step++) {
        const index = rng.below(4 * sharedHitListLengthMin);
        const before = live.get(index);
        const choice = rng.below(4);
        if (before !== undefined && choice === 0) {
          live.delete(index);
          db.write([
            { kind: 'delete_block', id: idOf(1000 + index) },
            ...nameIndexOperations(db, 'w', [], [{ id: idOf(1000 + index), metadata: before }]),
          ]);
        } else {
          const name = choice === 1 ? 'put' : 'get';
          const metadata = metadataOf(index, name, `src/m${rng.below(9)}.ts`);
          live.set(index, metadata);
          const block = blockOf(index, metadata);
          db.write([{ kind: 'put_block', block }, ...nameIndexOperations(db, 'w', [block], [])]);
        }
        for (const name of ['get', 'put']) {
          const request = { name, maxResults: 500 };
          assert.deepEqual(find(cached, request), find(uncached, request), `step ${step}: find ${name}`);
          // A long list is kept now (the write dropped the one before), and answers the next find.
          if (shared.lookupHits(simpleNameKey(name), name) !== undefined) served++;
          assert.deepEqual(find(cached, request), find(uncached, request), `step ${step}: again`);
        }
      }
      assert.ok(served > 150, `hit lists were served from the cache (${served} times)`);
    } finally {
      db.close();
    }
  });
});
