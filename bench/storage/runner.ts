// One engine, one run, in its own process so peak RSS belongs to that engine alone. Invoked by the
// orchestrator as `node --import tsx bench/storage/runner.ts <engine> <request JSON>`; progress goes
// to stderr and the outcome is printed as one marked JSON line on stdout.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from './engines.js';
import { runWriteStress, loadOurDatabase } from './kausaldb.js';
import { mebibyte, quantile } from './measure.js';
import { runBlockPhase, runEdgePhase } from './phases.js';
import type { Metrics, RunnerOutcome, RunnerRequest } from './protocol.js';
import { outcomeMarker } from './protocol.js';
import type { EngineName, StoreEngine } from './store.js';
import { isEngineName } from './store.js';
import {
  EdgeSet,
  ValuePool,
  randomBlocks,
  readOrder,
  rngForRun,
  sequentialBlocks,
  warmUpSize,
} from './workload.js';

function log(engine: EngineName, message: string): void {
  process.stderr.write(`  [${engine}] ${message}\n`);
}

function rate(operationsPerSecond: number): string {
  return `${Math.round(operationsPerSecond).toLocaleString('en-US')} ops/s`;
}

/** RSS high-water mark of this process so far (maxRSS is in KiB). */
function peakRssMiB(): number {
  return (process.resourceUsage().maxRSS * 1024) / mebibyte;
}

/**
 * An untimed pass over every code path on a separate store before the timed phases, so they measure
 * each engine in its steady state. For a JavaScript engine that takes a while: V8 compiles the hot
 * paths and grows its young generation only after a few hundred thousand allocation-heavy writes
 * (measured here: our first 200k-block phase in a fresh process ran at about half the rate of later
 * ones, and `--max-semi-space-size=64` removed most of the gap), hence twice the timed block count.
 * Sequential keys keep the pass cheap for the B-tree peers; every engine gets the same pass.
 */
async function warmUp(
  engine: StoreEngine,
  directory: string,
  seed: number,
  values: ValuePool,
): Promise<void> {
  const blocks = sequentialBlocks(values.count * warmUpSize.blockFactor, values);
  const reads = readOrder(rngForRun(seed, 9), warmUpSize.readCount, blocks.count);
  await runBlockPhase(engine, join(directory, 'blocks'), blocks, reads, warmUpSize.batchOperations);
  rmSync(join(directory, 'blocks'), { recursive: true, force: true });
  const nodes = randomBlocks(rngForRun(seed, 10), warmUpSize.edgeNodeCount, values);
  const edges = new EdgeSet(rngForRun(seed, 11), nodes, warmUpSize.edgeCount, warmUpSize.edgeLookupCount);
  await runEdgePhase(engine, join(directory, 'edges'), edges, warmUpSize.batchOperations);
  rmSync(directory, { recursive: true, force: true });
}

async function runEngine(engine: StoreEngine, request: RunnerRequest): Promise<RunnerOutcome> {
  const { size, seed, directory } = request;
  const name = engine.name;
  // All workload data is generated before any store opens, so the baseline RSS covers it.
  const values = new ValuePool(rngForRun(seed, 1), size.blockCount);
  const sequential = sequentialBlocks(size.blockCount, values);
  const random = randomBlocks(rngForRun(seed, 2), size.blockCount, values);
  const reads = readOrder(rngForRun(seed, 3), size.readCount, size.blockCount);
  const nodes = randomBlocks(rngForRun(seed, 4), size.edgeNodeCount, values);
  const edges = new EdgeSet(rngForRun(seed, 5), nodes, size.edgeCount, size.edgeLookupCount);
  const stressBlocks = randomBlocks(rngForRun(seed, 6), size.stressWriteCount, values);
  const baselineRssMiB = process.memoryUsage.rss() / mebibyte;
  await warmUp(engine, join(directory, 'warm-up'), seed, values);
  log(name, 'warmed up');

  const seq = await runBlockPhase(
    engine,
    join(directory, 'sequential'),
    sequential,
    reads,
    size.batchOperations,
  );
  rmSync(join(directory, 'sequential'), { recursive: true, force: true });
  log(
    name,
    `sequential: inserts ${rate(seq.inserts.operationsPerSecond)}, reads ${rate(seq.readsPerSecond)}`,
  );
  const rnd = await runBlockPhase(engine, join(directory, 'random'), random, reads, size.batchOperations);
  log(name, `random: inserts ${rate(rnd.inserts.operationsPerSecond)}, reads ${rate(rnd.readsPerSecond)}`);
  const edge = await runEdgePhase(engine, join(directory, 'edges'), edges, size.batchOperations);
  rmSync(join(directory, 'edges'), { recursive: true, force: true });
  log(
    name,
    `edges: inserts ${rate(edge.inserts.operationsPerSecond)}, lookups ${rate(edge.lookupsPerSecond)}`,
  );

  const metrics: Metrics = {
    sequentialInsertsPerSecond: seq.inserts.operationsPerSecond,
    sequentialBatchP50Ms: seq.inserts.batchP50Ms,
    sequentialBatchP99Ms: seq.inserts.batchP99Ms,
    randomInsertsPerSecond: rnd.inserts.operationsPerSecond,
    randomBatchP50Ms: rnd.inserts.batchP50Ms,
    randomBatchP99Ms: rnd.inserts.batchP99Ms,
    sequentialReopenMs: seq.reopenMs,
    sequentialReadsPerSecond: seq.readsPerSecond,
    randomReadsPerSecond: rnd.readsPerSecond,
    edgeInsertsPerSecond: edge.inserts.operationsPerSecond,
    edgeBatchP50Ms: edge.inserts.batchP50Ms,
    edgeBatchP99Ms: edge.inserts.batchP99Ms,
    edgeLookupsPerSecond: edge.lookupsPerSecond,
    baselineRssMiB,
    peakRssMiB: peakRssMiB(),
    sequentialDiskMiB: seq.diskMiB,
    randomDiskMiB: rnd.diskMiB,
    edgeDiskMiB: edge.diskMiB,
  };
  if (rnd.asyncReadsPerSecond !== undefined) metrics.randomAsyncReadsPerSecond = rnd.asyncReadsPerSecond;
  const stats: Record<string, unknown> = {};
  if (seq.stats !== undefined) stats['afterSequentialReads'] = seq.stats;
  if (rnd.stats !== undefined) stats['afterRandomReads'] = rnd.stats;
  if (edge.stats !== undefined) stats['afterEdgeLookups'] = edge.stats;

  if (name === 'kausaldb') {
    // Single durable writes on top of the random-key store, with a small memtable (phase 5).
    const module = await loadOurDatabase();
    const stress = await runWriteStress(
      module,
      join(directory, 'random'),
      stressBlocks,
      size.stressMemtableBytes,
    );
    metrics.stressWritesPerSecond = (stress.latenciesMs.length / stress.elapsedMs) * 1000;
    metrics.stressWriteP50Ms = quantile(stress.latenciesMs, 0.5);
    metrics.stressWriteP99Ms = quantile(stress.latenciesMs, 0.99);
    metrics.stressWriteP999Ms = quantile(stress.latenciesMs, 0.999);
    metrics.stressWriteMaxMs = quantile(stress.latenciesMs, 1);
    metrics.stressPeakRssMiB = peakRssMiB();
    stats['afterWriteStress'] = stress.stats;
    log(name, `single writes under compaction: p99 ${metrics.stressWriteP99Ms.toFixed(2)} ms`);
  }
  return {
    status: 'ok',
    engine: name,
    version: engine.version,
    durability: engine.durability,
    metrics,
    details: {
      edgeMaxIncoming: edges.maxIncoming(),
      edgesReturned: edge.edgesReturned,
      ...(Object.keys(stats).length === 0 ? {} : { stats }),
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.message}${error.stack ? `\n${error.stack}` : ''}`;
  return String(error);
}

async function main(): Promise<number> {
  const [engineArgument = '', requestArgument = '{}'] = process.argv.slice(2);
  if (!isEngineName(engineArgument)) throw new Error(`unknown engine ${JSON.stringify(engineArgument)}`);
  const request = JSON.parse(requestArgument) as RunnerRequest;
  let outcome: RunnerOutcome | undefined;
  let engine: StoreEngine | undefined;
  try {
    engine = await loadEngine(engineArgument);
  } catch (error) {
    outcome = { status: 'unavailable', engine: engineArgument, error: describe(error) };
  }
  mkdirSync(request.directory, { recursive: true });
  try {
    if (engine !== undefined) outcome = await runEngine(engine, request);
  } catch (error) {
    outcome = { status: 'failed', engine: engineArgument, error: describe(error) };
  } finally {
    rmSync(request.directory, { recursive: true, force: true });
  }
  outcome ??= { status: 'failed', engine: engineArgument, error: 'no outcome' };
  await new Promise<void>((resolve) =>
    process.stdout.write(`${outcomeMarker}${JSON.stringify(outcome)}\n`, () => resolve()),
  );
  return outcome.status === 'failed' ? 1 : 0;
}

// Exit explicitly: a store left open by a failed phase must not keep the child alive.
process.exit(await main());
