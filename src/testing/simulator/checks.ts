// Reads compared with the model as they happen, and full checkpoints that compare both ways:
// scans must list exactly the model's blocks and edges in the engine's order (nothing missing,
// nothing extra), and every id of the pool is read point-wise, with its edges in both directions,
// with and without a type filter. A read that fails with an excused error checks what it did
// return (a scan's prefix); it never turns a check off for the reads around it.
import type { BlockId } from '../../core/block-id.js';
import type { BlockHeader, ContextBlock, EdgeType, StoredEdge } from '../../core/types.js';
import { Database } from '../../database.js';
import { blockMismatch, edgeListMismatch, headerMismatch } from './compare.js';
import { databaseDirectory, type Harness } from './harness.js';
import { ProcessVfs } from './process-vfs.js';
import type { BlockVersion, World } from './world.js';

export function checkedRead<T>(
  harness: Harness,
  what: string,
  read: (db: Database) => T,
  mismatch: (world: World, value: T) => string | undefined,
): void {
  const result = harness.call(what, read);
  if (result.kind === 'failed') harness.counters.readsFailed += 1;
  if (result.kind !== 'ok') return;
  const { value } = result;
  const problem = harness.model.check((world) => mismatch(world, value));
  if (problem !== undefined) harness.fail(`${what}: ${problem}`);
  harness.counters.readsChecked += 1;
}

export function checkGetBlock(harness: Harness, id: BlockId): void {
  // Every other read leaves the cache as it was (what a sync's reads of stored data do).
  const fillCache = harness.step % 2 === 0;
  checkedRead(
    harness,
    `getBlock ${id}${fillCache ? '' : ' (not cached)'}`,
    (db) => db.getBlock(id, { fillCache }),
    (world, block: ContextBlock | undefined) => blockMismatch(world.block(id), block),
  );
  // The same block read without its content (what queries read): the same answer, its length.
  // Not when the first read crashed the process.
  if (harness.db === undefined) return;
  checkedRead(
    harness,
    `getBlockHeader ${id}`,
    (db) => db.getBlockHeader(id),
    (world, header: BlockHeader | undefined) => headerMismatch(world.block(id), header),
  );
}

export function checkOutgoing(harness: Harness, id: BlockId, type: EdgeType | undefined): void {
  const what = `outgoingEdges ${id}${type === undefined ? '' : ` ${type}`}`;
  checkedRead(
    harness,
    what,
    (db) => db.outgoingEdges(id, type === undefined ? {} : { type }),
    (world, edges: StoredEdge[]) => edgeListMismatch(what, world.outgoingOf(id, type), edges),
  );
}

export function checkIncoming(harness: Harness, id: BlockId, type: EdgeType | undefined): void {
  const what = `incomingEdges ${id}${type === undefined ? '' : ` ${type}`}`;
  checkedRead(
    harness,
    what,
    (db) => db.incomingEdges(id, type === undefined ? {} : { type }),
    (world, edges: StoredEdge[]) => edgeListMismatch(what, world.incomingOf(id, type), edges),
  );
}

/** A whole scan of blocks: exactly the model's blocks in id order (a prefix if it failed part-way). */
export function checkScanBlocks(harness: Harness): void {
  const items: ContextBlock[] = [];
  const result = harness.call('scanBlocks', (db) => {
    for (const block of db.scanBlocks()) items.push(block);
  });
  if (result.kind === 'crashed') return;
  const complete = result.kind === 'ok';
  if (!complete) harness.counters.readsFailed += 1;
  const problem = harness.model.check((world) => blockListMismatch(world.sortedBlocks(), items, complete));
  if (problem !== undefined) harness.fail(`scanBlocks: ${problem}`);
  harness.counters.readsChecked += 1;
}

export function checkScanEdges(harness: Harness): void {
  const items: StoredEdge[] = [];
  const result = harness.call('scanEdges', (db) => {
    for (const edge of db.scanEdges()) items.push(edge);
  });
  if (result.kind === 'crashed') return;
  const complete = result.kind === 'ok';
  if (!complete) harness.counters.readsFailed += 1;
  const problem = harness.model.check((world) => {
    const expected = world.sortedEdges();
    return edgeListMismatch('scanEdges', complete ? expected : expected.slice(0, items.length), items);
  });
  if (problem !== undefined) harness.fail(problem);
  harness.counters.readsChecked += 1;
}

/**
 * A read-only snapshot opened beside the live engine (as a query process opens one while a link
 * holds the lock) must list exactly the model's blocks and edges, like the engine's own scans.
 */
export function checkSnapshot(harness: Harness): void {
  const blocks: ContextBlock[] = [];
  const edges: StoredEdge[] = [];
  const result = harness.call('snapshot', () => {
    const vfs = new ProcessVfs(harness.disk);
    const snapshot = Database.openSnapshot(databaseDirectory, harness.databaseOptions(vfs));
    try {
      for (const block of snapshot.scanBlocks()) blocks.push(block);
      for (const edge of snapshot.scanEdges()) edges.push(edge);
    } finally {
      snapshot.close();
    }
  });
  if (result.kind === 'crashed') return;
  if (result.kind === 'failed') {
    harness.counters.readsFailed += 1;
    return; // a failed open or scan: what it gathered may stop anywhere
  }
  const problem = harness.model.checkFiles(
    (world) =>
      blockListMismatch(world.sortedBlocks(), blocks, true) ??
      edgeListMismatch('snapshot scanEdges', world.sortedEdges(), edges),
  );
  if (problem !== undefined) harness.fail(`snapshot: ${problem}`);
  harness.counters.readsChecked += 1;
}

/** The engine's last sequence must be the model's: nothing lost, nothing invented or counted twice. */
export function checkLastSequence(harness: Harness): void {
  checkedRead(
    harness,
    'stats',
    (db) => db.stats().lastSequence,
    (world, lastSequence: number) =>
      lastSequence === world.nextSequence - 1
        ? undefined
        : `lastSequence ${lastSequence}, expected ${world.nextSequence - 1}`,
  );
}

/** Everything, both ways. Stops early only when the process dies (a scheduled crash fired). */
export function fullCheckpoint(harness: Harness, label: string): void {
  harness.note(`checkpoint (${label})`);
  const alive = (): boolean => harness.db !== undefined;
  checkLastSequence(harness);
  if (alive()) checkScanBlocks(harness);
  if (alive()) checkScanEdges(harness);
  const { ids } = harness.workload;
  for (const id of ids) {
    if (!alive()) return;
    checkGetBlock(harness, id);
    if (alive()) checkOutgoing(harness, id, undefined);
    if (alive()) checkIncoming(harness, id, undefined);
  }
  const types: EdgeType[] = [...harness.workload.edgeTypesInUse, 'depends_on'];
  for (let sample = 0; sample < Math.min(8, ids.length) && alive(); sample += 1) {
    const id = harness.rng.pick(ids);
    for (const type of types) {
      if (alive()) checkOutgoing(harness, id, type);
      if (alive()) checkIncoming(harness, id, type);
    }
  }
  if (alive()) checkGetBlock(harness, 'abcdef'.repeat(5) + '01'); // never written
  if (alive()) harness.counters.fullCheckpoints += 1;
}

function blockListMismatch(
  expected: readonly BlockVersion[],
  actual: readonly ContextBlock[],
  complete: boolean,
): string | undefined {
  if (complete && actual.length !== expected.length) {
    const have = new Set(actual.map((block) => block.id));
    const missing = expected.find((block) => !have.has(block.id));
    return `${actual.length} blocks, expected ${expected.length}${missing ? ` (missing ${missing.id})` : ''}`;
  }
  for (const [index, block] of actual.entries()) {
    const problem = blockMismatch(expected[index], block);
    if (problem !== undefined) return `at ${index}: ${problem}`;
  }
  return undefined;
}
