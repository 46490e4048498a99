// What the service adds around the workspace and query layers: here, that a command which wrote
// most of the database leaves it in one table, and that a server leaves merging to its tiers.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../database.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { Service } from './service.js';

function project(t: { after(fn: () => void): void }): string {
  const root = makeTempDir(t, 'kausal-service-');
  mkdirSync(join(root, 'pkg'));
  for (let index = 0; index < 120; index++) {
    const body = Array.from(
      { length: 8 },
      (_, line) => `def f${index}_${line}(x):\n    return f${index}_${(line + 1) % 8}(x)\n`,
    );
    writeFileSync(join(root, 'pkg', `m${index}.py`), body.join('\n'));
  }
  return root;
}

async function linkedTables(
  t: { after(fn: () => void): void },
  mode: 'embedded' | 'server',
): Promise<number> {
  const db = Database.open(makeTempDir(t, 'kausal-service-db-'), { memtableBytes: 64 * 1024 });
  try {
    await new Service(db, { mode, parseWorkers: 0 }).execute('link', { root: project(t), name: 'p' });
    const answer = await new Service(db, { mode }).execute('find', { name: 'f7_3' });
    assert.equal(answer.results.length, 1, 'the graph answers after the merge');
    return db.stats().tables;
  } finally {
    db.close();
  }
}

describe('service', () => {
  it('merges the database into one table after a command wrote most of it', async (t) => {
    assert.equal(await linkedTables(t, 'embedded'), 1);
  });

  it('leaves a server’s tables to background compaction', async (t) => {
    assert.ok((await linkedTables(t, 'server')) > 1);
  });
});
