// Our engine's adapter. It is loaded with a dynamic import through a narrow local interface, so the
// benchmark type-checks and runs its peers even while src/database.ts is absent or mid-change, and
// reports "could not load" for our engine instead of failing as a whole.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { WriteOperation } from '../../src/core/types.js';
import type { Database } from '../../src/database.js';
import type { BenchStore, StoreEngine } from './store.js';
import type { BlockSet, EdgeSet } from './workload.js';

/** Relative to this file; a variable so TypeScript does not resolve it at compile time. */
const databaseModulePath = '../../src/database.js';

export interface OurOpenOptions {
  memtableBytes?: number;
  blockCacheBytes?: number;
}
interface OurDatabase {
  write(operations: readonly WriteOperation[]): unknown;
  getBlock(id: string): { readonly content: string } | undefined;
  outgoingEdges(id: string, filter: { type: 'calls' }): readonly unknown[];
  incomingEdges(id: string, filter: { type: 'calls' }): readonly unknown[];
  stats(): unknown;
  close(): unknown;
}
export interface OurDatabaseModule {
  Database: { open(directory: string, options?: OurOpenOptions): OurDatabase };
}

// Type-level only (erased at run time): fails `tsc` if the real Database drifts from what we call.
type Assignable<Actual extends Expected, Expected> = Actual;
export type DatabaseMatchesBench = Assignable<Database, OurDatabase>;

export async function loadOurDatabase(): Promise<OurDatabaseModule> {
  const module = (await import(databaseModulePath)) as Partial<OurDatabaseModule>;
  if (typeof module.Database?.open !== 'function') {
    throw new Error(`${databaseModulePath} does not export Database.open`);
  }
  return module as OurDatabaseModule;
}

export function kausalEngine(module: OurDatabaseModule, version: string): StoreEngine {
  return {
    name: 'kausaldb',
    version,
    durability: 'one fsync per write batch (default options)',
    open: (directory) => new KausalStore(module.Database.open(directory)),
  };
}

function putBlock(blocks: BlockSet, index: number): WriteOperation {
  return {
    kind: 'put_block',
    block: { id: blocks.idText(index), sourceUri: '', metadata: {}, content: blocks.valueText(index) },
  };
}

export class KausalStore implements BenchStore {
  constructor(private readonly db: OurDatabase) {}

  writeBlocks(blocks: BlockSet, first: number, count: number): void {
    const operations: WriteOperation[] = [];
    for (let index = first; index < first + count; index++) operations.push(putBlock(blocks, index));
    this.db.write(operations);
  }

  readBlockMatches(blocks: BlockSet, index: number): boolean {
    const block = this.db.getBlock(blocks.idText(index));
    return block !== undefined && block.content === blocks.valueText(index);
  }

  writeEdges(edges: EdgeSet, first: number, count: number): void {
    const operations: WriteOperation[] = [];
    for (let edge = first; edge < first + count; edge++) {
      const source = edges.nodes.idText(edges.source(edge));
      const target = edges.nodes.idText(edges.target(edge));
      operations.push({ kind: 'put_edge', edge: { source, target, type: 'calls' } });
    }
    this.db.write(operations);
  }

  outgoingCount(edges: EdgeSet, node: number): number {
    return this.db.outgoingEdges(edges.nodes.idText(node), { type: 'calls' }).length;
  }

  incomingCount(edges: EdgeSet, node: number): number {
    return this.db.incomingEdges(edges.nodes.idText(node), { type: 'calls' }).length;
  }

  stats(): unknown {
    return this.db.stats();
  }

  close(): void {
    this.db.close();
  }
}

export interface WriteStressResult {
  /** Latency of each single-block durable write, in milliseconds. */
  readonly latenciesMs: Float64Array;
  readonly elapsedMs: number;
  readonly stats: unknown;
}

/**
 * Single-block durable writes into a store opened with a small memtable, so flushes and compactions
 * run throughout. The engine does its flush and compaction steps inside `write`, so every stall they
 * cause lands in a timed sample. The event loop gets a turn between writes (untimed), as it would in
 * a server, in case background work is ever scheduled on it.
 */
export async function runWriteStress(
  module: OurDatabaseModule,
  directory: string,
  blocks: BlockSet,
  memtableBytes: number,
): Promise<WriteStressResult> {
  const db = module.Database.open(directory, { memtableBytes });
  const latenciesMs = new Float64Array(blocks.count);
  const started = performance.now();
  for (let index = 0; index < blocks.count; index++) {
    const before = performance.now();
    db.write([putBlock(blocks, index)]);
    latenciesMs[index] = performance.now() - before;
    await yieldToEventLoop();
  }
  const elapsedMs = performance.now() - started;
  const stats = db.stats();
  db.close();
  return { latenciesMs, elapsedMs, stats };
}
