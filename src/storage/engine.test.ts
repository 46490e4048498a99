import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isKausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import { Database } from '../database.js';
import { blockOf, edgeOf, idOf } from '../testing/fixtures.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { tableFileName } from './sstable/table-format.js';
import { segmentName } from './wal/wal.js';

const small = { memtableBytes: limits.memtableBytesMin, tableBlockBytes: 1024 };

function liveIds(db: Database): string[] {
  return [...db.scanBlocks()].map((block) => block.id);
}

describe('Database: blocks and edges', () => {
  it('removes on open what a removal in the background left behind: old log segments, stray tables', (t) => {
    const directory = makeTempDir(t);
    const db = Database.open(directory, small);
    for (let index = 0; index < 200; index++) db.putBlock(blockOf(index, 'x'.repeat(200)));
    db.flush(); // the log moves to a new segment; the covered ones are removed in the background
    db.close();
    // As if those removals had not happened before a crash: a covered segment and an old table.
    writeFileSync(join(directory, segmentName(1)), 'stale');
    writeFileSync(join(directory, tableFileName(999_999)), 'stale');
    const again = Database.open(directory, small);
    const names = readdirSync(directory);
    assert.ok(!names.includes(segmentName(1)), "a segment below the manifest's start is removed");
    assert.ok(!names.includes(tableFileName(999_999)), 'a table the manifest does not name is removed');
    assert.equal(liveIds(again).length, 200);
    again.close();
  });

  it('puts, gets, overwrites and deletes blocks with engine-assigned sequences', (t) => {
    const db = Database.open(makeTempDir(t));
    const first = db.putBlock(blockOf(1));
    const second = db.putBlock(blockOf(1, 'changed'));
    assert.ok(second.firstSequence > first.firstSequence);
    const block = db.getBlock(idOf(1));
    assert.equal(block?.content, 'changed');
    assert.equal(block?.sequence, second.firstSequence);
    assert.deepEqual(block?.metadata, { index: 1 });
    db.deleteBlock(idOf(1));
    assert.equal(db.getBlock(idOf(1)), undefined);
    db.close();
  });

  it('reads a block without its content: the same fields, and the length content.length has', (t) => {
    const db = Database.open(makeTempDir(t), small);
    // ASCII, empty, two- to four-byte characters (surrogate pairs), and a lone surrogate, which
    // is stored as a replacement character and read back as one.
    const contents = ['plain ascii', '', 'é ü — 😀 𝔸 end', '\ud800x', 'x'.repeat(3000) + '日本'];
    contents.forEach((content, index) => db.putBlock(blockOf(index, content)));
    const expectHeaders = (where: string): void => {
      contents.forEach((_, index) => {
        const block = db.getBlock(idOf(index));
        const header = db.getBlockHeader(idOf(index));
        assert.ok(block !== undefined && header !== undefined, where);
        const { content, ...rest } = block;
        assert.deepEqual(header, { ...rest, contentLength: content.length }, `${where}: block ${index}`);
      });
    };
    expectHeaders('from the memtable');
    db.flush();
    expectHeaders('from a table');
    db.deleteBlock(idOf(0));
    assert.equal(db.getBlockHeader(idOf(0)), undefined);
    assert.equal(db.getBlockHeader(idOf(99)), undefined);
    db.close();
  });

  it('keeps edges in both directions, filtered by type, with properties', (t) => {
    const db = Database.open(makeTempDir(t));
    db.write([
      { kind: 'put_edge', edge: { ...edgeOf(1, 2), properties: { line: 12, resolution: 'import' } } },
      { kind: 'put_edge', edge: edgeOf(1, 3, 'imports') },
      { kind: 'put_edge', edge: edgeOf(4, 2) },
    ]);
    assert.deepEqual(
      db.outgoingEdges(idOf(1), { type: 'calls' }).map((edge) => [edge.target, edge.properties]),
      [[idOf(2), { line: 12, resolution: 'import' }]],
    );
    assert.equal(db.outgoingEdges(idOf(1)).length, 2);
    assert.deepEqual(
      db.incomingEdges(idOf(2)).map((edge) => edge.source),
      [idOf(1), idOf(4)],
    );
    db.deleteEdge(edgeOf(1, 2));
    assert.deepEqual(
      db.incomingEdges(idOf(2)).map((edge) => edge.source),
      [idOf(4)],
    );
    db.close();
  });

  it('applies a batch atomically: an invalid operation rejects the whole batch', (t) => {
    const db = Database.open(makeTempDir(t));
    assert.throws(
      () =>
        db.write([
          { kind: 'put_block', block: blockOf(1) },
          { kind: 'put_block', block: { ...blockOf(2), id: 'nope' } },
        ]),
      (error) => isKausalError(error, 'INVALID_ARGUMENT'),
    );
    assert.equal(db.getBlock(idOf(1)), undefined);
    db.close();
  });

  it('rejects bad input with typed errors and keeps working', (t) => {
    const db = Database.open(makeTempDir(t));
    const bad: unknown[] = [
      { ...blockOf(1), id: 'ABCDEF' },
      { ...blockOf(1), metadata: [] },
      { ...blockOf(1), content: 42 },
      { ...blockOf(1), content: 'x'.repeat(limits.contentBytesMax + 1) },
      null,
    ];
    for (const block of bad) {
      assert.throws(
        () => db.putBlock(block as never),
        (error) => isKausalError(error, 'INVALID_ARGUMENT') || isKausalError(error, 'LIMIT_EXCEEDED'),
      );
    }
    assert.throws(() => db.putEdge({ ...edgeOf(1, 2), type: 'likes' as never }), /unknown edge type/);
    assert.throws(
      () => db.putEdge({ ...edgeOf(1, 2), properties: { note: 'x'.repeat(2000) } }),
      (error) => isKausalError(error, 'LIMIT_EXCEEDED'),
    );
    assert.throws(() => db.write([{ kind: 'rename' } as never]), /unknown write operation/);
    db.putBlock(blockOf(1));
    assert.equal(db.getBlock(idOf(1))?.content, 'content 1');
    db.close();
  });

  it('refuses a second open of a directory in use, naming the holder', (t) => {
    const directory = makeTempDir(t);
    const db = Database.open(directory);
    assert.throws(
      () => Database.open(directory),
      (error) => isKausalError(error, 'LOCKED') && /pid \d+/.test(error.message),
    );
    db.close();
    Database.open(directory).close();
  });

  it('scans live blocks in id order across memtable and tables', (t) => {
    const db = Database.open(makeTempDir(t), small);
    for (let index = 0; index < 300; index++) db.putBlock(blockOf((index * 7919) % 300));
    db.deleteBlock(idOf(10));
    db.flush();
    db.putBlock(blockOf(1000));
    db.deleteBlock(idOf(20));
    const expected = [...Array(300).keys()]
      .filter((i) => i !== 10 && i !== 20)
      .concat(1000)
      .map(idOf)
      .sort();
    assert.deepEqual(liveIds(db), expected);
    db.close();
  });
});

describe('Database: durability and recovery', () => {
  it('recovers blocks, edges, tombstones and sequences after reopen (WAL replay and tables)', (t) => {
    const directory = makeTempDir(t);
    let db = Database.open(directory, small);
    for (let index = 0; index < 2000; index++) db.putBlock(blockOf(index));
    db.putEdge(edgeOf(1, 2));
    db.deleteBlock(idOf(5));
    const last = db.putBlock(blockOf(3, 'latest')).lastSequence;
    assert.ok(db.stats().flushes > 0, 'the workload flushed tables');
    db.close();
    db = Database.open(directory, small);
    assert.equal(db.getBlock(idOf(5)), undefined);
    assert.equal(db.getBlock(idOf(3))?.content, 'latest');
    assert.equal(db.getBlock(idOf(1999))?.content, 'content 1999');
    assert.equal(db.incomingEdges(idOf(2)).length, 1);
    assert.ok(db.putBlock(blockOf(9)).firstSequence > last, 'sequences continue after a restart');
    db.close();
  });

  for (const flush of [false, true]) {
    it(`recovers blocks of every allowed size from the ${flush ? 'tables' : 'WAL'}`, (t) => {
      const directory = makeTempDir(t);
      let db = Database.open(directory);
      const sizes = [0, 1, 511 * 1024, 513 * 1024, 4 * 1024 * 1024, limits.contentBytesMax];
      sizes.forEach((size, index) => db.putBlock(blockOf(index, 'y'.repeat(size))));
      db.close({ flush });
      db = Database.open(directory);
      assert.equal(db.stats().recovery.framesReplayed, flush ? 0 : sizes.length);
      sizes.forEach((size, index) => assert.equal(db.getBlock(idOf(index))?.content, 'y'.repeat(size)));
      db.close();
    });
  }

  it('cuts a torn final WAL frame and keeps every earlier batch', (t) => {
    const directory = makeTempDir(t);
    const db = Database.open(directory);
    db.putBlock(blockOf(1));
    db.putBlock(blockOf(2));
    db.close({ flush: false });
    const walPath = newestWal(directory);
    const intact = readFileSync(walPath);
    appendFileSync(walPath, intact.subarray(0, 30)); // the start of a frame that never finished
    const reopened = Database.open(directory);
    assert.equal(reopened.getBlock(idOf(1))?.content, 'content 1');
    assert.equal(reopened.getBlock(idOf(2))?.content, 'content 2');
    assert.equal(reopened.stats().recovery.tornBytesTruncated, 30);
    reopened.close({ flush: false });
    // The open rewrites what it replayed into a table and retires the segment; if it is still
    // there, the torn tail must have been cut.
    if (existsSync(walPath))
      assert.equal(readFileSync(walPath).length, intact.length, 'the torn tail is cut');
    const again = Database.open(directory);
    assert.equal(again.getBlock(idOf(2))?.content, 'content 2', 'the retired batches live on in a table');
    again.close();
  });

  it('reports corruption in the middle of the WAL with file and offset, never skipping it', (t) => {
    const directory = makeTempDir(t);
    const db = Database.open(directory);
    db.putBlock(blockOf(1));
    db.putBlock(blockOf(2));
    db.close({ flush: false });
    const walPath = newestWal(directory);
    const bytes = readFileSync(walPath);
    bytes[20] = (bytes[20] as number) ^ 0xff; // inside the first frame's payload
    writeFileSync(walPath, bytes);
    assert.throws(
      () => Database.open(directory),
      (error) =>
        isKausalError(error, 'CORRUPTION') &&
        error.message.includes(walPath) &&
        /offset 0\b/.test(error.message),
    );
  });
});

function newestWal(directory: string): string {
  const names = readdirSync(directory).filter((name) => name.startsWith('wal-'));
  const newestNonEmpty = names
    .sort()
    // An older segment may vanish meanwhile: covered segments are removed in the background.
    .filter((name) => {
      try {
        return readFileSync(join(directory, name)).length > 0;
      } catch {
        return false;
      }
    })
    .at(-1);
  return join(directory, newestNonEmpty as string);
}

describe('Database: reads that do not fill the cache', () => {
  it('return what cached reads return, leave the cache as it was, and never alias each other', (t) => {
    const directory = makeTempDir(t);
    const writer = Database.open(directory, small);
    const large = (index: number): string => `${index}:`.padEnd(100 * 1024, String(index % 10));
    for (let index = 0; index < 300; index++) {
      // Blocks larger than the passing buffer's first size now and then, so it grows.
      writer.putBlock(blockOf(index, index % 50 === 0 ? large(index) : `content ${index}`));
      if (index % 100 === 99) writer.flush();
    }
    writer.close();

    const db = Database.open(directory, small);
    const passing = [...Array(300).keys()].map((index) => db.getBlock(idOf(index), { fillCache: false }));
    assert.equal(db.stats().blockCacheBytes, 0, 'nothing was cached');
    passing.forEach((block, index) => {
      assert.equal(block?.content, index % 50 === 0 ? large(index) : `content ${index}`, `block ${index}`);
    });
    for (let index = 0; index < 300; index++) {
      assert.deepEqual(db.getBlock(idOf(index)), passing[index], `block ${index} read through the cache`);
    }
    const cached = db.stats().blockCacheBytes;
    assert.ok(cached > 0);
    assert.equal(db.getBlock(idOf(7), { fillCache: false })?.content, 'content 7', 'a cached block is used');
    assert.equal(db.stats().blockCacheBytes, cached);
    assert.equal(db.getBlock(idOf(100_000), { fillCache: false }), undefined);
    db.close();
  });
});
