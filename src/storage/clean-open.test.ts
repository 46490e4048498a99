// The cheap open: after a clean close a database opens by reading only (no manifest rewrite, no
// new log segment, no table metadata), the first write of such a session first records that the
// database is no longer closed cleanly, and a session that failed stop never records a clean
// close. Table metadata damage, no longer seen at open, is reported by the first read that needs it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from '../core/checksum.js';
import { isKausalError } from '../core/errors.js';
import { Database } from '../database.js';
import { blockOf, edgeOf, idOf } from '../testing/fixtures.js';
import { SimVfs } from '../vfs/sim-vfs.js';
import { readWholeFile } from '../vfs/vfs.js';
import { decodeFooter, footerBytes } from './sstable/table-format.js';

const directory = '/db';
const writeOperations = [
  'create',
  'append',
  'write',
  'truncate',
  'sync',
  'syncDirectory',
  'rename',
  'unlink',
] as const;

/** The JSON of the manifest's last record. */
function lastManifestRecord(vfs: SimVfs): Record<string, unknown> {
  const bytes = Buffer.from(readWholeFile(vfs, `${directory}/MANIFEST`));
  let offset = 0;
  let json = '';
  while (offset + 8 <= bytes.length) {
    const length = bytes.readUInt32LE(offset);
    json = bytes.toString('utf8', offset + 8, offset + 8 + length);
    offset += 8 + length;
  }
  return JSON.parse(json) as Record<string, unknown>;
}

function populated(vfs: SimVfs, close: { flush?: boolean } = {}): void {
  const db = Database.open(directory, { vfs, tableBlockBytes: 256 });
  db.write([...Array(40).keys()].map((index) => ({ kind: 'put_block' as const, block: blockOf(index) })));
  db.putEdge(edgeOf(1, 2));
  db.close(close);
}

describe('opening a cleanly closed database', () => {
  it('only reads: it succeeds and answers with every write and sync failing', () => {
    const vfs = new SimVfs({ seed: 21 });
    populated(vfs);
    assert.equal(typeof lastManifestRecord(vfs)['closedCleanly'], 'number');
    const before = vfs.list(directory);
    const fault = vfs.injectFault({ kind: 'EIO', operation: [...writeOperations], path: /\/db\/(?!LOCK)/ });
    const db = Database.open(directory, { vfs, tableBlockBytes: 256 });
    assert.equal(db.stats().tableMetadataBytes, 0, 'no table metadata is loaded at open');
    assert.equal(db.getBlock(idOf(7))?.content, 'content 7');
    assert.equal(db.incomingEdges(idOf(2)).length, 1);
    assert.ok(db.stats().tableMetadataBytes > 0, 'the reads loaded it');
    db.close();
    assert.equal(fault.fired, 0, 'the session wrote nothing');
    assert.deepEqual(vfs.list(directory), before);
  });

  it('records that it is no longer closed cleanly before its first write', () => {
    const vfs = new SimVfs({ seed: 22 });
    populated(vfs);
    const db = Database.open(directory, { vfs });
    assert.equal(typeof lastManifestRecord(vfs)['closedCleanly'], 'number', 'reads leave the flag');
    db.putBlock(blockOf(100));
    assert.equal(lastManifestRecord(vfs)['closedCleanly'], undefined);
    db.close();
    assert.equal(typeof lastManifestRecord(vfs)['closedCleanly'], 'number');
  });

  it('a session that failed stop does not record a clean close; the next open recovers', () => {
    const vfs = new SimVfs({ seed: 23 });
    populated(vfs);
    const db = Database.open(directory, { vfs });
    vfs.injectFault({ kind: 'EIO', operation: 'sync', path: /wal-/, count: 1 });
    assert.throws(
      () => db.putBlock(blockOf(100)),
      (error) => isKausalError(error, 'IO_ERROR'),
    );
    db.close();
    assert.equal(lastManifestRecord(vfs)['closedCleanly'], undefined);
    const reopened = Database.open(directory, { vfs });
    assert.equal(reopened.stats().recovery.framesReplayed, 1, 'the unsynced frame is replayed …');
    reopened.close({ flush: false });
    vfs.crash();
    const afterCrash = Database.open(directory, { vfs });
    assert.equal(afterCrash.getBlock(idOf(100))?.content, 'content 100', '… and made durable by that open');
    afterCrash.close();
  });

  it('a clean close that left log frames still replays and retires them', () => {
    const vfs = new SimVfs({ seed: 24 });
    populated(vfs, { flush: false });
    assert.equal(typeof lastManifestRecord(vfs)['closedCleanly'], 'number');
    const db = Database.open(directory, { vfs });
    assert.equal(db.stats().recovery.framesReplayed, 2);
    assert.equal(db.stats().flushes, 1, 'the replayed frames went to a table');
    db.close();
    vfs.crash();
    const again = Database.open(directory, { vfs });
    assert.equal(again.getBlock(idOf(39))?.content, 'content 39');
    again.close();
  });

  it('does not trust a flag an older engine copied into a changed snapshot', () => {
    const vfs = new SimVfs({ seed: 26 });
    populated(vfs);
    const record = lastManifestRecord(vfs);
    const copied = Buffer.from(
      JSON.stringify({ ...record, nextFileNumber: Number(record['nextFileNumber']) + 1 }),
    );
    const header = Buffer.alloc(8);
    header.writeUInt32LE(copied.length, 0);
    header.writeUInt32LE(crc32(copied), 4);
    vfs.unlink(`${directory}/MANIFEST`);
    const file = vfs.createExclusive(`${directory}/MANIFEST`);
    file.append(Buffer.concat([header, copied]));
    file.sync();
    file.close();
    const db = Database.open(directory, { vfs });
    assert.equal(lastManifestRecord(vfs)['closedCleanly'], undefined, 'the open rewrote the manifest');
    db.close();
  });

  it('reports a damaged table index at the first read that needs it, naming the file', () => {
    const vfs = new SimVfs({ seed: 25 });
    populated(vfs);
    const table = vfs.list(directory).find((name) => name.startsWith('table-')) as string;
    const path = `${directory}/${table}`;
    const bytes = Buffer.from(readWholeFile(vfs, path));
    const footer = decodeFooter(bytes.subarray(bytes.length - footerBytes), path, bytes.length);
    vfs.flipBit(path, footer.indexOffset + 6);
    const db = Database.open(directory, { vfs, tableBlockBytes: 256 });
    assert.throws(
      () => db.getBlock(idOf(7)),
      (error) => isKausalError(error, 'CORRUPTION') && error.message.includes(path),
    );
    db.close({ flush: false });
  });
});
