// The entities and edge lists shared by queries: bounded by bytes, least recently used out first,
// and never stale. The last claim is checked against a reader with no cache after every one of
// many random writes of blocks and edges, through the service, which wires the cache to the
// database the way a server does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockId } from '../core/block-id.js';
import { SeededRng } from '../core/rng.js';
import type { JsonObject } from '../core/types.js';
import { Service } from '../service/service.js';
import { acceptanceGraph, openMemoryDatabase } from '../testing/graph-fixture.js';
import type { Entity } from './entity.js';
import { SharedGraphCache } from './shared-graph-cache.js';
import { find } from './find.js';
import { findPaths } from './paths.js';
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

describe('shared graph cache', () => {
  it('keeps the most recently used entities within its byte budget', () => {
    const cache = new SharedGraphCache(4_000);
    for (let index = 0; index < 100; index++) {
      cache.storeEntity(idOf(index), entity(idOf(index), `f${index}`));
      assert.ok(cache.stats().bytes <= 4_000);
      // Entity 0 is used after every store, so it is never the least recently used.
      assert.equal(cache.lookupEntity(idOf(0))?.name, 'f0');
    }
    const { entries } = cache.stats();
    assert.ok(entries > 2 && entries < 20, `${entries} entries`);
    assert.equal(cache.lookupEntity(idOf(99))?.name, 'f99');
    assert.equal(cache.lookupEntity(idOf(1)), undefined, 'an old, unused entity was evicted');
    for (let index = 100 - entries + 1; index < 100; index++)
      assert.notEqual(cache.lookupEntity(idOf(index)), undefined);
  });

  it('remembers that an id has no block, and forgets what a batch writes', () => {
    const cache = new SharedGraphCache(1 << 20);
    cache.storeEntity(idOf(1), entity(idOf(1), 'one'));
    cache.storeEntity(idOf(2), null);
    cache.storeEntity(idOf(3), entity(idOf(3), 'three'));
    assert.equal(cache.lookupEntity(idOf(2)), null);
    cache.forgetWritten([
      { kind: 'put_block', block: { id: idOf(1), sourceUri: '', metadata: {}, content: '' } },
      { kind: 'delete_block', id: idOf(2) },
      { kind: 'put_edge', edge: { source: idOf(3), target: idOf(1), type: 'calls' } },
    ]);
    assert.equal(cache.lookupEntity(idOf(1)), undefined);
    assert.equal(cache.lookupEntity(idOf(2)), undefined);
    assert.equal(cache.lookupEntity(idOf(3))?.name, 'three', 'an edge does not change its ends');
    assert.equal(cache.stats().entries, 1);
  });

  it('reads edge lists through the cache, shares them frozen, and forgets those an edge write touches', () => {
    const db = openMemoryDatabase(3);
    try {
      const { fixture, ids } = acceptanceGraph('demo');
      fixture.write(db);
      const cache = SharedGraphCache.following(db, 1 << 20);
      const graph = cache.reading(db);
      const main = ids['main'] as BlockId;
      const helper = ids['helper'] as BlockId;
      const first = graph.outgoingEdges(main, { type: 'calls' });
      assert.equal(first.length, 2);
      assert.ok(Object.isFrozen(first), 'callers share the list, so nobody may sort it in place');
      assert.equal(graph.outgoingEdges(main, { type: 'calls' }), first, 'the second read is the cached list');
      assert.equal(graph.incomingEdges(helper, { type: 'calls' }).length, 1);
      const allOut = graph.outgoingEdges(main).length;
      const allIn = graph.incomingEdges(helper).length;
      db.deleteEdge({ source: main, target: helper, type: 'calls' });
      assert.equal(graph.outgoingEdges(main, { type: 'calls' }).length, 1);
      assert.equal(graph.incomingEdges(helper, { type: 'calls' }).length, 0);
      assert.equal(graph.outgoingEdges(main).length, allOut - 1, 'the list of every type too');
      assert.equal(graph.incomingEdges(helper).length, allIn - 1);
    } finally {
      db.close();
    }
  });

  it('leaves out an entity larger than the whole budget', () => {
    const cache = new SharedGraphCache(100);
    cache.storeEntity(idOf(1), entity(idOf(1), 'x'.repeat(200)));
    assert.equal(cache.stats().entries, 0);
  });

  it('answers like an uncached reader after every random write, through the service', async () => {
    const db = openMemoryDatabase(7);
    try {
      const { fixture, ids } = acceptanceGraph('demo');
      fixture.write(db);
      const service = new Service(db, { mode: 'server' });
      const uncached = { graph: db };
      const rng = new SeededRng(11);
      const names = Object.keys(ids);
      const pick = (): BlockId => ids[names[rng.below(names.length)] as string] as BlockId;
      const deleted = new Map<BlockId, Parameters<typeof db.putBlock>[0]>();
      let cacheHits = 0;
      for (let step = 0; step < 300; step++) {
        const id = pick();
        const current = db.getBlock(id);
        const choice = rng.below(10);
        if (choice >= 7) {
          // An edge write: a call added or re-resolved (new properties), or one removed.
          const edge = { source: id, target: pick(), type: 'calls' as const };
          if (choice === 9) db.deleteEdge(edge);
          else {
            const resolution = rng.below(2) === 0 ? 'lexical' : 'name-only';
            db.putEdge({ ...edge, properties: { line: 1 + rng.below(99), resolution, confidence: 0.5 } });
          }
        } else if (current === undefined) {
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
        const pathRequest = { from: ids['main'] as BlockId, to: ids['add'] as BlockId };
        assert.deepEqual(await service.execute('path', pathRequest), findPaths(uncached, pathRequest));
        assert.deepEqual(await service.execute('find', { name: 'main' }), find(uncached, { name: 'main' }));
        cacheHits = (await service.execute('status', { verbose: true, check: false })).graphCache?.hits ?? 0;
      }
      assert.ok(cacheHits > 1_000, `the cache answered (${cacheHits} hits)`);
    } finally {
      db.close();
    }
  });
});
