// The conformance suite every Vfs must pass (NodeVfs and SimVfs alike). It checks the behaviour
// callers rely on: error codes, positional I/O at and past the end of file, append, truncate,
// atomic rename, sorted listings, recursive mkdir, stat, locks and closed handles. Durability under
// crashes is SimVfs-specific and tested beside it.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isKausalError, type ErrorCode } from '../core/errors.js';
import { joinPath, readWholeFile, type Vfs } from './vfs.js';

export interface VfsContractFixture {
  readonly vfs: Vfs;
  /** An existing, empty directory the suite may fill. */
  readonly root: string;
  cleanup(): void;
}

/** Asserts that `action` throws a KausalError with `code` whose message names `fragments`. */
export function assertVfsError(action: () => unknown, code: ErrorCode, ...fragments: string[]): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isKausalError(error), `expected a KausalError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  });
}

/** Byte equality that ignores the class (Buffer or Uint8Array) and names the first difference. */
export function assertBytesEqual(actual: Uint8Array, expected: Uint8Array, label = 'bytes'): void {
  assert.equal(
    actual.length,
    expected.length,
    `${label}: length ${actual.length}, expected ${expected.length}`,
  );
  const index = actual.findIndex((byte, at) => byte !== expected[at]);
  assert.equal(index, -1, `${label}: first difference at offset ${index}`);
}

/** `length` bytes of a recognisable pattern; `salt` tells two patterns apart. */
export function patternBytes(length: number, salt = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index += 1) bytes[index] = (index * 31 + salt * 7 + 1) & 0xff;
  return bytes;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export function runVfsContract(name: string, makeVfs: () => VfsContractFixture): void {
  describe(`Vfs contract: ${name}`, () => {
    let fixture: VfsContractFixture;
    let vfs: Vfs;
    let at: (...parts: string[]) => string;

    beforeEach(() => {
      fixture = makeVfs();
      vfs = fixture.vfs;
      at = (...parts) => joinPath(fixture.root, ...parts);
    });
    afterEach(() => fixture.cleanup());

    function writeFile(path: string, bytes: Uint8Array): void {
      const file = vfs.createExclusive(path);
      file.write(0, bytes);
      file.close();
    }

    describe('open and create', () => {
      it('open of a missing file throws NOT_FOUND naming the operation and the path', () => {
        assertVfsError(() => vfs.open(at('missing'), 'read'), 'NOT_FOUND', 'open', at('missing'));
        assertVfsError(() => vfs.open(at('missing'), 'readwrite'), 'NOT_FOUND', 'open', at('missing'));
      });

      it('open in a missing directory throws NOT_FOUND', () => {
        assertVfsError(() => vfs.open(at('nowhere', 'file'), 'read'), 'NOT_FOUND', at('nowhere', 'file'));
      });

      it('createExclusive makes an empty file and refuses an existing one with ALREADY_EXISTS', () => {
        const file = vfs.createExclusive(at('a'));
        assert.equal(file.size(), 0);
        assert.equal(file.path, at('a'));
        file.close();
        assertVfsError(() => vfs.createExclusive(at('a')), 'ALREADY_EXISTS', 'create', at('a'));
      });

      it('createExclusive refuses a path that is a directory', () => {
        vfs.mkdir(at('directory'));
        assertVfsError(() => vfs.createExclusive(at('directory')), 'ALREADY_EXISTS');
      });

      it('createExclusive in a missing directory throws NOT_FOUND', () => {
        assertVfsError(() => vfs.createExclusive(at('nowhere', 'file')), 'NOT_FOUND', at('nowhere', 'file'));
      });

      it('open for readwrite of a directory throws IO_ERROR', () => {
        vfs.mkdir(at('directory'));
        assertVfsError(() => vfs.open(at('directory'), 'readwrite'), 'IO_ERROR', at('directory'));
      });
    });

    describe('positional reads and writes', () => {
      it('reads back what was written, whole and in parts', () => {
        const bytes = patternBytes(3000);
        writeFile(at('f'), bytes);
        const file = vfs.open(at('f'), 'read');
        assertBytesEqual(file.read(0, 3000), bytes);
        assertBytesEqual(file.read(511, 2), bytes.subarray(511, 513));
        assertBytesEqual(file.read(1000, 1024), bytes.subarray(1000, 2024));
        file.close();
      });

      it('reads past the end return a shorter array, and an empty one at or beyond the end', () => {
        writeFile(at('f'), text('hello'));
        const file = vfs.open(at('f'), 'read');
        assert.equal(decode(file.read(2, 100)), 'llo');
        assert.equal(file.read(5, 10).length, 0);
        assert.equal(file.read(1000, 10).length, 0);
        assert.equal(file.read(0, 0).length, 0);
        file.close();
      });

      it('reads into memory the caller gives, fewer bytes only at the end of the file', () => {
        const bytes = patternBytes(3000);
        writeFile(at('f'), bytes);
        const file = vfs.open(at('f'), 'read');
        const target = new Uint8Array(1024).fill(7);
        assert.equal(file.readInto(1000, target), 1024);
        assertBytesEqual(target, bytes.subarray(1000, 2024));
        assert.equal(file.readInto(2500, target), 500);
        assertBytesEqual(target.subarray(0, 500), bytes.subarray(2500));
        assert.ok(target.subarray(500).every((byte, index) => byte === bytes[1500 + index]));
        assert.equal(file.readInto(3000, target), 0);
        file.close();
      });

      it('a write past the end extends the file with zeros', () => {
        const file = vfs.createExclusive(at('f'));
        file.write(0, text('ab'));
        file.write(1000, text('cd'));
        assert.equal(file.size(), 1002);
        const bytes = file.read(0, 2000);
        assert.equal(bytes.length, 1002);
        assert.equal(decode(bytes.subarray(0, 2)), 'ab');
        assert.ok(bytes.subarray(2, 1000).every((byte) => byte === 0));
        assert.equal(decode(bytes.subarray(1000)), 'cd');
        file.close();
      });

      it('an overwrite inside the file keeps its size', () => {
        const file = vfs.createExclusive(at('f'));
        file.write(0, text('abcdef'));
        file.write(2, text('XY'));
        assert.equal(file.size(), 6);
        assert.equal(decode(file.read(0, 6)), 'abXYef');
        file.close();
      });

      it('an empty write changes nothing, even past the end', () => {
        const file = vfs.createExclusive(at('f'));
        file.write(0, text('abc'));
        file.write(100, new Uint8Array(0));
        file.append(new Uint8Array(0));
        assert.equal(file.size(), 3);
        file.close();
      });

      it('a megabyte round-trips across every sector boundary', () => {
        const bytes = patternBytes(1 << 20, 3);
        const file = vfs.createExclusive(at('big'));
        for (let offset = 0; offset < bytes.length; offset += 100_000) {
          file.write(offset, bytes.subarray(offset, offset + 100_000));
        }
        file.sync();
        file.close();
        assertBytesEqual(readWholeFile(vfs, at('big')), bytes);
      });
    });

    describe('append, size and truncate', () => {
      it('append writes at the current end, after positional writes and truncates', () => {
        const file = vfs.createExclusive(at('log'));
        file.append(text('one'));
        file.append(text('two'));
        file.write(10, text('X'));
        file.append(text('three'));
        assert.equal(file.size(), 16);
        file.truncate(3);
        file.append(text('four'));
        assert.equal(decode(file.read(0, 100)), 'onefour');
        file.close();
      });

      it('append after reopening continues at the end of the existing content', () => {
        writeFile(at('log'), text('first'));
        const file = vfs.open(at('log'), 'readwrite');
        file.append(text('+second'));
        file.close();
        assert.equal(decode(readWholeFile(vfs, at('log'))), 'first+second');
      });

      it('two handles on one file see each other: appends through either land at the end', () => {
        const writer = vfs.createExclusive(at('shared'));
        const other = vfs.open(at('shared'), 'readwrite');
        writer.append(text('aa'));
        other.append(text('bb'));
        writer.append(text('cc'));
        other.truncate(4);
        writer.append(text('dd'));
        assert.equal(other.size(), 6);
        assert.equal(decode(other.read(0, 10)), 'aabbdd');
        writer.close();
        other.close();
      });

      it('truncate shrinks and grows with zeros', () => {
        const file = vfs.createExclusive(at('f'));
        file.write(0, patternBytes(2000));
        file.truncate(700);
        assert.equal(file.size(), 700);
        assertBytesEqual(file.read(0, 2000), patternBytes(2000).subarray(0, 700));
        file.truncate(1500);
        assert.equal(file.size(), 1500);
        assert.ok(file.read(700, 800).every((byte) => byte === 0));
        file.truncate(0);
        assert.equal(file.size(), 0);
        file.close();
      });

      it('sync keeps the content, also through a read-only handle', () => {
        const file = vfs.createExclusive(at('f'));
        file.write(0, text('durable'));
        file.sync();
        assert.equal(decode(file.read(0, 100)), 'durable');
        file.close();
        const reader = vfs.open(at('f'), 'read');
        reader.sync();
        reader.close();
      });
    });

    describe('handles', () => {
      it('a read-only handle refuses write, append and truncate with IO_ERROR', () => {
        writeFile(at('f'), text('abc'));
        const file = vfs.open(at('f'), 'read');
        assertVfsError(() => file.write(0, text('x')), 'IO_ERROR', 'write', at('f'));
        assertVfsError(() => file.append(text('x')), 'IO_ERROR', 'append', at('f'));
        assertVfsError(() => file.truncate(0), 'IO_ERROR', 'truncate', at('f'));
        assert.equal(decode(file.read(0, 10)), 'abc');
        file.close();
      });

      it('a closed handle throws CLOSED for every operation; closing twice is harmless', () => {
        const file = vfs.createExclusive(at('f'));
        file.close();
        file.close();
        assertVfsError(() => file.read(0, 1), 'CLOSED', 'read', at('f'));
        assertVfsError(() => file.write(0, text('x')), 'CLOSED', 'write', at('f'));
        assertVfsError(() => file.append(text('x')), 'CLOSED', 'append');
        assertVfsError(() => file.size(), 'CLOSED', 'size');
        assertVfsError(() => file.truncate(0), 'CLOSED', 'truncate');
        assertVfsError(() => file.sync(), 'CLOSED', 'sync');
      });

      it('an open handle keeps its file through a rename and an unlink', () => {
        writeFile(at('f'), text('kept'));
        const file = vfs.open(at('f'), 'readwrite');
        vfs.rename(at('f'), at('g'));
        file.append(text('!'));
        assert.equal(decode(readWholeFile(vfs, at('g'))), 'kept!');
        vfs.unlink(at('g'));
        assert.equal(decode(file.read(0, 10)), 'kept!');
        file.close();
        assert.equal(vfs.exists(at('g')), false);
      });
    });

    describe('namespace', () => {
      it('rename atomically replaces the target', () => {
        writeFile(at('new'), text('new content'));
        writeFile(at('current'), text('old content'));
        vfs.rename(at('new'), at('current'));
        assert.equal(vfs.exists(at('new')), false);
        assert.equal(decode(readWholeFile(vfs, at('current'))), 'new content');
        assert.deepEqual(vfs.list(fixture.root), ['current']);
      });

      it('rename moves a file between directories', () => {
        vfs.mkdir(at('a'));
        vfs.mkdir(at('b'));
        writeFile(at('a', 'f'), text('moved'));
        vfs.rename(at('a', 'f'), at('b', 'g'));
        assert.deepEqual(vfs.list(at('a')), []);
        assert.equal(decode(readWholeFile(vfs, at('b', 'g'))), 'moved');
      });

      it('rename of a missing source throws NOT_FOUND naming both paths', () => {
        assertVfsError(
          () => vfs.rename(at('missing'), at('x')),
          'NOT_FOUND',
          'rename',
          at('missing'),
          at('x'),
        );
      });

      it('unlink removes the entry; a missing one throws NOT_FOUND', () => {
        writeFile(at('f'), text('x'));
        vfs.unlink(at('f'));
        assert.equal(vfs.exists(at('f')), false);
        assertVfsError(() => vfs.open(at('f'), 'read'), 'NOT_FOUND');
        assertVfsError(() => vfs.unlink(at('f')), 'NOT_FOUND', 'unlink', at('f'));
      });

      it('unlink of a directory throws IO_ERROR', () => {
        vfs.mkdir(at('directory'));
        assertVfsError(() => vfs.unlink(at('directory')), 'IO_ERROR', 'unlink');
      });

      it('list returns files and directories sorted by code unit', () => {
        for (const name of ['b', 'a', 'B', '10', '9', 'é', '_']) writeFile(at(name), text(name));
        vfs.mkdir(at('c'));
        assert.deepEqual(vfs.list(fixture.root), ['10', '9', 'B', '_', 'a', 'b', 'c', 'é']);
        assert.deepEqual(vfs.list(at('c')), []);
      });

      it('list of a missing directory throws NOT_FOUND; of a file, IO_ERROR', () => {
        assertVfsError(() => vfs.list(at('missing')), 'NOT_FOUND', 'list', at('missing'));
        writeFile(at('f'), text('x'));
        assertVfsError(() => vfs.list(at('f')), 'IO_ERROR', 'list', at('f'));
      });

      it('mkdir creates missing parents and is idempotent', () => {
        vfs.mkdir(at('a', 'b', 'c'));
        vfs.mkdir(at('a', 'b', 'c'));
        vfs.mkdir(at('a'));
        assert.deepEqual(vfs.list(at('a')), ['b']);
        assert.equal(vfs.stat(at('a', 'b', 'c')).isDirectory, true);
        writeFile(at('a', 'b', 'c', 'f'), text('x'));
        vfs.mkdir(at('a', 'b'));
        assert.deepEqual(vfs.list(at('a', 'b', 'c')), ['f']);
      });

      it('mkdir over a file throws ALREADY_EXISTS', () => {
        writeFile(at('f'), text('x'));
        assertVfsError(() => vfs.mkdir(at('f')), 'ALREADY_EXISTS', 'mkdir', at('f'));
      });

      it('stat reports size, kind and a modification time; a missing path is NOT_FOUND', () => {
        writeFile(at('f'), patternBytes(1234));
        vfs.mkdir(at('d'));
        const file = vfs.stat(at('f'));
        assert.equal(file.size, 1234);
        assert.equal(file.isDirectory, false);
        assert.ok(Number.isFinite(file.mtimeMs) && file.mtimeMs > 0);
        assert.equal(vfs.stat(at('d')).isDirectory, true);
        assertVfsError(() => vfs.stat(at('missing')), 'NOT_FOUND', 'stat', at('missing'));
      });

      it('exists tells files, directories and missing paths apart', () => {
        writeFile(at('f'), text('x'));
        vfs.mkdir(at('d'));
        assert.equal(vfs.exists(at('f')), true);
        assert.equal(vfs.exists(at('d')), true);
        assert.equal(vfs.exists(at('missing')), false);
        assert.equal(vfs.exists(at('missing', 'deeper')), false);
      });

      it('syncDirectory accepts a directory and throws NOT_FOUND for a missing one', () => {
        writeFile(at('f'), text('x'));
        vfs.syncDirectory(fixture.root);
        assertVfsError(() => vfs.syncDirectory(at('missing')), 'NOT_FOUND', 'syncDirectory', at('missing'));
      });
    });

    describe('locks', () => {
      it('a second lock on the same path throws LOCKED naming the owner; after release it can be taken', () => {
        const lock = vfs.lock(at('LOCK'), 'first-owner');
        assertVfsError(
          () => vfs.lock(at('LOCK'), 'second-owner'),
          'LOCKED',
          'lock',
          at('LOCK'),
          'first-owner',
        );
        lock.release();
        const again = vfs.lock(at('LOCK'), 'second-owner');
        assertVfsError(() => vfs.lock(at('LOCK'), 'third-owner'), 'LOCKED', 'second-owner');
        again.release();
      });

      it('release is idempotent and removes the lock file', () => {
        const lock = vfs.lock(at('LOCK'), 'owner');
        assert.equal(vfs.exists(at('LOCK')), true);
        lock.release();
        lock.release();
        assert.equal(vfs.exists(at('LOCK')), false);
      });

      it('locks on different paths are independent', () => {
        const first = vfs.lock(at('one.lock'), 'a');
        const second = vfs.lock(at('two.lock'), 'b');
        first.release();
        second.release();
      });

      it('a lock in a missing directory throws NOT_FOUND', () => {
        assertVfsError(() => vfs.lock(at('nowhere', 'LOCK'), 'owner'), 'NOT_FOUND', 'lock');
      });
    });
  });
}
