// Snapshots read while another process writes: a real child process writes numbered batches of 20
// blocks through the real file system (a small memtable and log segments, so it flushes, rotates
// and compacts all the time), and this process opens snapshot after snapshot meanwhile. Each must
// hold whole batches only, a prefix of them, and every batch the child reported committed before
// the snapshot was opened.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { isKausalError } from '../src/core/errors.js';
import { Database } from '../src/database.js';
import { makeTempDir } from '../src/testing/temp-dir.js';

const childScript = fileURLToPath(new URL('./helpers/writer-child.ts', import.meta.url));
const itemsPerBatch = 20;

/** Batches in the snapshot, checked whole; returns how many (they must be 0 .. count - 1). */
function batchesIn(db: Database): number {
  const items = new Map<number, number>();
  for (const block of db.scanBlocks()) {
    const batch = block.metadata['batch'];
    assert.equal(typeof batch, 'number');
    const index = Number.parseInt(block.id, 16) - (batch as number) * itemsPerBatch;
    assert.equal(block.content, `batch ${String(batch)} item ${index} `.repeat(20), `block ${block.id}`);
    items.set(batch as number, (items.get(batch as number) ?? 0) + 1);
  }
  for (const [batch, count] of items) {
    assert.equal(count, itemsPerBatch, `batch ${batch} is whole`);
    assert.ok(batch < items.size, `batches form a prefix (batch ${batch} of ${items.size})`);
  }
  return items.size;
}

describe('Database.openSnapshot while another process writes (real processes, NodeVfs)', () => {
  it('sees whole batches only, a prefix of them, with every acknowledged one', async (t) => {
    const directory = makeTempDir(t);
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, directory], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await snapshotsBeside(child, directory);
    } finally {
      // Before the temporary directory goes: a child still writing would refill it under rmSync.
      child.kill('SIGKILL');
      await exited;
    }
  });
});

/** Opens snapshots of `directory` while `child` writes numbered batches into it. */
async function snapshotsBeside(
  child: ChildProcessByStdio<null, Readable, Readable>,
  directory: string,
): Promise<void> {
  let reported = -1;
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    for (const match of chunk.toString().matchAll(/committed (\d+)\n/g)) reported = Number(match[1]);
  });
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (reported < 0) {
    assert.ok(Date.now() < deadline, `the child never wrote: ${errors}`);
    await sleep(20);
  }
  // The child holds the lock: an ordinary open is refused, a snapshot is not.
  assert.throws(
    () => Database.open(directory),
    (error: unknown) => isKausalError(error, 'LOCKED'),
  );
  let snapshots = 0;
  let largest = 0;
  // At least 3 s, and on a slow disk (a sync per batch) until the child has flushed a few times.
  const until = Date.now() + 3_000;
  const giveUp = Date.now() + 30_000;
  while (Date.now() < until || (largest <= 100 && Date.now() < giveUp)) {
    const acknowledged = reported;
    const db = Database.openSnapshot(directory);
    try {
      const batches = batchesIn(db);
      assert.ok(batches >= acknowledged + 1, `${batches} batches, ${acknowledged + 1} acknowledged`);
      largest = Math.max(largest, batches);
      assert.throws(
        () => db.putBlock({ id: 'f'.repeat(32), sourceUri: '', metadata: {}, content: '' }),
        (error: unknown) => isKausalError(error, 'UNSUPPORTED'),
      );
    } finally {
      db.close();
    }
    snapshots++;
    await sleep(10); // let the child's output arrive
  }
  assert.ok(snapshots >= 5, `${snapshots} snapshots`);
  assert.ok(largest > 100, `the child kept writing meanwhile (${largest} batches seen)`);
}
