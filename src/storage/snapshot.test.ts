// Read-only snapshots of a database another engine holds (StorageEngine.openSnapshot): what they
// see, that they write nothing, and that a writer moving on while one opens (a flush retiring the
// log it reads, a merge removing a table it names) makes it start again instead of missing data.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { isKausalError, KausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import { Database } from '../database.js';
import { blockOf, idOf } from '../testing/fixtures.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { NodeVfs } from '../vfs/node-vfs.js';
import type { Vfs } from '../vfs/vfs.js';
import { readManifest, manifestFileName } from './manifest/manifest.js';
import { parseSegmentName } from './wal/wal.js';

const small = { memtableBytes: limits.memtableBytesMin, tableBlockBytes: 1024 };

/**
 * A file system whose `method` calls go through `around`, which may act first (a writer moving
 * on, a file gone) and calls `proceed` for the real call.
 */
function vfsAround(method: 'list' | 'open', around: (path: string, proceed: () => unknown) => unknown): Vfs {
  return new Proxy(new NodeVfs(), {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(target);
      return (path: string, ...rest: unknown[]) =>
        around(path, () => (value as (...args: unknown[]) => unknown).call(target, path, ...rest));
    },
  });
}

/** Puts blocks `from` to `to` - 1, each with the content `v<index>`. */
function putNumbered(db: Database, from: number, to: number): void {
  for (let index = from; index < to; index++) db.putBlock(blockOf(index, `v${index}`));
}

/** A writer on `directory` whose blocks 0 to `count` - 1 (see putNumbered) are flushed to a table. */
function flushedWriter(directory: string, count: number): Database {
  const writer = Database.open(directory, small);
  putNumbered(writer, 0, count);
  writer.flush();
  return writer;
}

/** The log segments below the manifest's walStart: retired, their removal left to the background. */
function retiredSegments(directory: string): string[] {
  const { walStart } = readManifest(new NodeVfs(), join(directory, manifestFileName)).state;
  return readdirSync(directory).filter((name) => (parseSegmentName(name) ?? walStart) < walStart);
}

function contentsOf(db: Database, count: number): (string | undefined)[] {
  return [...Array(count).keys()].map((index) => db.getBlock(idOf(index))?.content);
}

describe('Database.openSnapshot', () => {
  it('sees tables and the live log as they stand, and nothing written after it opened', (t) => {
    const directory = makeTempDir(t);
    const writer = flushedWriter(directory, 40);
    putNumbered(writer, 40, 50); // log only
    writer.deleteBlock(idOf(3));

    const snapshot = Database.openSnapshot(directory);
    const expected = [...Array(50).keys()].map((index) => (index === 3 ? undefined : `v${index}`));
    assert.deepEqual(contentsOf(snapshot, 50), expected);
    writer.putBlock(blockOf(50, 'later'));
    writer.putBlock(blockOf(7, 'changed later'));
    assert.equal(snapshot.getBlock(idOf(50)), undefined, 'a later write is not seen');
    assert.equal(snapshot.getBlock(idOf(7))?.content, 'v7');
    assert.equal([...snapshot.scanBlocks()].length, 49);
    snapshot.close();
    writer.close();
  });

  it('writes nothing: writes throw UNSUPPORTED, and close leaves every file as it was', async (t) => {
    const directory = makeTempDir(t);
    const writer = Database.open(directory, small);
    putNumbered(writer, 0, 30);
    const files = (): string[] => readdirSync(directory).sort();
    // The writer's flushes retire log segments with unlinks that land in the background: the
    // listing to compare is the one after they have (a CI run once caught one landing midway).
    for (let waits = 0; retiredSegments(directory).length > 0 && waits < 400; waits++) await delay(5);
    const before = files();
    const manifest = readFileSync(join(directory, manifestFileName));

    const snapshot = Database.openSnapshot(directory, small);
    const unsupported = (error: unknown): boolean => isKausalError(error, 'UNSUPPORTED');
    assert.throws(() => snapshot.putBlock(blockOf(100)), unsupported);
    assert.throws(() => snapshot.flush(), unsupported);
    assert.throws(() => snapshot.compact(), unsupported);
    assert.throws(() => snapshot.maintenance(), unsupported);
    snapshot.close();
    assert.deepEqual(files(), before);
    assert.deepEqual(readFileSync(join(directory, manifestFileName)), manifest);
    writer.close();
  });

  it('starts again when a flush retires the log it is about to read', (t) => {
    const directory = makeTempDir(t);
    const writer = flushedWriter(directory, 10);
    putNumbered(writer, 10, 20);
    let lists = 0;
    const vfs = vfsAround('list', (_path, proceed) => {
      if (lists++ === 0) {
        // Between the manifest the snapshot read and its listing of the log: the writer flushes
        // the log's data to a new table and its segments are removed at once.
        writer.flush();
        for (const name of retiredSegments(directory)) unlinkSync(join(directory, name));
      }
      return proceed();
    });
    const snapshot = Database.openSnapshot(directory, { vfs });
    assert.deepEqual(
      contentsOf(snapshot, 20),
      [...Array(20).keys()].map((index) => `v${index}`),
      'nothing the flush moved is missing',
    );
    assert.ok(lists >= 2, 'it listed the log again');
    snapshot.close();
    writer.close();
  });

  it('starts again when a table it names is gone before it opens it', (t) => {
    const directory = makeTempDir(t);
    const writer = flushedWriter(directory, 10);
    writer.close();
    let opens = 0;
    const vfs = vfsAround('open', (path, proceed) => {
      // As if a merge had removed the table between the manifest and this open, once.
      if (path.endsWith('.sst') && opens++ === 0) throw new KausalError('NOT_FOUND', `open ${path}`);
      return proceed();
    });
    const snapshot = Database.openSnapshot(directory, { vfs });
    assert.deepEqual(
      contentsOf(snapshot, 10),
      [...Array(10).keys()].map((index) => `v${index}`),
    );
    assert.ok(opens >= 2);
    snapshot.close();
  });

  it('refuses a directory without a database', (t) => {
    assert.throws(
      () => Database.openSnapshot(join(makeTempDir(t), 'none')),
      (error: unknown) => isKausalError(error, 'NOT_FOUND'),
    );
  });
});
