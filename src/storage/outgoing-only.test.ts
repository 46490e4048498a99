import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../database.js';
import { edgeOf, idOf } from '../testing/fixtures.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { NodeVfs } from '../vfs/node-vfs.js';
import { keyspaceIncoming } from './keys.js';
import { manifestFileName, readManifest } from './manifest/manifest.js';
import { BlockCache } from './sstable/block-cache.js';
import { tableFileName } from './sstable/table-format.js';
import { TableMetadataBudget, TableReader } from './sstable/table-reader.js';

/**
 * Keys of every entry in the tables the manifest names, by keyspace byte (an obsolete table may
 * still be in the directory for a moment: it is removed in the background).
 */
function storedKeyspaces(directory: string): string[] {
  const keyspaces: string[] = [];
  const vfs = new NodeVfs();
  const { state } = readManifest(vfs, join(directory, manifestFileName));
  for (const { number } of state.tables) {
    const table = TableReader.open(
      vfs,
      join(directory, tableFileName(number)),
      0,
      new BlockCache(0),
      new TableMetadataBudget(1 << 20),
    );
    for (const entry of table.entries()) keyspaces.push(entry.key[0] as string);
    table.release();
  }
  return keyspaces.sort();
}

const indexEdge = edgeOf(1, 2, 'name_index');

describe('outgoing-only edge types', () => {
  it('stores a name_index edge under its source only, through the WAL, a flush and a reopen', (t) => {
    const directory = makeTempDir(t);
    let db = Database.open(directory);
    db.write([
      { kind: 'put_edge', edge: { ...indexEdge, properties: { w: 'x' } } },
      { kind: 'put_edge', edge: edgeOf(3, 2) },
    ]);
    const check = (): void => {
      assert.deepEqual(
        db.outgoingEdges(idOf(1)).map((edge) => [edge.type, edge.target, edge.properties]),
        [['name_index', idOf(2), { w: 'x' }]],
      );
      assert.deepEqual(
        db.incomingEdges(idOf(2)).map((edge) => [edge.type, edge.source]),
        [['calls', idOf(3)]],
      );
      assert.deepEqual(db.incomingEdges(idOf(2), { type: 'name_index' }), []);
    };
    check();
    db.close(); // reopened from the WAL
    db = Database.open(directory);
    check();
    db.flush();
    check();
    assert.deepEqual(storedKeyspaces(directory), ['\u0002', '\u0002', keyspaceIncoming]);
    db.write([{ kind: 'delete_edge', edge: indexEdge }]);
    assert.deepEqual(db.outgoingEdges(idOf(1)), []);
    db.close();
  });

  it('hides the incoming copies a database written by an older version holds, and merges drop them', (t) => {
    const directory = makeTempDir(t);
    let db = Database.open(directory, { plantedBugs: { mirrorOutgoingOnlyEdges: true } });
    db.write([
      { kind: 'put_edge', edge: indexEdge },
      { kind: 'put_edge', edge: edgeOf(3, 2) },
    ]);
    db.close();
    assert.deepEqual(storedKeyspaces(directory), ['\u0002', '\u0002', keyspaceIncoming, keyspaceIncoming]);

    db = Database.open(directory);
    assert.deepEqual(
      db.incomingEdges(idOf(2)).map((edge) => edge.type),
      ['calls'],
    );
    db.write([{ kind: 'put_edge', edge: edgeOf(4, 2) }]);
    db.compact();
    assert.deepEqual(storedKeyspaces(directory), [
      '\u0002',
      '\u0002',
      '\u0002',
      keyspaceIncoming,
      keyspaceIncoming,
    ]);
    assert.deepEqual(
      db.outgoingEdges(idOf(1)).map((edge) => edge.type),
      ['name_index'],
    );
    db.close();
  });
});
