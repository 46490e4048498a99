// A database whose name index was written by an older version (another key scheme): a sync must
// not mark the few entities it rewrites as a complete index, but rebuild the index.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WriteOperation } from '../core/types.js';
import { Database } from '../database.js';
import { find, nameIndexEdgeType, nameIndexPresent } from '../query/index.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { linkWorkspace, requireWorkspace, syncWorkspace } from './index.js';

const options = { workers: 0 };

function writeProject(root: string): void {
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src/main.ts'), 'export function main(): number {\n  return 1;\n}\n');
  writeFileSync(join(root, 'src/util.ts'), 'export function helper(x: number): number {\n  return x;\n}\n');
}

/** Removes every trace of the current index, as a database indexed by another version has none. */
function forgetIndex(db: Database): void {
  const operations: WriteOperation[] = [];
  for (const edge of db.scanEdges()) {
    if (edge.type === nameIndexEdgeType) operations.push({ kind: 'delete_edge', edge });
  }
  for (const block of db.scanBlocks()) {
    if (block.metadata['internal'] === 'name_vocabulary')
      operations.push({ kind: 'delete_block', id: block.id });
  }
  db.write(operations);
  assert.equal(nameIndexPresent(db), false);
}

function found(db: Database, name: string, match: 'exact' | 'prefix' = 'exact'): string[] {
  return find({ graph: db }, { name, match }).results.map((result) => result.entity.name);
}

describe('name index written by an older version', () => {
  it('is rebuilt by the next sync that changes files, not marked complete by it', async (t) => {
    const root = makeTempDir(t, 'kausal-migrate-');
    writeProject(root);
    const db = Database.open(makeTempDir(t, 'kausal-migrate-db-'));
    await linkWorkspace(db, root, 'w', options);
    forgetIndex(db);
    writeFileSync(join(root, 'src/main.ts'), 'export function main(): number {\n  return 2;\n}\n');
    await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.ok(nameIndexPresent(db));
    assert.deepEqual(found(db, 'helper'), ['helper'], 'an entity of an unchanged file is indexed again');
    assert.deepEqual(found(db, 'hel', 'prefix'), ['helper']);
    assert.deepEqual(found(db, 'main'), ['main', 'main'], 'the module and the function');
    db.close();
  });

  it('is rebuilt by a sync with nothing to do', async (t) => {
    const root = makeTempDir(t, 'kausal-migrate-');
    writeProject(root);
    const db = Database.open(makeTempDir(t, 'kausal-migrate-db-'));
    await linkWorkspace(db, root, 'w', options);
    forgetIndex(db);
    await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    assert.ok(nameIndexPresent(db));
    assert.deepEqual(found(db, 'helper'), ['helper']);
    db.close();
  });
});
