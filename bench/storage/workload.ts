// The storage benchmark's data, identical for every engine: generated from a seed, so each engine
// in one run writes and reads exactly the same keys and bytes. Everything lives in a few flat
// buffers (not millions of small objects) so the workload itself adds little to each engine's RSS.
import { assert } from '../../src/core/assert.js';
import { SeededRng } from '../../src/core/rng.js';
import type { Rng } from '../../src/core/rng.js';

/** Every size the benchmark uses, in one place. */
export interface WorkloadSize {
  readonly blockCount: number;
  readonly batchOperations: number;
  readonly readCount: number;
  readonly edgeNodeCount: number;
  readonly edgeCount: number;
  readonly edgeLookupCount: number;
  /** Single-operation durable writes timed while flushes and compactions run (our engine only). */
  readonly stressWriteCount: number;
  /** A small memtable so the stress writes flush and compact many times. */
  readonly stressMemtableBytes: number;
}

export const fullSize: WorkloadSize = {
  blockCount: 200_000,
  batchOperations: 1_000,
  readCount: 100_000,
  edgeNodeCount: 20_000,
  edgeCount: 200_000,
  edgeLookupCount: 100_000,
  stressWriteCount: 300_000,
  stressMemtableBytes: 1024 * 1024,
};

/** A smoke-test size: every phase runs, ten times smaller. */
export const quickSize: WorkloadSize = {
  blockCount: 20_000,
  batchOperations: 1_000,
  readCount: 10_000,
  edgeNodeCount: 2_000,
  edgeCount: 20_000,
  edgeLookupCount: 10_000,
  stressWriteCount: 30_000,
  stressMemtableBytes: 256 * 1024,
};

/** The untimed warm-up before the timed phases (see runner.ts): every code path. */
export const warmUpSize = {
  /** Warm-up blocks per timed block: two phases' worth brings V8 to its steady state. */
  blockFactor: 2,
  batchOperations: 1_000,
  readCount: 20_000,
  edgeNodeCount: 2_000,
  edgeCount: 20_000,
  edgeLookupCount: 20_000,
} as const;

export const idBytes = 16;
/** Peers store the benchmark's 10-byte keys: the low 10 bytes of our 16-byte ids. */
export const peerKeyBytes = 10;
export const valueBytes = 200;
/** Random bytes behind each value; base64 turns 150 bytes into 200 ASCII characters. */
const valueEntropyBytes = 150;
/** Zipf exponent for edge targets: the top hub gets ~3% of all edges, the median node ~5. */
const edgeTargetZipfExponent = 0.8;
/** Redraws allowed when a random edge repeats an existing one, before giving up. */
const edgeRedrawsMax = 1_000;

assert(valueEntropyBytes % 3 === 0 && (valueEntropyBytes / 3) * 4 === valueBytes);
assert(fullSize.blockCount % fullSize.batchOperations === 0);
assert(fullSize.edgeCount % fullSize.batchOperations === 0);

export function rngForRun(seed: number, purpose: number): Rng {
  return new SeededRng((seed * 7919 + purpose) >>> 0);
}

function randomBytes(rng: Rng, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += 4) {
    const word = rng.nextU32();
    for (let shift = 0; shift < 4 && offset + shift < length; shift++) {
      bytes[offset + shift] = (word >>> (shift * 8)) & 0xff;
    }
  }
  return bytes;
}

/**
 * Incompressible values: each is base64 of 150 random bytes, i.e. 200 ASCII bytes, so our engine
 * (which stores content as a string) and the peers (which store bytes) hold the very same bytes.
 */
export class ValuePool {
  readonly count: number;
  readonly bytes: Buffer;

  constructor(rng: Rng, count: number) {
    this.count = count;
    this.bytes = Buffer.alloc(count * valueBytes);
    for (let index = 0; index < count; index++) {
      const text = randomBytes(rng, valueEntropyBytes).toString('base64');
      assert(this.bytes.write(text, index * valueBytes, 'latin1') === valueBytes);
    }
  }
}

/** Keys (16-byte ids) and their values; value i is pool value i modulo the pool size. */
export class BlockSet {
  readonly count: number;
  readonly ids: Buffer;
  readonly values: ValuePool;

  constructor(ids: Buffer, values: ValuePool) {
    assert(ids.length % idBytes === 0);
    this.count = ids.length / idBytes;
    this.ids = ids;
    this.values = values;
  }

  /** Our block id: 32 lowercase hex characters. */
  idText(index: number): string {
    return this.ids.toString('hex', index * idBytes, (index + 1) * idBytes);
  }

  /** The peers' 10-byte key: the low bytes of the id, so sequential ids stay in order. */
  peerKey(index: number): Buffer {
    return this.ids.subarray((index + 1) * idBytes - peerKeyBytes, (index + 1) * idBytes);
  }

  /** The full 16-byte id, for peers' edge keys. */
  idBytes(index: number): Buffer {
    return this.ids.subarray(index * idBytes, (index + 1) * idBytes);
  }

  valueBytes(index: number): Buffer {
    const start = (index % this.values.count) * valueBytes;
    return this.values.bytes.subarray(start, start + valueBytes);
  }

  valueText(index: number): string {
    const start = (index % this.values.count) * valueBytes;
    return this.values.bytes.toString('latin1', start, start + valueBytes);
  }
}

/** Ids 0, 1, 2, ... as 16-byte big-endian numbers: `i.toString(16).padStart(32, '0')`. */
export function sequentialBlocks(count: number, values: ValuePool): BlockSet {
  const ids = Buffer.alloc(count * idBytes);
  for (let index = 0; index < count; index++) ids.writeUInt32BE(index, (index + 1) * idBytes - 4);
  return new BlockSet(ids, values);
}

/** Uniformly random 128-bit ids (a collision would surface as a failed read check). */
export function randomBlocks(rng: Rng, count: number, values: ValuePool): BlockSet {
  return new BlockSet(randomBytes(rng, count * idBytes), values);
}

/** Indices of uniformly random reads of the keys written. */
export function readOrder(rng: Rng, readCount: number, blockCount: number): Uint32Array {
  const order = new Uint32Array(readCount);
  for (let index = 0; index < readCount; index++) order[index] = rng.below(blockCount);
  return order;
}

/**
 * A call graph with realistic skew: uniform sources, Zipf-distributed targets (a few hubs with
 * high in-degree), no repeated (source, target) pair so every engine stores the same edge count.
 */
export class EdgeSet {
  readonly nodes: BlockSet;
  readonly sources: Uint32Array;
  readonly targets: Uint32Array;
  readonly outgoingCounts: Uint32Array;
  readonly incomingCounts: Uint32Array;
  /** Node of lookup i; even lookups ask for outgoing edges, odd ones for incoming. */
  readonly lookups: Uint32Array;

  constructor(rng: Rng, nodes: BlockSet, edgeCount: number, lookupCount: number) {
    const nodeCount = nodes.count;
    this.nodes = nodes;
    this.sources = new Uint32Array(edgeCount);
    this.targets = new Uint32Array(edgeCount);
    this.outgoingCounts = new Uint32Array(nodeCount);
    this.incomingCounts = new Uint32Array(nodeCount);
    const cumulative = zipfCumulative(nodeCount, edgeTargetZipfExponent);
    const seen = new Set<number>();
    for (let edge = 0; edge < edgeCount; edge++) {
      let source = 0;
      let target = 0;
      let attempt = 0;
      for (; attempt < edgeRedrawsMax; attempt++) {
        source = rng.below(nodeCount);
        target = sampleCumulative(cumulative, rng.nextFloat());
        if (source !== target && !seen.has(source * nodeCount + target)) break;
      }
      assert(attempt < edgeRedrawsMax, 'edge generation could not find a new (source, target) pair');
      seen.add(source * nodeCount + target);
      this.sources[edge] = source;
      this.targets[edge] = target;
      this.outgoingCounts[source] = (this.outgoingCounts[source] ?? 0) + 1;
      this.incomingCounts[target] = (this.incomingCounts[target] ?? 0) + 1;
    }
    this.lookups = readOrder(rng, lookupCount, nodeCount);
  }

  source(edge: number): number {
    return this.sources[edge] ?? fail(`no edge ${edge}`);
  }

  target(edge: number): number {
    return this.targets[edge] ?? fail(`no edge ${edge}`);
  }

  /** The largest in-degree: reported so readers see how skewed the graph is. */
  maxIncoming(): number {
    return this.incomingCounts.reduce((max, count) => Math.max(max, count), 0);
  }
}

function zipfCumulative(count: number, exponent: number): Float64Array {
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let rank = 0; rank < count; rank++) {
    total += 1 / Math.pow(rank + 1, exponent);
    cumulative[rank] = total;
  }
  for (let rank = 0; rank < count; rank++) cumulative[rank] = (cumulative[rank] ?? 0) / total;
  return cumulative;
}

/** The first rank whose cumulative probability exceeds u (binary search). */
function sampleCumulative(cumulative: Float64Array, u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cumulative[middle] ?? 1) > u) high = middle;
    else low = middle + 1;
  }
  return low;
}

function fail(message: string): never {
  throw new Error(message);
}
