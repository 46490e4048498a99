// The timed phases, each against a fresh store in its own directory. Every read and lookup is
// checked against the workload's expectation; a mismatch fails the run rather than skewing it.
import { performance } from 'node:perf_hooks';
import { diskBytes, mebibyte, quantile } from './measure.js';
import type { StoreEngine } from './store.js';
import type { BlockSet, EdgeSet } from './workload.js';

export interface BatchTiming {
  readonly operationsPerSecond: number;
  readonly batchP50Ms: number;
  readonly batchP99Ms: number;
}

export interface BlockPhaseResult {
  readonly inserts: BatchTiming;
  readonly reopenMs: number;
  readonly readsPerSecond: number;
  readonly asyncReadsPerSecond?: number;
  readonly diskMiB: number;
  readonly stats?: unknown;
}

export interface EdgePhaseResult {
  readonly inserts: BatchTiming;
  readonly lookupsPerSecond: number;
  readonly edgesReturned: number;
  readonly diskMiB: number;
  readonly stats?: unknown;
}

type BatchWriter = (first: number, count: number) => void | Promise<void>;

/** Writes [0, total) in batches, timing each commit; the rate is over the whole loop. */
async function timeBatches(total: number, batchOperations: number, write: BatchWriter): Promise<BatchTiming> {
  const batchMs: number[] = [];
  const started = performance.now();
  for (let first = 0; first < total; first += batchOperations) {
    const before = performance.now();
    const pending = write(first, Math.min(batchOperations, total - first));
    if (pending !== undefined) await pending;
    batchMs.push(performance.now() - before);
  }
  const elapsedMs = performance.now() - started;
  return {
    operationsPerSecond: (total / elapsedMs) * 1000,
    batchP50Ms: quantile(batchMs, 0.5),
    batchP99Ms: quantile(batchMs, 0.99),
  };
}

/** Batched durable inserts, then close, reopen and uniformly random checked point reads. */
export async function runBlockPhase(
  engine: StoreEngine,
  directory: string,
  blocks: BlockSet,
  reads: Uint32Array,
  batchOperations: number,
): Promise<BlockPhaseResult> {
  const writer = await engine.open(directory);
  const inserts = await timeBatches(blocks.count, batchOperations, (first, count) =>
    writer.writeBlocks(blocks, first, count),
  );
  await writer.close();

  const reopenStarted = performance.now();
  const store = await engine.open(directory);
  const reopenMs = performance.now() - reopenStarted;
  let mismatches = 0;
  const readsStarted = performance.now();
  for (const index of reads) if (!store.readBlockMatches(blocks, index)) mismatches++;
  const readsPerSecond = (reads.length / (performance.now() - readsStarted)) * 1000;
  if (mismatches > 0) throw new Error(`${mismatches} of ${reads.length} point reads returned a wrong value`);

  let asyncReadsPerSecond: number | undefined;
  if (store.readBlockMatchesAsync !== undefined) {
    const asyncStarted = performance.now();
    for (const index of reads) if (!(await store.readBlockMatchesAsync(blocks, index))) mismatches++;
    asyncReadsPerSecond = (reads.length / (performance.now() - asyncStarted)) * 1000;
    if (mismatches > 0) throw new Error(`${mismatches} async point reads returned a wrong value`);
  }
  const stats = store.stats?.();
  await store.close();
  return {
    inserts,
    reopenMs,
    readsPerSecond,
    ...(asyncReadsPerSecond === undefined ? {} : { asyncReadsPerSecond }),
    diskMiB: diskBytes(directory) / mebibyte,
    ...(stats === undefined ? {} : { stats }),
  };
}

/**
 * The nodes are written first (untimed), then the edges in timed batches; after a reopen, lookups
 * alternate outgoing and incoming and each count is checked.
 */
export async function runEdgePhase(
  engine: StoreEngine,
  directory: string,
  edges: EdgeSet,
  batchOperations: number,
): Promise<EdgePhaseResult> {
  const writer = await engine.open(directory);
  for (let first = 0; first < edges.nodes.count; first += batchOperations) {
    await writer.writeBlocks(edges.nodes, first, Math.min(batchOperations, edges.nodes.count - first));
  }
  const inserts = await timeBatches(edges.sources.length, batchOperations, (first, count) =>
    writer.writeEdges(edges, first, count),
  );
  await writer.close();

  const store = await engine.open(directory);
  let mismatches = 0;
  let edgesReturned = 0;
  const started = performance.now();
  for (let lookup = 0; lookup < edges.lookups.length; lookup++) {
    const node = edges.lookups[lookup] ?? 0;
    const outgoing = lookup % 2 === 0;
    let found = outgoing ? store.outgoingCount(edges, node) : store.incomingCount(edges, node);
    if (typeof found !== 'number') found = await found;
    const expected = (outgoing ? edges.outgoingCounts[node] : edges.incomingCounts[node]) ?? 0;
    if (found !== expected) mismatches++;
    edgesReturned += found;
  }
  const lookupsPerSecond = (edges.lookups.length / (performance.now() - started)) * 1000;
  if (mismatches > 0)
    throw new Error(`${mismatches} of ${edges.lookups.length} edge lookups had a wrong count`);
  const stats = store.stats?.();
  await store.close();
  return {
    inserts,
    lookupsPerSecond,
    edgesReturned,
    diskMiB: diskBytes(directory) / mebibyte,
    ...(stats === undefined ? {} : { stats }),
  };
}
