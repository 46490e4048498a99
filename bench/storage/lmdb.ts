// lmdb adapter with its default durability. lmdb-js overlaps the fsync with later commits by
// default (overlappingSync), so a batch is a synchronous transaction followed by awaiting
// `db.flushed`: the batch is on disk when writeBlocks resolves, as with the other engines.
import type { LmdbDatabase, LmdbModule } from '../peers.js';
import { edgeRange, incomingKey, outgoingKey } from './edge-keys.js';
import type { BenchStore, StoreEngine } from './store.js';
import type { BlockSet, EdgeSet } from './workload.js';

const emptyValue = Buffer.alloc(0);

export function lmdbEngine(module: LmdbModule, version: string): StoreEngine {
  return {
    name: 'lmdb',
    version,
    durability: 'default: fsync per transaction (each batch awaited until flushed)',
    open: (directory) =>
      new LmdbStore(module.open({ path: directory, encoding: 'binary', keyEncoding: 'binary' })),
  };
}

class LmdbStore implements BenchStore {
  constructor(private readonly db: LmdbDatabase) {}

  async writeBlocks(blocks: BlockSet, first: number, count: number): Promise<void> {
    this.db.transactionSync(() => {
      for (let index = first; index < first + count; index++) {
        this.db.put(blocks.peerKey(index), blocks.valueBytes(index));
      }
    });
    await this.db.flushed;
  }

  readBlockMatches(blocks: BlockSet, index: number): boolean {
    const value = this.db.get(blocks.peerKey(index));
    return value !== undefined && value.equals(blocks.valueBytes(index));
  }

  async writeEdges(edges: EdgeSet, first: number, count: number): Promise<void> {
    this.db.transactionSync(() => {
      for (let edge = first; edge < first + count; edge++) {
        this.db.put(outgoingKey(edges, edge), emptyValue);
        this.db.put(incomingKey(edges, edge), emptyValue);
      }
    });
    await this.db.flushed;
  }

  outgoingCount(edges: EdgeSet, node: number): number {
    return this.neighbours(edgeRange('outgoing', edges, node)).length;
  }

  incomingCount(edges: EdgeSet, node: number): number {
    return this.neighbours(edgeRange('incoming', edges, node)).length;
  }

  /** The neighbour ids of a range, materialised as a caller would use them. */
  private neighbours(range: { start: Buffer; end: Buffer }): Buffer[] {
    const found: Buffer[] = [];
    for (const key of this.db.getKeys(range)) found.push(key.subarray(range.start.length));
    return found;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
