// The freshness every answer carries: files edited or deleted since the sync are counted from the
// stat table, or from the file table of a database synced before stat tables existed.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freshnessSource } from './freshness.js';
import { unlinkWorkspace } from './index.js';
import { statTableId } from './records.js';
import { linkedTree, threeModules } from './test-support.js';

describe('freshness of answers', () => {
  it('counts edited and deleted files from the stat table', async (t) => {
    const { db, root } = await linkedTree(t, threeModules);
    assert.ok(db.getBlock(statTableId('w')) !== undefined);
    assert.equal(freshnessSource(db)('w')?.filesChangedSince, 0);
    writeFileSync(join(root, 'src/a.py'), 'def a():\n    return 10\n');
    rmSync(join(root, 'src/b.py'));
    assert.equal(freshnessSource(db)('w')?.filesChangedSince, 2);
    db.close();
  });

  it('falls back to the file table when there is no stat table', async (t) => {
    const { db, root } = await linkedTree(t, threeModules);
    db.deleteBlock(statTableId('w'));
    writeFileSync(join(root, 'src/c.py'), 'def c():\n    return 30\n');
    assert.equal(freshnessSource(db)('w')?.filesChangedSince, 1);
    db.close();
  });

  it('goes with its workspace', async (t) => {
    const { db } = await linkedTree(t, threeModules);
    await unlinkWorkspace(db, 'w');
    assert.equal(db.getBlock(statTableId('w')), undefined);
    db.close();
  });
});
