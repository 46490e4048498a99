import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { isKausalError } from '../../core/errors.js';
import { makeTempDir } from '../../testing/temp-dir.js';
import { idOf } from '../../testing/fixtures.js';
import { NodeVfs } from '../../vfs/node-vfs.js';
import { blockKey, incomingKey, incomingPrefix, outgoingKey, outgoingPrefix } from '../keys.js';
import { BlockCache } from './block-cache.js';
import { BloomBuilder, BloomPage, bloomHeaderBytes, decodeBloomHeader, hashPair, pageOf } from './bloom.js';
import { TableMetadataBudget, TableReader } from './table-reader.js';
import { TableWriter, type TableLayout } from './table-writer.js';

interface Row {
  key: string;
  sequence: number;
  tombstone: boolean;
  value: string;
}

function rows(): Row[] {
  const result: Row[] = [];
  for (let index = 0; index < 40; index++) {
    result.push({
      key: blockKey(idOf(index * 2)),
      sequence: 100 + index,
      tombstone: index % 7 === 3,
      value: `v${index}`,
    });
  }
  for (let target = 1; target <= 5; target++) {
    result.push({
      key: outgoingKey(idOf(2), 'calls', idOf(target * 2 + 1)),
      sequence: 200 + target,
      tombstone: false,
      value: '{"line":1}',
    });
    result.push({
      key: incomingKey(idOf(target * 2 + 1), 'calls', idOf(2)),
      sequence: 200 + target,
      tombstone: target === 4,
      value: '',
    });
  }
  return result.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Partitions of about two data blocks and filter pages of 64 bits: many of each from few keys. */
const smallPieces: TableLayout = { indexPartitionBytes: 100, bloomPageBits: 64 };

/** A table of format 1, written by the writer before format 2 from the same rows(), block size 256. */
const formatOneTable = fileURLToPath(
  new URL('../../../test/fixtures/storage/table-format-1.sst', import.meta.url),
);

function writeTable(path: string, blockBytes = 256, layout?: TableLayout): void {
  const writer = new TableWriter(new NodeVfs().createExclusive(path), blockBytes, undefined, layout);
  for (const row of rows()) {
    const bytes = Buffer.from(row.tombstone ? '' : row.value);
    writer.add(row.key, row.sequence, row.tombstone, bytes, 0, bytes.length);
  }
  writer.finish();
}

function openTable(path: string, vfs = new NodeVfs()): TableReader {
  return TableReader.open(vfs, path, 1, new BlockCache(1 << 20), new TableMetadataBudget(1 << 20));
}

/** Whether the paged filter section `section` may hold `key`, read as a table reader reads it. */
function filterMayContain(section: Buffer, key: string): boolean {
  const layout = decodeBloomHeader(section.subarray(0, bloomHeaderBytes - 4), section.length);
  assert.ok(layout !== undefined, 'a well-formed filter header');
  const [first, step] = hashPair(key);
  const start = bloomHeaderBytes + pageOf(first, step, layout.pageCount) * (layout.pageBits / 8 + 4);
  return new BloomPage(section, start, layout.pageBits, layout.hashCount).mayContain(first, step);
}

function readAll(reader: TableReader): Row[] {
  return [...reader.entries()].map((entry) => ({
    key: entry.key,
    sequence: entry.sequence,
    tombstone: entry.tombstone,
    value: entry.value.toString('utf8', entry.valueStart, entry.valueEnd),
  }));
}

/**
 * A scan, a point read of every key and of many absent ones: between them they read every
 * section of the table, every filter page included.
 */
function readEverything(reader: TableReader): string {
  const points = rows().map((row) => reader.get(row.key)?.sequence ?? 'missing');
  const absent = Array.from({ length: 400 }, (_, index) => reader.get(blockKey(idOf(index * 2 + 1))));
  return JSON.stringify({ scan: readAll(reader), points, absent: absent.filter((found) => found) });
}

describe('SSTable', () => {
  it('fills its bloom filter in steps to the same bits as at once, and takes no key after', () => {
    const keys = Array.from({ length: 5_000 }, (_, index) =>
      Buffer.from(blockKey(idOf(index * 7919)), 'latin1'),
    );
    const whole = new BloomBuilder();
    const stepped = new BloomBuilder();
    for (const key of keys) {
      whole.add(key, 0, key.length);
      stepped.add(key, 0, key.length);
    }
    let steps = 0;
    while (!stepped.place(97)) steps++;
    assert.equal(steps, Math.ceil(keys.length / 97) - 1);
    assert.deepEqual(stepped.finish(), whole.finish());
    const section = stepped.finish();
    assert.ok(keys.every((key) => filterMayContain(section, key.toString('latin1'))));
    assert.throws(() => stepped.add(keys[0] as Buffer, 0, 3));
  });

  it('pages its filter without losing a key or letting false positives grow', () => {
    const keyOf = (index: number) => blockKey(idOf(index));
    for (const pageBits of [64, 4096, 32 * 1024]) {
      const builder = new BloomBuilder(pageBits);
      for (let index = 0; index < 20_000; index++) {
        const key = Buffer.from(keyOf(index * 2), 'latin1');
        builder.add(key, 0, key.length);
      }
      const section = builder.finish();
      const layout = decodeBloomHeader(section.subarray(0, bloomHeaderBytes - 4), section.length);
      assert.equal(layout?.pageCount, Math.ceil(200_000 / pageBits), `${pageBits}-bit pages`);
      for (let index = 0; index < 20_000; index++) assert.ok(filterMayContain(section, keyOf(index * 2)));
      let falsePositives = 0;
      for (let index = 0; index < 20_000; index++)
        if (filterMayContain(section, keyOf(index * 2 + 1))) falsePositives++;
      // Ten bits per key and seven hashes: about 0.8 % in one flat filter. Pages of 64 bits hold
      // six keys on average and vary more, but most of the filter's bits still work.
      const bound = pageBits === 64 ? 0.04 : 0.015;
      assert.ok(falsePositives / 20_000 < bound, `${pageBits}-bit pages: ${falsePositives} false positives`);
    }
  });

  it('reads a format-1 table (one index block, one whole filter) as it reads its own', (t) => {
    const path = join(makeTempDir(t), 'table.sst');
    writeTable(path);
    const current = openTable(path);
    const old = openTable(formatOneTable);
    assert.equal(old.footer.version, 1);
    assert.equal(current.footer.version, 2);
    assert.equal(readEverything(old), readEverything(current));
    for (const prefix of [outgoingPrefix(idOf(2)), incomingPrefix(idOf(5)), outgoingPrefix(idOf(4))]) {
      assert.deepEqual(
        old.scanPrefix(prefix).map((entry) => entry.key),
        current.scanPrefix(prefix).map((entry) => entry.key),
      );
    }
    old.release();
    current.release();
  });

  it('reads a few KiB of a large table for one lookup, not its whole index and filter', (t) => {
    const path = join(makeTempDir(t), 'large.sst');
    const writer = new TableWriter(new NodeVfs().createExclusive(path), 16 * 1024);
    const value = Buffer.alloc(200, 7);
    for (let index = 0; index < 100_000; index++)
      writer.add(blockKey(idOf(index)), index + 1, false, value, 0, 200);
    writer.finish();
    const vfs = new NodeVfs();
    let bytesRead = 0;
    const open = vfs.open.bind(vfs);
    vfs.open = (file, mode) => {
      const handle = open(file, mode);
      const read = handle.read.bind(handle);
      const readInto = handle.readInto.bind(handle);
      handle.read = (offset, length) => {
        bytesRead += length;
        return read(offset, length);
      };
      handle.readInto = (offset, target) => {
        bytesRead += target.length;
        return readInto(offset, target);
      };
      return handle;
    };
    const reader = openTable(path, vfs);
    assert.ok(reader.footer.blockCount > 1000, `${reader.footer.blockCount} data blocks`);
    assert.equal(reader.get(blockKey(idOf(77_777)))?.sequence, 77_778);
    // The footer, the top level of the index (about 30 bytes per partition), one partition, the
    // filter's header and one page, one data block: the whole index alone is over 100 KiB.
    assert.ok(bytesRead < 48 * 1024, `${bytesRead} bytes read for one lookup`);
    reader.release();
  });

  for (const [name, layout] of [
    ['default pieces', undefined],
    ['small pieces', smallPieces],
  ] as const) {
    it(`round-trips entries across many data blocks, point reads included (${name})`, (t) => {
      const path = join(makeTempDir(t), 'table.sst');
      writeTable(path, 256, layout);
      const reader = openTable(path);
      assert.ok(reader.footer.blockCount > 3, 'the fixture spans several blocks');
      if (layout !== undefined) {
        const bytes = readFileSync(path);
        const partitions = bytes.readUInt32LE(reader.footer.indexOffset);
        const pages = bytes.readUInt32LE(reader.footer.bloomOffset);
        assert.ok(partitions > 3 && pages > 3, `${partitions} index partitions, ${pages} filter pages`);
      }
      const expected = rows().map((row) => ({ ...row, value: row.tombstone ? '' : row.value }));
      assert.deepEqual(readAll(reader), expected);
      for (const row of expected) {
        const found = reader.get(row.key);
        assert.equal(found?.sequence, row.sequence);
        assert.equal(found?.tombstone, row.tombstone, 'tombstones are found like values');
      }
      assert.equal(reader.get(blockKey(idOf(1))), undefined);
      assert.equal(reader.get(blockKey(idOf(999))), undefined);
      reader.release();
    });
  }

  it('scans adjacency prefixes in both directions', (t) => {
    const path = join(makeTempDir(t), 'table.sst');
    writeTable(path);
    const reader = openTable(path);
    assert.equal(reader.scanPrefix(outgoingPrefix(idOf(2))).length, 5);
    assert.equal(reader.scanPrefix(outgoingPrefix(idOf(2), 'calls')).length, 5);
    assert.equal(reader.scanPrefix(outgoingPrefix(idOf(2), 'imports')).length, 0);
    assert.equal(reader.scanPrefix(incomingPrefix(idOf(2))).length, 5);
    assert.equal(reader.scanPrefix(outgoingPrefix(idOf(4))).length, 0);
    reader.release();
  });

  for (const [name, layout] of [
    ['default pieces', undefined],
    ['small pieces', smallPieces],
  ] as const) {
    it(`finds every prefix and key exactly when entries straddle many small blocks (${name})`, (t) => {
      const path = join(makeTempDir(t), 'table.sst');
      writeTable(path, 64, layout); // about one entry per block
      const reader = openTable(path);
      const keys = rows().map((row) => row.key);
      const prefixes = [...Array(16).keys()].flatMap((node) => [
        outgoingPrefix(idOf(node)),
        outgoingPrefix(idOf(node), 'calls'),
        incomingPrefix(idOf(node)),
        incomingPrefix(idOf(node), 'imports'),
      ]);
      for (const prefix of prefixes) {
        const found = reader.scanPrefix(prefix).map((entry) => entry.key);
        assert.deepEqual(
          found,
          keys.filter((key) => key.startsWith(prefix)),
          `prefix of ${prefix.length} bytes`,
        );
      }
      for (const key of keys) assert.equal(reader.get(key)?.key, key);
      for (const key of keys) assert.equal(reader.get(`${key}\u0000`), undefined, 'a longer key is absent');
      reader.release();
    });
  }

  for (const [name, layout] of [
    ['default pieces', undefined],
    ['small pieces', smallPieces],
  ] as const) {
    it(`detects a flipped bit at every byte of the file: never returns altered data (${name})`, (t) => {
      const directory = makeTempDir(t);
      const path = join(directory, 'table.sst');
      writeTable(path, 512, layout);
      const original = readFileSync(path);
      const expected = readEverything(openTable(path));
      for (let offset = 0; offset < original.length; offset++) {
        const damaged = Buffer.from(original);
        damaged[offset] = (damaged[offset] as number) ^ (1 << offset % 8);
        const damagedPath = join(directory, `damaged-${offset}.sst`);
        writeFileSync(damagedPath, damaged);
        let outcome: string;
        try {
          const reader = openTable(damagedPath);
          outcome = readEverything(reader);
          reader.release();
        } catch (error) {
          assert.ok(isKausalError(error, 'CORRUPTION'), `byte ${offset}: ${String(error)}`);
          outcome = 'corruption';
        }
        assert.notEqual(outcome, expected, `flip at byte ${offset} went undetected`);
      }
    });
  }

  it('writes the same bytes whether keys come as strings or as byte locations', (t) => {
    const directory = makeTempDir(t);
    writeTable(join(directory, 'strings.sst'), 128);
    const writer = new TableWriter(new NodeVfs().createExclusive(join(directory, 'located.sst')), 128);
    const arena = Buffer.alloc(4096);
    let at = 3;
    for (const row of rows()) {
      const keyStart = at;
      at += arena.latin1Write(row.key, at);
      const valueStart = at;
      at += arena.write(row.tombstone ? '' : row.value, at);
      writer.addLocated(arena, keyStart, row.key.length, row.sequence, row.tombstone, arena, valueStart, at);
    }
    writer.finish();
    assert.deepEqual(
      readFileSync(join(directory, 'located.sst')),
      readFileSync(join(directory, 'strings.sst')),
    );
  });

  it('refuses keys out of order, within a block and across blocks, and malformed keys', (t) => {
    const directory = makeTempDir(t);
    const empty = Buffer.alloc(0);
    for (const blockBytes of [16, 4096]) {
      // 16 bytes: every entry fills a block, so each key is checked against the previous block's.
      const path = join(directory, `${blockBytes}.sst`);
      const writer = new TableWriter(new NodeVfs().createExclusive(path), blockBytes);
      writer.add(blockKey(idOf(5)), 1, false, empty, 0, 0);
      const refuse = (key: string, message: RegExp) => {
        assert.throws(() => writer.add(key, 2, false, empty, 0, 0), message);
        const bytes = Buffer.from(key, 'latin1');
        assert.throws(() => writer.addLocated(bytes, 0, bytes.length, 2, false, empty, 0, 0), message);
      };
      refuse(blockKey(idOf(5)), /strictly increasing/);
      refuse(blockKey(idOf(4)), /strictly increasing/);
      refuse(blockKey(idOf(5)).slice(0, 16), /strictly increasing/);
      refuse(`${blockKey(idOf(5))}\u0000`, /malformed table key/);
      refuse('\u0004', /malformed table key/);
      writer.add(blockKey(idOf(6)), 3, false, empty, 0, 0);
      assert.equal(writer.entriesWritten, 2, 'a refused key leaves the writer as it was');
      writer.finish();
      const reader = openTable(path);
      assert.deepEqual(
        readAll(reader).map((row) => row.key),
        [blockKey(idOf(5)), blockKey(idOf(6))],
      );
      reader.release();
    }
  });

  it('syncs a table as it grows when asked, so the last sync has little left', (t) => {
    const syncsWhileWriting = (syncEveryBytes?: number): { syncs: number; unsyncedMax: number } => {
      const file = new NodeVfs().createExclusive(join(makeTempDir(t), 'synced.sst'));
      let syncs = 0;
      let unsynced = 0;
      let unsyncedMax = 0;
      const append = file.append.bind(file);
      const sync = file.sync.bind(file);
      file.append = (bytes) => {
        append(bytes);
        unsynced += bytes.length;
      };
      file.sync = () => {
        sync();
        syncs++;
        unsyncedMax = Math.max(unsyncedMax, unsynced);
        unsynced = 0;
      };
      const writer = new TableWriter(file, 256, syncEveryBytes);
      for (const row of rows()) {
        const bytes = Buffer.from(row.tombstone ? '' : row.value);
        writer.add(row.key, row.sequence, row.tombstone, bytes, 0, bytes.length);
      }
      writer.finish();
      return { syncs, unsyncedMax };
    };
    assert.equal(syncsWhileWriting().syncs, 1, 'by default only finish syncs');
    const often = syncsWhileWriting(512);
    assert.ok(often.syncs >= 4, `${often.syncs} syncs`);
    // A sync comes once 512 bytes are pending, so at most 512 plus one append stay unsynced.
    assert.ok(often.unsyncedMax < 512 + 600, `${often.unsyncedMax} bytes unsynced at once`);
  });

  it('rejects a truncated table', (t) => {
    const directory = makeTempDir(t);
    const path = join(directory, 'table.sst');
    writeTable(path);
    const bytes = readFileSync(path);
    for (const length of [0, 10, 63, bytes.length - 1]) {
      writeFileSync(path, bytes.subarray(0, length));
      assert.throws(
        () => openTable(path),
        (error) => isKausalError(error, 'CORRUPTION'),
      );
    }
  });
});
