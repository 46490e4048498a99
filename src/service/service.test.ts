// What the service adds around the workspace and query layers: here, that a command which wrote
// most of the database leaves it in one table, that a server leaves merging to its tiers, and
// that an answer which found nothing says how current the workspaces it searched are.
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

describe('freshness of answers that found nothing', () => {
  async function twoWorkspaces(t: { after(fn: () => void): void }): Promise<{
    service: Service;
    root: string;
    close: () => void;
  }> {
    const root = makeTempDir(t, 'kausal-service-w-');
    writeFileSync(join(root, 'a.py'), 'def alpha():\n    return 1\n');
    const other = makeTempDir(t, 'kausal-service-v-');
    writeFileSync(join(other, 'b.py'), 'def beta():\n    return 2\n');
    const db = Database.open(makeTempDir(t, 'kausal-service-db-'));
    const service = new Service(db, { mode: 'embedded', parseWorkers: 0 });
    await service.execute('link', { root, name: 'w' });
    await service.execute('link', { root: other, name: 'v' });
    return { service, root, close: () => db.close() };
  }

  const states = (freshness: readonly { workspace: string; state: string }[]): string[] =>
    freshness.map((report) => `${report.workspace}:${report.state}`);

  it('reports every linked workspace when nothing matched, and which changed since', async (t) => {
    const { service, root, close } = await twoWorkspaces(t);
    try {
      const empty = await service.execute('find', { name: 'gamma' });
      assert.equal(empty.results.length, 0);
      assert.deepEqual(states(empty.honesty.freshness), ['v:fresh', 'w:fresh']);

      writeFileSync(join(root, 'a.py'), 'def alpha():\n    return 1\n\ndef gamma():\n    return 3\n');
      const stale = await service.execute('find', { name: 'gamma' });
      assert.deepEqual(states(stale.honesty.freshness), ['v:fresh', 'w:stale']);
      assert.equal(stale.honesty.freshness[1]?.filesChangedSince, 1);

      const notFound = await service.execute('show', { target: 'gamma', relation: 'callers' });
      assert.equal(notFound.status, 'not_found');
      assert.deepEqual(states(notFound.honesty.freshness), ['v:fresh', 'w:stale']);
    } finally {
      close();
    }
  });

  it('reports only the workspace asked for, and only those an answer touches', async (t) => {
    const { service, close } = await twoWorkspaces(t);
    try {
      const inV = await service.execute('find', { name: 'gamma', workspace: 'v' });
      assert.deepEqual(states(inV.honesty.freshness), ['v:fresh']);
      const found = await service.execute('find', { name: 'alpha' });
      assert.equal(found.results.length, 1);
      assert.deepEqual(states(found.honesty.freshness), ['w:fresh']);
    } finally {
      close();
    }
  });
});

describe('freshness while a workspace is being written', () => {
  it('says syncing to a query a server answers during its own sync, fresh once it is done', async (t) => {
    const root = makeTempDir(t, 'kausal-service-s-');
    writeFileSync(join(root, 'a.py'), 'def alpha():\n    return beta()\n\ndef beta():\n    return 1\n');
    const db = Database.open(makeTempDir(t, 'kausal-service-db-'));
    try {
      await syncingThenFresh(db, root);
    } finally {
      db.close();
    }
  });
});

/** A server links `root`, syncs a new file into it, and asks meanwhile and after. */
async function syncingThenFresh(db: Database, root: string): Promise<void> {
  const service = new Service(db, { mode: 'server', parseWorkers: 0, freshnessTtlMs: 60_000 });
  await service.execute('link', { root, name: 'w' });
  // A new file: its blocks are not in the file table yet, so the sync records them as pending
  // writes before it writes any (pending-writes.ts), which a stopped sync would leave behind.
  writeFileSync(join(root, 'b.py'), 'def gamma():\n    return 3\n');
  // A query arrives while the sync writes.
  let during: Promise<{ honesty: { freshness: readonly { state: string }[] } }> | undefined;
  await service.execute(
    'sync',
    { names: ['w'] },
    {
      onProgress: (event) => {
        if (event.phase === 'write' && during === undefined) {
          during = service.execute('find', { name: 'alpha' });
        }
      },
    },
  );
  assert.ok(during !== undefined, 'the sync reported its write phase');
  assert.deepEqual(
    (await during).honesty.freshness.map((report) => report.state),
    ['syncing'],
    'a running sync, not an interrupted one',
  );
  const after = await service.execute('find', { name: 'alpha' });
  assert.deepEqual(
    after.honesty.freshness.map((report) => report.state),
    ['fresh'],
  );
}
