// The file table of a large workspace spans several blocks (one block holds at most 16 MiB, about
// ten thousand files' worth), and shrinking it leaves no stale part behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockIdFromKey } from '../core/block-id.js';
import { limits } from '../core/limits.js';
import { openMemoryDatabase } from '../testing/graph-fixture.js';
import {
  fileTableDeletions,
  fileTableId,
  fileTableUpdate,
  readFileTable,
  readStatTable,
  statTableId,
  type FileEntry,
} from './records.js';

function tableOf(files: number, idsPerFile: number): Map<string, FileEntry> {
  const table = new Map<string, FileEntry>();
  for (let file = 0; file < files; file++) {
    const ids = Array.from({ length: idsPerFile }, (_, index) => blockIdFromKey(`${file}/${index}`));
    table.set(`src/dir${file % 97}/file${file}.py`, {
      size: file,
      mtimeMs: 1_700_000_000_000 + file,
      hash: 'ab'.repeat(16),
      language: 'python',
      status: 'parsed',
      ids,
      edges: idsPerFile * 3,
    });
  }
  return table;
}

const chunkCount = (db: ReturnType<typeof openMemoryDatabase>): unknown =>
  db.getBlock(fileTableId('w'))?.metadata['chunks'];

describe('file table', () => {
  it('spans several blocks when large, and reads back whole', () => {
    const db = openMemoryDatabase();
    const large = tableOf(25_000, 20); // about 21 MiB of JSON: more than one block may hold
    db.write(fileTableUpdate(db, 'w', large).operations);
    assert.ok(Number(chunkCount(db)) >= 5);
    assert.deepEqual(readFileTable(db, 'w'), large);
    assert.equal(db.getBlock(statTableId('w')), undefined, 'too many files for the per-answer check');
    assert.equal(readStatTable(db, 'w', limits.freshnessCheckFilesMax), undefined);

    const small = tableOf(10, 2);
    db.write(fileTableUpdate(db, 'w', small).operations);
    assert.equal(chunkCount(db), 1);
    assert.deepEqual(readFileTable(db, 'w'), small);
    const parts = [...db.scanBlocks()].filter((block) => block.metadata['internal'] === 'files');
    assert.equal(parts.length, 1, 'the parts a smaller table no longer needs are deleted');
    assert.equal(readStatTable(db, 'w', limits.freshnessCheckFilesMax)?.size, 10);

    db.write(fileTableUpdate(db, 'w', large).operations);
    db.write(fileTableDeletions(db, 'w'));
    assert.deepEqual(readFileTable(db, 'w'), new Map());
    assert.equal([...db.scanBlocks()].filter((block) => block.metadata['internal'] === 'files').length, 0);
  });

  it('reads a table written as one block without a part count (older databases)', () => {
    const db = openMemoryDatabase();
    const table = tableOf(3, 1);
    db.putBlock({
      id: fileTableId('w'),
      sourceUri: '',
      metadata: { internal: 'files', files: 3 },
      content: JSON.stringify(Object.fromEntries(table)),
    });
    assert.deepEqual(readFileTable(db, 'w'), table);
    assert.equal(readStatTable(db, 'w', limits.freshnessCheckFilesMax)?.size, 3);
  });
});
