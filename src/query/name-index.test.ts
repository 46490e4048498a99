import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { GraphFixture, acceptanceGraph, openMemoryDatabase } from '../testing/graph-fixture.js';
import { unsearchableReason } from './answer.js';
import { find } from './find.js';
import { nameIndexOperations, nameIndexPresent } from './name-index.js';
import { rebuildNameIndex } from './name-index-rebuild.js';
import { nameIndexEdgeType, qualifiedNameKey, simpleNameKey } from './name-keys.js';
import {
  namesSharingTrigrams,
  namesWithPrefix,
  readShard,
  vocabularyShardCount,
  vocabularyShardId,
  vocabularyShardOf,
} from './name-vocabulary.js';

function names(db: ReturnType<typeof openMemoryDatabase>, name: string): string[] {
  return find({ graph: db }, { name, maxResults: 100 }).results.map((result) => result.entity.qualifiedName);
}

function vocabulary(db: ReturnType<typeof openMemoryDatabase>): string[] {
  const names: string[] = [];
  for (let shard = 0; shard < vocabularyShardCount; shard++) names.push(...readShard(db, shard));
  return names.sort();
}

describe('name index maintenance', () => {
  it('indexes simple names, qualified suffixes and module-qualified names', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    fixture.entity({ file: 'src/store.ts', kind: 'class', name: 'Store', line: 1 });
    fixture.entity({ file: 'src/store.ts', kind: 'method', name: 'get', parent: 'Store', line: 3 });
    fixture.write(db);
    assert.deepEqual(names(db, 'get'), ['Store.get']);
    assert.deepEqual(names(db, 'Store.get'), ['Store.get']);
    assert.deepEqual(names(db, 'store.Store.get'), ['Store.get']);
    assert.equal(db.outgoingEdges(qualifiedNameKey('Store.get'), { type: nameIndexEdgeType }).length, 1);
    assert.ok(nameIndexPresent(db));
  });

  it('lists a name in the vocabulary once and removes it with its last entity', () => {
    const db = openMemoryDatabase();
    const one = new GraphFixture('w');
    const first = one.entity({ file: 'a.py', kind: 'function', name: 'helper', line: 1 });
    one.write(db);
    const two = new GraphFixture('w');
    const second = two.entity({ file: 'b.py', kind: 'function', name: 'helper', line: 1 });
    two.write(db);
    assert.deepEqual(vocabulary(db), ['a', 'b', 'helper']); // modules are entities too
    assert.deepEqual(namesWithPrefix(db, 'he'), ['helper']);
    assert.deepEqual([...namesSharingTrigrams(db, ['elp', 'zzz'])], [['helper', 1]]);

    db.write([{ kind: 'delete_block', id: first }, ...nameIndexOperations(db, 'w', [], [{ id: first }])]);
    assert.deepEqual(names(db, 'helper'), ['helper']);
    assert.deepEqual(namesWithPrefix(db, 'he'), ['helper'], 'one entity still has the name');

    db.write([{ kind: 'delete_block', id: second }, ...nameIndexOperations(db, 'w', [], [{ id: second }])]);
    assert.deepEqual(names(db, 'helper'), []);
    assert.deepEqual(namesWithPrefix(db, 'he'), []);
    assert.deepEqual([...namesSharingTrigrams(db, ['elp'])], []);
  });

  it('writes a vocabulary shard only when a name joins or leaves it', () => {
    const db = openMemoryDatabase();
    const one = new GraphFixture('w');
    one.entity({ file: 'a.py', kind: 'function', name: 'helper', line: 1 });
    one.write(db);
    const shard = vocabularyShardId(vocabularyShardOf('helper'));
    const written = db.getBlock(shard)?.sequence;
    assert.ok(written !== undefined);
    const two = new GraphFixture('w');
    two.entity({ file: 'b.py', kind: 'function', name: 'helper', line: 1 });
    two.write(db);
    assert.equal(db.getBlock(shard)?.sequence, written, 'a second helper leaves the shard as it was');
    assert.equal(vocabularyShardOf('Helper'), vocabularyShardOf('h'), 'shards go by the lowercase name');
  });

  it('finds trigrams in names whose lowercase form is longer (the shard is searched name by name)', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    fixture.entity({ file: 'a.py', kind: 'function', name: 'İndexer', line: 1 }); // İ lowercases to two units
    fixture.entity({ file: 'a.py', kind: 'function', name: 'iNDEX_of', line: 2 });
    fixture.entity({ file: 'a.py', kind: 'function', name: 'reindex', line: 3 });
    fixture.write(db);
    const shared = namesSharingTrigrams(db, ['nde', 'dex', 'xer']);
    assert.deepEqual([...shared].sort(), [
      ['iNDEX_of', 2],
      ['reindex', 2],
      ['İndexer', 3],
    ]);
  });

  it('retires the old keys of a rewritten entity even when it is not listed as removed', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const id = fixture.entity({ file: 'a.py', kind: 'function', name: 'old_name', line: 1 });
    fixture.write(db);
    const block = db.getBlock(id);
    assert.ok(block !== undefined);
    const renamed = {
      ...block,
      metadata: { ...block.metadata, name: 'new_name', qualifiedName: 'new_name' },
    };
    db.write([{ kind: 'put_block', block: renamed }, ...nameIndexOperations(db, 'w', [renamed], [])]);
    assert.deepEqual(names(db, 'old_name'), []);
    assert.deepEqual(names(db, 'new_name'), ['new_name']);
    assert.equal(db.outgoingEdges(simpleNameKey('old_name'), { type: nameIndexEdgeType }).length, 0);
  });

  it('uses the metadata the caller gives for an entity whose block is already gone', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const id = fixture.entity({ file: 'a.py', kind: 'function', name: 'gone', line: 1 });
    fixture.write(db);
    const metadata = db.getBlock(id)?.metadata;
    assert.ok(metadata !== undefined);
    db.deleteBlock(id);
    db.write(nameIndexOperations(db, 'w', [], [{ id, metadata }]));
    assert.equal(db.outgoingEdges(simpleNameKey('gone'), { type: nameIndexEdgeType }).length, 0);
  });

  it('refuses an entity of another workspace', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('other');
    fixture.entity({ file: 'a.py', kind: 'function', name: 'f', line: 1 });
    assert.throws(
      () => nameIndexOperations(db, 'w', fixture.blockInputs(), []),
      (error) => isKausalError(error, 'INVALID_ARGUMENT'),
    );
  });

  it('keeps entities with very long paths findable (the index edge falls back to the block)', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    const file = `${'deep/'.repeat(200)}x.py`;
    fixture.entity({ file, kind: 'function', name: 'far', line: 7 });
    fixture.write(db);
    const answer = find({ graph: db }, { name: `x.py:far` });
    assert.equal(answer.results.length, 1);
    assert.equal(answer.results[0]?.entity.file, file);
  });
});

describe('name index rebuild', () => {
  it('builds the index for a database written without it, and removes stale entries', async () => {
    const db = openMemoryDatabase();
    const { fixture } = acceptanceGraph();
    db.write(
      fixture.operations(db).filter((op) => !(op.kind === 'put_edge' && op.edge.type === nameIndexEdgeType)),
    );
    assert.equal(nameIndexPresent(db), false);
    assert.equal(find({ graph: db }, { name: 'main' }).indexPresent, false);
    // What a user is told depends on whether any workspace is linked (a first link still writing).
    const reasonWith = (workspaces: string[] | undefined): string | undefined =>
      unsearchableReason(find({ graph: db, ...(workspaces && { workspaces }) }, { name: 'main' }));
    assert.match(reasonWith(['demo']) ?? '', /^this database has no name index; run 'kausal reindex'/);
    assert.match(reasonWith(undefined) ?? '', /^this database has no name index/);
    assert.match(
      reasonWith([]) ?? '',
      /^no workspace is linked in this database and it has no name index; run 'kausal link/,
    );
    // A stale entry: an index edge to an entity that does not exist.
    db.putEdge({
      source: simpleNameKey('ghost'),
      target: 'f'.repeat(32),
      type: nameIndexEdgeType,
      properties: { w: 'demo' },
    });

    const summary = await rebuildNameIndex(db);
    assert.equal(summary.entities, 7); // two modules, five functions
    assert.equal(summary.edgesRemoved, 1);
    assert.ok(nameIndexPresent(db));
    assert.equal(reasonWith([]), undefined, 'with an index, a search ran: no reason to give');
    assert.deepEqual(names(db, 'helper_function'), ['helper_function']);
    assert.equal(db.outgoingEdges(simpleNameKey('ghost'), { type: nameIndexEdgeType }).length, 0);
  });

  it('is idempotent: a second rebuild leaves the same index', async () => {
    const db = openMemoryDatabase();
    acceptanceGraph().fixture.write(db);
    const indexEdges = (): string[] =>
      [...db.scanEdges()]
        .filter((edge) => edge.type === nameIndexEdgeType)
        .map((edge) => `${edge.source}>${edge.target}:${JSON.stringify(edge.properties)}`)
        .sort();
    const before = indexEdges();
    const names = vocabulary(db);
    await rebuildNameIndex(db);
    assert.deepEqual(indexEdges(), before, 'a rebuild reproduces what the incremental operations wrote');
    assert.deepEqual(vocabulary(db), names);
    await rebuildNameIndex(db);
    assert.deepEqual(indexEdges(), before);
    assert.deepEqual(vocabulary(db), names);
  });
});
