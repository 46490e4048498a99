// Replacing what a set of files produced with what they produce now: new and changed blocks and
// edges are put, vanished ones deleted, and every edge into a vanished block goes too (so no
// query meets a dangling edge). The name index changes in the same batches as the blocks.
//
// The work runs in steps under a yield budget (a server answers queries between them), so the
// batches are small when the budget is: readers may see the change half done, but only in the
// order a crash could leave it — blocks before the edges that point at them, edges into a block
// deleted before the block, names in the index vocabulary before their entities and out of it
// after them (NameIndexChange). A small change (a one-file edit) takes one batch, one fsync, for
// its new names, blocks and edges, one more when it deletes blocks (whose name-index operations
// are computed against the state after the puts), and one when a name loses its last entity.
import type { BlockId } from '../core/block-id.js';
import type { BlockInput, GraphEdge, JsonObject, WriteOperation } from '../core/types.js';
import { eachInSteps, YieldBudget, type Steps } from '../core/yield-budget.js';
import type { Database } from '../database.js';
import { NameIndexChange } from '../query/index.js';
import {
  chunksOf,
  estimatedBlockBytes,
  estimatedBytes,
  writeBatchSizes,
  type WriteBatchSizes,
} from './write-batches.js';

function edgeKey(edge: Pick<GraphEdge, 'source' | 'target' | 'type'>): string {
  return `${edge.source}|${edge.type}|${edge.target}`;
}

/**
 * Stored blocks or edge lists read per step: a read takes microseconds from the cache and up to
 * milliseconds for a large block from disk (a module's whole text), so one per step.
 */
const readsPerStep = 1;
/** Keys built or looked up per step: each takes well under a microsecond. */
const keysPerStep = 2048;

export class GraphChange {
  readonly counts = { blocksWritten: 0, blocksDeleted: 0, edgesWritten: 0, edgesDeleted: 0 };
  private readonly batches: WriteBatchSizes;
  private readonly index: NameIndexChange;
  /** Operations not yet written: put and written as one batch when full or when they must be. */
  private pending: WriteOperation[] = [];

  constructor(
    private readonly db: Database,
    workspace: string,
    private readonly budget: YieldBudget = new YieldBudget(),
  ) {
    this.batches = writeBatchSizes(budget);
    this.index = new NameIndexChange(db, workspace);
  }

  /** Names this change takes out of the vocabulary if no entity is under them at its end. */
  recheckNames(names: Iterable<string>): void {
    this.index.recheck(names);
  }

  /** Replaces the blocks `oldIds` (and the edges they own) with `blocks` and `edges`. */
  /**
   * `storedMetadata`: for blocks whose stored version is known to have the same source URI and
   * text (restoreContent took the text from it), that version's metadata, so it is not read again.
   */
  replace(
    oldIds: readonly BlockId[],
    blocks: readonly BlockInput[],
    edges: readonly GraphEdge[],
    progress: (done: number, total: number) => void,
    storedMetadata: ReadonlyMap<BlockId, JsonObject> = new Map(),
  ): Promise<void> {
    return this.budget.run(this.replaceSteps(oldIds, blocks, edges, progress, storedMetadata));
  }

  /** Deletes blocks and every edge touching them (unlink). */
  remove(ids: readonly BlockId[]): Promise<void> {
    return this.replace(ids, [], [], () => undefined);
  }

  private *replaceSteps(
    oldIds: readonly BlockId[],
    blocks: readonly BlockInput[],
    edges: readonly GraphEdge[],
    progress: (done: number, total: number) => void,
    storedMetadata: ReadonlyMap<BlockId, JsonObject>,
  ): Steps<void> {
    const newIds = new Set<BlockId>();
    yield* eachInSteps(blocks, keysPerStep, (block) => newIds.add(block.id));
    const previous = [...new Set(oldIds)];
    const removed = previous.filter((id) => !newIds.has(id));
    // The edges to keep matter only against stored ones (none for a first link).
    const keep = new Set<string>();
    if (previous.length > 0) yield* eachInSteps(edges, keysPerStep, (edge) => keep.add(edgeKey(edge)));
    const staleEdges = new Map<string, GraphEdge>();
    const storedEdges = new Map<string, GraphEdge>();
    yield* eachInSteps(previous, readsPerStep, (id) => {
      for (const edge of this.db.outgoingEdges(id)) {
        const key = edgeKey(edge);
        storedEdges.set(key, edge);
        if (!keep.has(key)) staleEdges.set(key, edge);
      }
    });
    // Only what differs from the stored graph is written: a one-file edit that re-resolves its
    // importers rewrites the few edges that moved, not all of them.
    const changedBlocks: BlockInput[] = [];
    yield* eachInSteps(blocks, readsPerStep, (block) => {
      if (!this.sameAsStored(block, storedMetadata.get(block.id))) changedBlocks.push(block);
    });
    // With nothing stored (a first link), every edge is new.
    let changedEdges: readonly GraphEdge[] = edges;
    if (storedEdges.size > 0) {
      const changed: GraphEdge[] = [];
      yield* eachInSteps(edges, keysPerStep, (edge) => {
        const stored = storedEdges.get(edgeKey(edge));
        if (
          stored === undefined ||
          JSON.stringify(stored.properties ?? {}) !== JSON.stringify(edge.properties ?? {})
        )
          changed.push(edge);
      });
      changedEdges = changed;
    }
    yield* eachInSteps(removed, readsPerStep, (id) => {
      for (const edge of this.db.incomingEdges(id)) {
        // Name-index edges are stored under their key nodes only: none comes in here.
        if (!keep.has(edgeKey(edge))) staleEdges.set(edgeKey(edge), edge);
      }
    });
    const deletions = [...staleEdges.values()];
    const total = changedBlocks.length + changedEdges.length + deletions.length + removed.length;
    let done = 0;
    const report = (count: number): void => {
      done += count;
      progress(done, total);
    };
    yield* this.writeVocabulary(yield* this.index.joining(changedBlocks));
    yield* this.putBlocks(changedBlocks, report);
    yield* this.writeInBatches(changedEdges, (edge): WriteOperation => ({ kind: 'put_edge', edge }), report);
    this.counts.edgesWritten += changedEdges.length;
    yield* this.writeInBatches(deletions, (edge): WriteOperation => ({ kind: 'delete_edge', edge }), report);
    this.counts.edgesDeleted += deletions.length;
    yield* this.deleteBlocks(removed, report);
    this.flush();
    yield* this.writeVocabulary(yield* this.index.leaving());
    this.flush();
  }

  /**
   * Vocabulary shards (up to some hundred KiB each), in batches of the usual size. The last batch
   * stays pending: the names joining a change go in one atomic batch with its first blocks when
   * they fit (a one-file edit that adds a name costs no extra fsync).
   */
  private *writeVocabulary(operations: readonly WriteOperation[]): Steps<void> {
    let first = true;
    for (const chunk of chunksOf(operations, this.batches.operations, this.batches.bytes, estimatedBytes)) {
      if (!first) {
        this.flush();
        yield;
      }
      first = false;
      this.pending.push(...chunk);
    }
  }

  /**
   * Writes the pending operations as one batch, deferred: every caller ends its change with a
   * durable commit (the file table and record of a sync, the registry of an unlink), whose fsync
   * makes these durable with it. A crash before it leaves the change unfinished either way, and
   * the next sync or unlink redoes it (pending-writes.ts).
   */
  private flush(): void {
    if (this.pending.length === 0) return;
    this.db.write(this.pending, { durable: false });
    this.pending = [];
  }

  /** Blocks with their name-index operations, computed against the state each batch applies to. */
  private *putBlocks(blocks: readonly BlockInput[], report: (count: number) => void): Steps<void> {
    let first = true;
    // Bounded by count and by size: a module block holds its file's whole text.
    for (const chunk of chunksOf(blocks, this.batches.blocks, this.batches.bytes, estimatedBlockBytes)) {
      // The name-index operations are computed against the state written so far (what is pending
      // before the first chunk is vocabulary, which they do not read).
      if (!first) this.flush();
      first = false;
      const index = this.index.keys(
        chunk.map((block) => ({ id: block.id, metadata: block.metadata })),
        [],
      );
      this.pending.push(...chunk.map((block): WriteOperation => ({ kind: 'put_block', block })), ...index);
      this.counts.blocksWritten += chunk.length;
      report(chunk.length);
      yield;
    }
  }

  private *deleteBlocks(ids: readonly BlockId[], report: (count: number) => void): Steps<void> {
    for (let start = 0; start < ids.length; start += this.batches.blocks) {
      const chunk = ids.slice(start, start + this.batches.blocks);
      this.flush(); // the name-index operations are computed against the state written so far
      const index = this.index.keys(
        [],
        chunk.map((id) => ({ id })),
      );
      this.pending.push(...index, ...chunk.map((id): WriteOperation => ({ kind: 'delete_block', id })));
      this.counts.blocksDeleted += chunk.length;
      report(chunk.length);
      yield;
    }
  }

  private *writeInBatches<T>(
    items: readonly T[],
    operation: (item: T) => WriteOperation,
    report: (count: number) => void,
  ): Steps<void> {
    for (let start = 0; start < items.length; start += this.batches.operations) {
      const chunk = items.slice(start, start + this.batches.operations);
      if (this.pending.length + chunk.length > this.batches.operations) this.flush();
      this.pending.push(...chunk.map(operation));
      report(chunk.length);
      yield;
    }
  }

  /** `knownMetadata`: the stored version's, when its source URI and text are known to match. */
  private sameAsStored(block: BlockInput, knownMetadata: JsonObject | undefined): boolean {
    if (knownMetadata !== undefined) return JSON.stringify(knownMetadata) === JSON.stringify(block.metadata);
    const stored = this.db.getBlock(block.id, { fillCache: false }); // read once, as in restoreContent
    return (
      stored !== undefined &&
      stored.content === block.content &&
      stored.sourceUri === block.sourceUri &&
      JSON.stringify(stored.metadata) === JSON.stringify(block.metadata)
    );
  }
}
