// The three guarantees of the design, each proven explicitly: tombstone permanence, MVCC
// shadowing (see also version.test.ts for the full truth table) and read precedence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limits } from '../core/limits.js';
import { Database } from '../database.js';
import { blockOf, edgeOf, idOf } from '../testing/fixtures.js';
import { makeTempDir } from '../testing/temp-dir.js';

const small = { memtableBytes: limits.memtableBytesMin, tableBlockBytes: 1024 };

function fill(db: Database, from: number, count: number, tag: string): void {
  const operations = [];
  for (let index = from; index < from + count; index++) {
    operations.push({ kind: 'put_block' as const, block: blockOf(index, `${tag} ${index}`) });
  }
  db.write(operations);
}

describe('tombstone permanence', () => {
  it('a deleted block never returns through flush, compaction and restart', (t) => {
    const directory = makeTempDir(t);
    let db = Database.open(directory, small);
    fill(db, 0, 500, 'old');
    db.flush(); // the values now live in a table
    db.write([
      { kind: 'delete_block', id: idOf(7) },
      { kind: 'delete_edge', edge: edgeOf(7, 8) },
    ]);
    db.putEdge(edgeOf(1, 2));
    assert.equal(db.getBlock(idOf(7)), undefined, 'memtable tombstone shadows the table');
    db.flush();
    assert.equal(db.getBlock(idOf(7)), undefined, 'flushed tombstone shadows the older table');
    for (let round = 0; round < 6; round++) {
      fill(db, 1000 + round * 300, 300, 'later');
      db.flush();
    }
    db.maintenance(Number.MAX_SAFE_INTEGER);
    assert.ok(db.stats().compactions > 0, 'partial compactions ran');
    assert.equal(db.getBlock(idOf(7)), undefined, 'after partial compactions');
    db.close();
    db = Database.open(directory, small);
    assert.equal(db.getBlock(idOf(7)), undefined, 'after restart');
    db.compact();
    assert.equal(db.stats().tables, 1);
    assert.equal(db.getBlock(idOf(7)), undefined, 'after full compaction (tombstone dropped, value gone)');
    assert.ok(!liveIds(db).includes(idOf(7)));
    db.close();
    db = Database.open(directory, small);
    assert.equal(db.getBlock(idOf(7)), undefined, 'after full compaction and restart');
    assert.equal(db.getBlock(idOf(8))?.content, 'old 8');
    db.close();
  });

  it('a tombstone compacted with newer tables but not the oldest is kept', (t) => {
    const directory = makeTempDir(t);
    const db = Database.open(directory, small);
    fill(db, 0, 3000, 'base');
    db.compact(); // one large, old table (a higher tier) holds block 3
    db.deleteBlock(idOf(3));
    db.flush();
    for (let round = 0; round < limits.compactionTierFanIn; round++) {
      fill(db, 10_000 + round * 10, 10, 'small');
      db.flush();
    }
    db.maintenance(Number.MAX_SAFE_INTEGER);
    const stats = db.stats();
    assert.ok(stats.compactions >= 2 && stats.tables >= 2, 'the small tables merged apart from the old one');
    assert.equal(db.getBlock(idOf(3)), undefined);
    db.close();
  });

  it('edge tombstones are permanent in both directions', (t) => {
    const directory = makeTempDir(t);
    let db = Database.open(directory, small);
    db.putEdge(edgeOf(1, 2));
    db.flush();
    db.deleteEdge(edgeOf(1, 2));
    db.close();
    db = Database.open(directory, small);
    assert.deepEqual(db.outgoingEdges(idOf(1)), []);
    assert.deepEqual(db.incomingEdges(idOf(2)), []);
    db.compact();
    assert.deepEqual(db.outgoingEdges(idOf(1)), []);
    assert.deepEqual([...db.scanEdges()], []);
    db.close();
  });
});

describe('read precedence', () => {
  it('the memtable wins over tables, and newer tables over older ones', (t) => {
    const db = Database.open(makeTempDir(t), small);
    db.putBlock(blockOf(1, 'oldest'));
    db.flush();
    db.putBlock(blockOf(1, 'newer'));
    db.flush();
    assert.equal(db.getBlock(idOf(1))?.content, 'newer', 'newest table wins');
    db.putBlock(blockOf(1, 'memtable'));
    assert.equal(db.getBlock(idOf(1))?.content, 'memtable', 'memtable wins');
    const scanned = [...db.scanBlocks()].find((block) => block.id === idOf(1));
    assert.equal(scanned?.content, 'memtable', 'scans apply the same precedence');
    db.compact();
    assert.equal(db.getBlock(idOf(1))?.content, 'memtable', 'compaction keeps the newest');
    db.close();
  });

  it('a memtable tombstone hides values in every table', (t) => {
    const db = Database.open(makeTempDir(t), small);
    db.putEdge(edgeOf(1, 2));
    db.putBlock(blockOf(1));
    db.flush();
    db.putBlock(blockOf(1, 'again'));
    db.flush();
    db.deleteBlock(idOf(1));
    db.deleteEdge(edgeOf(1, 2));
    assert.equal(db.getBlock(idOf(1)), undefined);
    assert.deepEqual(db.outgoingEdges(idOf(1)), []);
    db.close();
  });
});

describe('MVCC through the engine', () => {
  it('a put after a delete (higher sequence) revives the block everywhere', (t) => {
    const directory = makeTempDir(t);
    let db = Database.open(directory, small);
    db.putBlock(blockOf(1, 'first'));
    db.flush();
    db.deleteBlock(idOf(1));
    db.flush();
    db.putBlock(blockOf(1, 'second'));
    assert.equal(db.getBlock(idOf(1))?.content, 'second');
    db.close();
    db = Database.open(directory, small);
    db.compact();
    assert.equal(db.getBlock(idOf(1))?.content, 'second');
    db.close();
  });
});

function liveIds(db: Database): string[] {
  return [...db.scanBlocks()].map((block) => block.id);
}
