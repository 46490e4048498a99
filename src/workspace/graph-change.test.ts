import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockId } from '../core/block-id.js';
import type { BlockInput } from '../core/types.js';
import { YieldBudget } from '../core/yield-budget.js';
import type { Database } from '../database.js';
import { nameIndexEdgeType, simpleNameKey } from '../query/name-keys.js';
import { readShard, vocabularyShardCount } from '../query/name-vocabulary.js';
import { GraphFixture, openMemoryDatabase } from '../testing/graph-fixture.js';
import { runStoppedAfter } from '../testing/stopped-writes.js';
import { GraphChange } from './graph-change.js';

/** 240 functions in 12 files under 60 names that start with different letters (many shards). */
function entityBlocks(): BlockInput[] {
  const fixture = new GraphFixture('w');
  for (let index = 0; index < 240; index++) {
    const name = `${String.fromCharCode(97 + (index % 26))}name${index % 60}`;
    fixture.entity({ file: `src/f${index % 12}.py`, kind: 'function', name, line: index + 1 });
  }
  return fixture.blockInputs();
}

function vocabulary(db: Database): Set<string> {
  const names = new Set<string>();
  for (let shard = 0; shard < vocabularyShardCount; shard++)
    for (const name of readShard(db, shard)) names.add(name);
  return names;
}

function namesWithEntities(db: Database, candidates: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const name of candidates) {
    if (db.outgoingEdges(simpleNameKey(name), { type: nameIndexEdgeType }).length > 0) names.add(name);
  }
  return names;
}

function namesOf(blocks: readonly BlockInput[]): Set<string> {
  return new Set(blocks.map((block) => block.metadata['name']).filter((name) => typeof name === 'string'));
}

/** Runs a change in 32-block batches (a server's budget), stopped after `writes` batches. */
async function change(
  db: Database,
  oldIds: readonly BlockId[],
  blocks: readonly BlockInput[],
  writes: number,
): Promise<boolean> {
  return !(await runStoppedAfter(db, writes, () =>
    new GraphChange(db, 'w', new YieldBudget(0)).replace(oldIds, blocks, [], () => undefined),
  ));
}

describe('graph change', () => {
  it('lists every name that has an entity in the vocabulary wherever a link stops', async () => {
    const blocks = entityBlocks();
    const names = namesOf(blocks);
    let partial = 0;
    for (let writes = 0; ; writes++) {
      const db = openMemoryDatabase();
      const finished = await change(db, [], blocks, writes);
      const indexed = namesWithEntities(db, names);
      const listed = vocabulary(db);
      for (const name of indexed) assert.ok(listed.has(name), `${name} has an entity but is not listed`);
      if (indexed.size > 0 && indexed.size < names.size) partial++;
      if (!finished) continue;
      assert.deepEqual(listed, names);
      break;
    }
    assert.ok(partial >= 3, `only ${partial} stops fell inside the change`);
  });

  it('takes names out of the vocabulary after their last entity, wherever an unlink stops', async () => {
    const blocks = entityBlocks();
    const names = namesOf(blocks);
    const ids = blocks.map((block) => block.id);
    for (let writes = 0; ; writes++) {
      const db = openMemoryDatabase();
      assert.ok(await change(db, [], blocks, Number.POSITIVE_INFINITY));
      const finished = await change(db, ids, [], writes);
      const indexed = namesWithEntities(db, names);
      const listed = vocabulary(db);
      for (const name of indexed) assert.ok(listed.has(name), `${name} has an entity but is not listed`);
      if (!finished) continue;
      assert.equal(indexed.size, 0);
      assert.deepEqual([...listed], [], 'names without entities are gone once the change is done');
      break;
    }
  });

  it('writes each vocabulary shard at most twice however many batches the change takes', async () => {
    const db = openMemoryDatabase();
    let shardWrites = 0;
    const write = db.write.bind(db);
    db.write = (operations) => {
      for (const operation of operations)
        if (operation.kind === 'put_block' && operation.block.metadata['internal'] === 'name_vocabulary')
          shardWrites++;
      return write(operations);
    };
    const blocks = entityBlocks();
    await new GraphChange(db, 'w', new YieldBudget(0)).replace([], blocks, [], () => undefined);
    const shards = new Set([...namesOf(blocks)].map((name) => name.codePointAt(0))).size;
    assert.equal(shardWrites, shards);
  });
});
