// A link or sync stopped after any of its write batches (Ctrl-C, a crash, a full disk): what it
// wrote belongs to a registered workspace that `status` calls interrupted; the next sync leaves
// exactly the graph a clean link of the same tree gives, and an unlink leaves exactly what
// unlinking a clean link leaves. No block is ever stored that nothing lists.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Database } from '../database.js';
import { openMemoryDatabase } from '../testing/graph-fixture.js';
import { runStoppedAfter } from '../testing/stopped-writes.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { freshnessOf } from '../query/freshness.js';
import {
  freshnessSource,
  linkWorkspace,
  readRegistry,
  requireWorkspace,
  syncWorkspace,
  unlinkWorkspace,
  workspaceStatuses,
} from './index.js';
import { readPendingWrites } from './pending-writes.js';

/** Small batches (a server's budget), one thread, a fixed clock: many stop points, same output. */
const options = { workers: 0, yieldEveryMs: 0, now: () => new Date('2026-11-24T12:00:00Z') };

/** Eight modules of twelve functions that call each other across files: about 110 entities. */
function writeProject(root: string): void {
  mkdirSync(join(root, 'src'), { recursive: true });
  for (let file = 0; file < 8; file++) {
    const next = (file + 1) % 8;
    const lines = [`import { f${next}_0 } from './m${next}.js';`];
    for (let fn = 0; fn < 12; fn++) {
      const callee = fn === 11 ? `f${next}_0` : `f${file}_${fn + 1}`;
      lines.push(`export function f${file}_${fn}(x: number): number {\n  return ${callee}(x + 1);\n}`);
    }
    writeFileSync(join(root, `src/m${file}.ts`), `${lines.join('\n')}\n`);
  }
}

/**
 * Every block and edge, as text. The workspace record and file tables are left out: they say when
 * and how (a link records no content hashes, a sync does), not what the graph is.
 */
function snapshot(db: Database): string[] {
  const lines: string[] = [];
  for (const block of db.scanBlocks()) {
    const internal = block.metadata['internal'];
    if (internal === 'workspace' || internal === 'files' || internal === 'stats') continue;
    lines.push(`block ${block.id} ${block.sourceUri} ${JSON.stringify(block.metadata)} ${block.content}`);
  }
  for (const edge of db.scanEdges()) {
    lines.push(`edge ${edge.source} ${edge.type} ${edge.target} ${JSON.stringify(edge.properties ?? {})}`);
  }
  return lines.sort();
}

function entityCount(db: Database): number {
  let count = 0;
  for (const block of db.scanBlocks()) if (block.metadata['workspace'] === 'w') count++;
  return count;
}

describe('interrupted link and sync', () => {
  it('a link stopped after any batch is a registered, interrupted workspace that a sync finishes exactly', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const clean = openMemoryDatabase();
    await linkWorkspace(clean, root, 'w', options);
    const expected = snapshot(clean);
    let partial = 0;
    for (let writes = 0; ; writes++) {
      const db = openMemoryDatabase();
      const interrupted = await runStoppedAfter(db, writes, () => linkWorkspace(db, root, 'w', options));
      if (!interrupted) {
        assert.deepEqual(snapshot(db), expected);
        break;
      }
      const [status] = await workspaceStatuses(db, { check: false });
      if (entityCount(db) > 0) {
        partial++;
        assert.deepEqual(
          readRegistry(db),
          ['w'],
          `stopped after ${writes}: entities of an unregistered workspace`,
        );
        assert.equal(status?.interrupted, true);
        // Every answer says so too.
        assert.deepEqual(freshnessOf(freshnessSource(db), 'w'), { workspace: 'w', state: 'interrupted' });
      }
      if (status === undefined) continue; // stopped before anything was written
      await syncWorkspace(db, requireWorkspace(db, 'w'), options);
      assert.deepEqual(snapshot(db), expected, `stopped after ${writes} batches, then synced`);
      assert.equal((await workspaceStatuses(db, { check: false }))[0]?.interrupted, false);
      assert.equal(freshnessOf(freshnessSource(db), 'w').state, 'fresh');
      assert.equal(readPendingWrites(db, 'w'), undefined);
    }
    assert.ok(partial >= 3, `only ${partial} stops fell inside the link`);
  });

  it('a link and an unlink write their bulk batches deferred and end with a durable commit', async (t) => {
    // So a crash can only take back a suffix of them (docs/fault-model.md): the stops above.
    const root = makeTempDir(t);
    writeProject(root);
    const db = openMemoryDatabase();
    const durable: boolean[] = [];
    const write = db.write.bind(db);
    db.write = (operations, writeOptions) => {
      durable.push(writeOptions?.durable !== false);
      return write(operations, writeOptions);
    };
    for (const work of [
      () => linkWorkspace(db, root, 'w', options),
      () => unlinkWorkspace(db, 'w', options),
    ]) {
      durable.length = 0;
      await work();
      assert.ok(durable.filter((flag) => !flag).length >= 3, `deferred: ${durable.join(' ')}`);
      assert.equal(durable[durable.length - 1], true, 'the last write is durable');
    }
  });

  it('an unlink after a link stopped anywhere leaves what unlinking a clean link leaves', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const clean = openMemoryDatabase();
    await linkWorkspace(clean, root, 'w', options);
    await unlinkWorkspace(clean, 'w', options);
    // The name index's version marker is written by a link's commit; with no workspace left, the
    // next link writes it either way (an empty database's index is complete).
    const withoutMarker = (lines: string[]): string[] =>
      lines.filter((line) => !line.includes('{"version":'));
    const expected = withoutMarker(snapshot(clean));
    for (let writes = 1; ; writes++) {
      const db = openMemoryDatabase();
      const interrupted = await runStoppedAfter(db, writes, () => linkWorkspace(db, root, 'w', options));
      await unlinkWorkspace(db, 'w', options);
      assert.deepEqual(
        withoutMarker(snapshot(db)),
        expected,
        `stopped after ${writes} batches, then unlinked`,
      );
      if (!interrupted) break;
    }
  });

  it('a sync stopped after writing a new function whose file then changes again leaves no orphan', async (t) => {
    const added = 'export function added(): number {\n  return 1;\n}\n';
    const renamed = 'export function renamed(): number {\n  return 1;\n}\n';
    const final = makeTempDir(t);
    writeProject(final);
    writeFileSync(join(final, 'src/m3.ts'), renamed, { flag: 'a' });
    const clean = openMemoryDatabase();
    await linkWorkspace(clean, final, 'w', options);
    const expected = snapshot(clean);
    let interruptions = 0;
    for (let writes = 0; writes < 6; writes++) {
      const root = makeTempDir(t);
      writeProject(root);
      const module = join(root, 'src/m3.ts');
      const original = readFileSync(module, 'utf8');
      const db = openMemoryDatabase();
      await linkWorkspace(db, root, 'w', options);
      writeFileSync(module, original + added);
      if (await runStoppedAfter(db, writes, () => syncWorkspace(db, requireWorkspace(db, 'w'), options))) {
        interruptions++;
      }
      // Renamed before the next sync: `added` must not survive it, whatever the stopped sync wrote.
      writeFileSync(module, original + renamed);
      await syncWorkspace(db, requireWorkspace(db, 'w'), options);
      assert.deepEqual(snapshot(db), expected, `stopped after ${writes} batches`);
      assert.equal(readPendingWrites(db, 'w'), undefined);
    }
    assert.ok(interruptions >= 3);
  });

  it('a damaged record of an interrupted link fails the sync with what to do, which then works', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const db = openMemoryDatabase();
    assert.ok(await runStoppedAfter(db, 3, () => linkWorkspace(db, root, 'w', options)));
    const record = [...db.scanBlocks()].find((block) => block.metadata['internal'] === 'pending_writes');
    assert.ok(record !== undefined);
    db.write([{ kind: 'put_block', block: { ...record, content: '{"ids": [' } }]);
    // Status still answers, and says what it knows.
    assert.equal((await workspaceStatuses(db, { check: false }))[0]?.interrupted, true);
    await assert.rejects(
      syncWorkspace(db, requireWorkspace(db, 'w'), options),
      /is damaged; run 'kausal unlink --name w' and link it again/,
    );
    await unlinkWorkspace(db, 'w', options);
    assert.deepEqual(readRegistry(db), []);
    assert.equal(
      [...db.scanBlocks()].filter((block) => block.metadata['internal'] === 'pending_writes').length,
      0,
    );
    await linkWorkspace(db, root, 'w', options);
    assert.equal((await workspaceStatuses(db, { check: false }))[0]?.interrupted, false);
  });

  it('an unlink stopped anywhere is interrupted: a sync restores the workspace, another unlink ends it', async (t) => {
    const root = makeTempDir(t);
    writeProject(root);
    const linked = openMemoryDatabase();
    await linkWorkspace(linked, root, 'w', options);
    const whole = snapshot(linked);
    let stops = 0;
    // After its first batch (the first marks the workspace interrupted, before anything goes).
    for (let writes = 1; ; writes++) {
      const [restored, removed] = [openMemoryDatabase(), openMemoryDatabase()];
      let finished = false;
      for (const db of [restored, removed]) {
        await linkWorkspace(db, root, 'w', options);
        finished = !(await runStoppedAfter(db, writes, () => unlinkWorkspace(db, 'w', options)));
      }
      if (finished) break;
      stops++;
      assert.equal((await workspaceStatuses(restored, { check: false }))[0]?.interrupted, true);
      await syncWorkspace(restored, requireWorkspace(restored, 'w'), options);
      assert.deepEqual(snapshot(restored), whole, `unlink stopped after ${writes} batches, then synced`);
      await unlinkWorkspace(removed, 'w', options);
      assert.deepEqual(readRegistry(removed), []);
      assert.equal(entityCount(removed), 0);
    }
    assert.ok(stops >= 3, `only ${stops} stops fell inside the unlink`);
  });
});
