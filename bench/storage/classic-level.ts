// classic-level (LevelDB) adapter: one `batch` per commit with `sync: true`, LevelDB's way to make
// a write durable. Point reads use `getSync` (new in classic-level 3) for the headline figure, since
// our engine reads synchronously too; the idiomatic async `get` is measured alongside.
import type { ClassicLevelBatchOperation, ClassicLevelDatabase, ClassicLevelModule } from '../peers.js';
import { edgeRange, incomingKey, outgoingKey } from './edge-keys.js';
import type { BenchStore, StoreEngine } from './store.js';
import type { BlockSet, EdgeSet } from './workload.js';

const emptyValue = Buffer.alloc(0);

export function classicLevelEngine(module: ClassicLevelModule, version: string): StoreEngine {
  return {
    name: 'classic-level',
    version,
    durability: 'sync: true per batch (fsync per commit)',
    open: async (directory) => {
      const db = new module.ClassicLevel(directory, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      return new ClassicLevelStore(db);
    },
  };
}

class ClassicLevelStore implements BenchStore {
  constructor(private readonly db: ClassicLevelDatabase) {}

  writeBlocks(blocks: BlockSet, first: number, count: number): Promise<void> {
    const operations: ClassicLevelBatchOperation[] = [];
    for (let index = first; index < first + count; index++) {
      operations.push({ type: 'put', key: blocks.peerKey(index), value: blocks.valueBytes(index) });
    }
    return this.db.batch(operations, { sync: true });
  }

  readBlockMatches(blocks: BlockSet, index: number): boolean {
    const value = this.db.getSync(blocks.peerKey(index));
    return value !== undefined && value.equals(blocks.valueBytes(index));
  }

  async readBlockMatchesAsync(blocks: BlockSet, index: number): Promise<boolean> {
    const value = await this.db.get(blocks.peerKey(index));
    return value !== undefined && value.equals(blocks.valueBytes(index));
  }

  writeEdges(edges: EdgeSet, first: number, count: number): Promise<void> {
    const operations: ClassicLevelBatchOperation[] = [];
    for (let edge = first; edge < first + count; edge++) {
      operations.push({ type: 'put', key: outgoingKey(edges, edge), value: emptyValue });
      operations.push({ type: 'put', key: incomingKey(edges, edge), value: emptyValue });
    }
    return this.db.batch(operations, { sync: true });
  }

  outgoingCount(edges: EdgeSet, node: number): Promise<number> {
    return this.countRange(edgeRange('outgoing', edges, node));
  }

  incomingCount(edges: EdgeSet, node: number): Promise<number> {
    return this.countRange(edgeRange('incoming', edges, node));
  }

  /** LevelDB has no synchronous iterator; `keys().all()` materialises the range's keys. */
  private async countRange(range: { start: Buffer; end: Buffer }): Promise<number> {
    const keys = await this.db.keys({ gte: range.start, lt: range.end }).all();
    return keys.length;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
