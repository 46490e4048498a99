// A server's freshness answers: reused within the TTL, then served while a check off the event
// loop replaces them, dropped on a write, and a check that started before a write never lands.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { linkedTree, threeModules } from '../workspace/test-support.js';
import { FreshnessCache } from './freshness-cache.js';

/** A linked tree and a cache over it on a clock the test moves; its first answer is checked. */
async function cacheOverTree(t: Parameters<typeof linkedTree>[0]) {
  const { db, root } = await linkedTree(t, threeModules);
  const clock = { now: 0 };
  const cache = new FreshnessCache(db, 1_000, { now: () => clock.now });
  assert.equal(cache.source()('w')?.filesChangedSince, 0);
  return { db, root, clock, cache };
}

describe('FreshnessCache', () => {
  it('reuses an answer within the TTL, then serves it while a check off the event loop replaces it', async (t) => {
    const { db, root, clock, cache } = await cacheOverTree(t);

    writeFileSync(join(root, 'src/a.py'), 'def a():\n    return 10\n');
    rmSync(join(root, 'src/b.py'));
    clock.now = 500;
    assert.equal(cache.source()('w')?.filesChangedSince, 0, 'within the TTL: the last answer');
    clock.now = 1_000;
    assert.equal(cache.source()('w')?.filesChangedSince, 0, 'past it: still the last answer …');
    await cache.settled();
    assert.equal(cache.source()('w')?.filesChangedSince, 2, '… until the check lands');

    // After a quiet spell the answer is too old to serve: it is checked on the spot.
    writeFileSync(join(root, 'src/c.py'), 'def c():\n    return 30\n');
    clock.now = 1_000 + 5_000;
    assert.equal(cache.source()('w')?.filesChangedSince, 3);
    db.close();
  });

  it('forgets its answers on a write, and drops a check that started before it', async (t) => {
    const { db, root, clock, cache } = await cacheOverTree(t);
    clock.now = 2_000;
    cache.source()('w'); // starts a check
    cache.clear(); // a write lands meanwhile
    writeFileSync(join(root, 'src/a.py'), 'def a():\n    return 10\n');
    await cache.settled();
    // Had the old check landed, this would be its answer (0) for another second.
    assert.equal(cache.source()('w')?.filesChangedSince, 1, 'checked again, on the spot');
    assert.equal(cache.source()('nobody'), undefined);
    db.close();
  });
});
