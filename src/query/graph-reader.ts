// What queries need from the database: point reads of blocks and adjacency lookups (and, for
// exports and index rebuilds, full scans). `Database` satisfies these interfaces structurally, so
// the query layer depends on the facade's shape, not on the storage engine.
import type { BlockId } from '../core/block-id.js';
import type { BlockHeader, ContextBlock, EdgeType, StoredEdge, WriteOperation } from '../core/types.js';
import { entityFromHeader, type Entity } from './entity.js';
import type { NameHit } from './name-lookup.js';
import type { SharedEntityCache } from './shared-entity-cache.js';

export interface EdgeFilter {
  readonly type?: EdgeType;
}

export interface GraphReader {
  getBlock(id: BlockId): ContextBlock | undefined;
  /** What an entity is made of: the block without its content, which is cheaper to read. */
  getBlockHeader(id: BlockId): BlockHeader | undefined;
  outgoingEdges(id: BlockId, query?: EdgeFilter): StoredEdge[];
  incomingEdges(id: BlockId, query?: EdgeFilter): StoredEdge[];
}

export interface GraphScanner extends GraphReader {
  scanBlocks(): Iterable<ContextBlock>;
  scanEdges(): Iterable<StoredEdge>;
}

export interface GraphWriter extends GraphScanner {
  /** `durable: false` defers the fsync to the next durable write (Database.write). */
  write(operations: readonly WriteOperation[], options?: { readonly durable?: boolean }): unknown;
}

/**
 * Decoded entities of one query, so a node reached twice (a trace that converges, a path search)
 * costs one block read. It lives as long as the query; it is bounded by the query's own caps.
 * Behind it, when the process keeps one, the cache shared by all queries (see SharedEntityCache).
 */
export class EntityCache {
  private readonly entities = new Map<BlockId, Entity | null>();

  constructor(
    readonly graph: GraphReader,
    private readonly shared?: SharedEntityCache,
  ) {}

  get(id: BlockId): Entity | undefined {
    const cached = this.entities.get(id);
    if (cached !== undefined) return cached ?? undefined;
    let entity = this.shared?.lookup(id);
    if (entity === undefined) {
      const header = this.graph.getBlockHeader(id);
      entity = header === undefined ? null : entityFromHeader(header);
      this.shared?.store(id, entity);
    }
    this.entities.set(id, entity);
    return entity ?? undefined;
  }

  /** The shared cache's hits under a name index key, when it holds them (see name-lookup.ts). */
  sharedHits(key: BlockId, name: string): readonly NameHit[] | undefined {
    return this.shared?.lookupHits(key, name);
  }

  /** Offers hits read under a key to the shared cache, which keeps long lists. */
  shareHits(key: BlockId, name: string, hits: readonly NameHit[]): void {
    this.shared?.storeHits(key, name, hits);
  }
}
