// How much a link, sync or unlink writes per batch. Each batch is one atomic, fsynced write and
// one synchronous stretch of the event loop (the storage engine also advances a flush or merge
// in proportion to the batch). With a yield budget the batches are sized to take a few
// milliseconds; without one they are as large as throughput wants.
import { limits } from '../core/limits.js';
import type { BlockInput, WriteOperation } from '../core/types.js';
import { YieldBudget, type Steps } from '../core/yield-budget.js';
import type { Database } from '../database.js';

export interface WriteBatchSizes {
  /** Blocks per batch; each brings its name-index operations. */
  readonly blocks: number;
  /** Edge operations (or deletions) per batch. */
  readonly operations: number;
  /** Estimated bytes per batch (stored facts are large blocks). */
  readonly bytes: number;
}

export function writeBatchSizes(budget: YieldBudget): WriteBatchSizes {
  if (budget.budgetMs === Number.POSITIVE_INFINITY) {
    return {
      blocks: limits.syncBlocksPerBatch,
      operations: limits.syncBatchOperations,
      bytes: limits.syncBatchBytes,
    };
  }
  return {
    blocks: limits.syncBlocksPerCooperativeBatch,
    operations: limits.syncCooperativeBatchOperations,
    bytes: limits.syncCooperativeBatchBytes,
  };
}

/** Whether `operations` fit in one batch of `writeChunked`. */
export function fitsOneBatch(operations: readonly WriteOperation[], budget: YieldBudget): boolean {
  const sizes = writeBatchSizes(budget);
  let bytes = 0;
  for (const operation of operations) bytes += estimatedBytes(operation);
  return operations.length <= sizes.operations && bytes <= sizes.bytes;
}

export function estimatedBytes(operation: WriteOperation): number {
  return operation.kind === 'put_block' ? estimatedBlockBytes(operation.block) : 256;
}

/** At most three bytes per UTF-16 unit of content, plus the rest of the block. */
export function estimatedBlockBytes(block: Pick<BlockInput, 'content'>): number {
  return block.content.length * 3 + 1024;
}

/**
 * Writes `operations` in batches bounded by count and estimated size, yielding between them. The
 * batches are deferred: the caller's next durable write (its commit) makes them durable.
 */
export function writeChunked(
  db: Database,
  operations: readonly WriteOperation[],
  budget: YieldBudget = new YieldBudget(),
): Promise<void> {
  return budget.run(writeChunkedSteps(db, operations, writeBatchSizes(budget)));
}

function* writeChunkedSteps(
  db: Database,
  operations: readonly WriteOperation[],
  sizes: WriteBatchSizes,
): Steps<void> {
  let first = true;
  for (const chunk of chunksOf(operations, sizes.operations, sizes.bytes, estimatedBytes)) {
    if (!first) yield;
    first = false;
    db.write(chunk, { durable: false });
  }
}

/**
 * `items` cut into consecutive chunks of at most `countMax` items and, but for a single item that
 * is larger alone, at most `bytesMax` estimated bytes.
 */
export function* chunksOf<T>(
  items: readonly T[],
  countMax: number,
  bytesMax: number,
  bytesOf: (item: T) => number,
): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (chunk.length > 0 && (chunk.length >= countMax || bytes + size > bytesMax)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
