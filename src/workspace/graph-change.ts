// Replacing what a set of files produced with what they produce now: new and changed blocks and
// edges are put, vanished ones deleted, and every edge into a vanished block goes too (so no
// query meets a dangling edge). The name index changes in the same batches as the blocks.
import type { BlockId } from '../core/block-id.js';
import { limits } from '../core/limits.js';
import type { BlockInput, GraphEdge, WriteOperation } from '../core/types.js';
import type { Database } from '../database.js';
import { nameIndexEdgeType, nameIndexOperations } from '../query/index.js';

function edgeKey(edge: Pick<GraphEdge, 'source' | 'target' | 'type'>): string {
  return `${edge.source}|${edge.type}|${edge.target}`;
}

export class GraphChange {
  readonly counts = { blocksWritten: 0, blocksDeleted: 0, edgesWritten: 0, edgesDeleted: 0 };

  constructor(
    private readonly db: Database,
    private readonly workspace: string,
  ) {}

  /** Replaces the blocks `oldIds` (and the edges they own) with `blocks` and `edges`. */
  replace(
    oldIds: readonly BlockId[],
    blocks: readonly BlockInput[],
    edges: readonly GraphEdge[],
    progress: (done: number, total: number) => void,
  ): void {
    const newIds = new Set(blocks.map((block) => block.id));
    const previous = [...new Set(oldIds)];
    const removed = previous.filter((id) => !newIds.has(id));
    const keep = new Set(edges.map(edgeKey));
    const staleEdges = new Map<string, GraphEdge>();
    const storedEdges = new Map<string, GraphEdge>();
    for (const id of previous) {
      for (const edge of this.db.outgoingEdges(id)) {
        storedEdges.set(edgeKey(edge), edge);
        if (!keep.has(edgeKey(edge))) staleEdges.set(edgeKey(edge), edge);
      }
    }
    // Only what differs from the stored graph is written: a one-file edit that re-resolves its
    // importers rewrites the few edges that moved, not all of them.
    blocks = blocks.filter((block) => !this.sameAsStored(block));
    edges = edges.filter((edge) => {
      const stored = storedEdges.get(edgeKey(edge));
      return (
        stored === undefined ||
        JSON.stringify(stored.properties ?? {}) !== JSON.stringify(edge.properties ?? {})
      );
    });
    for (const id of removed) {
      for (const edge of this.db.incomingEdges(id)) {
        if (edge.type !== nameIndexEdgeType && !keep.has(edgeKey(edge))) staleEdges.set(edgeKey(edge), edge);
      }
    }
    const total = blocks.length + edges.length + staleEdges.size + removed.length;
    let done = 0;
    for (let start = 0; start < blocks.length; start += limits.syncBlocksPerBatch) {
      const chunk = blocks.slice(start, start + limits.syncBlocksPerBatch);
      const index = nameIndexOperations(
        this.db,
        this.workspace,
        chunk.map((block) => ({ id: block.id, metadata: block.metadata })),
        [],
      );
      this.db.write([...chunk.map((block): WriteOperation => ({ kind: 'put_block', block })), ...index]);
      done += chunk.length;
      progress(done, total);
    }
    this.counts.blocksWritten += blocks.length;
    for (let start = 0; start < edges.length; start += limits.syncBatchOperations) {
      const chunk = edges.slice(start, start + limits.syncBatchOperations);
      this.db.write(chunk.map((edge): WriteOperation => ({ kind: 'put_edge', edge })));
      done += chunk.length;
      progress(done, total);
    }
    this.counts.edgesWritten += edges.length;
    const deletions = [...staleEdges.values()].map((edge): WriteOperation => ({ kind: 'delete_edge', edge }));
    for (let start = 0; start < deletions.length; start += limits.syncBatchOperations) {
      this.db.write(deletions.slice(start, start + limits.syncBatchOperations));
    }
    done += deletions.length;
    this.counts.edgesDeleted += deletions.length;
    for (let start = 0; start < removed.length; start += limits.syncBlocksPerBatch) {
      const chunk = removed.slice(start, start + limits.syncBlocksPerBatch);
      const index = nameIndexOperations(
        this.db,
        this.workspace,
        [],
        chunk.map((id) => ({ id })),
      );
      this.db.write([...index, ...chunk.map((id): WriteOperation => ({ kind: 'delete_block', id }))]);
      done += chunk.length;
      progress(done, total);
    }
    this.counts.blocksDeleted += removed.length;
  }

  private sameAsStored(block: BlockInput): boolean {
    const stored = this.db.getBlock(block.id);
    return (
      stored !== undefined &&
      stored.content === block.content &&
      stored.sourceUri === block.sourceUri &&
      JSON.stringify(stored.metadata) === JSON.stringify(block.metadata)
    );
  }

  /** Deletes blocks and every edge touching them (unlink). */
  remove(ids: readonly BlockId[]): void {
    this.replace(ids, [], [], () => undefined);
  }
}
