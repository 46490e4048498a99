// Decoded entities and edge lists shared by the queries of a long-lived process (the server, which
// the CLI and `kausal mcp` use when it runs; an embedded command opens the database per request,
// so its cache lives as long as one query). An entity costs a block lookup (bloom, index, data block, often a read) and a JSON
// parse of its metadata; an edge list costs a prefix scan and a JSON parse per edge. A trace of
// depth 3 does both for about 200 nodes, and that is nearly all of its time; a `find` of a common
// name reads hundreds of name-index edges. Kept here, each costs a map lookup the next time.
//
// The cache is exact, not eventually right: the owner of the database forgets every block and
// edge list a write changes before the write is applied (`forgetWritten`, wired to
// `Database.onWrite` by `following`), and the database has no other way to change them. Entities
// hold no source text (a few hundred bytes each); eviction is by an estimated byte budget.
import type { BlockId } from '../core/block-id.js';
import type { ContextBlock, EdgeType, StoredEdge, WriteOperation } from '../core/types.js';
import type { Entity } from './entity.js';
import type { EdgeFilter, GraphReader, GraphScanner } from './graph-reader.js';

/**
 * The entity object, its map entry and the headers of its strings. Measured on the query
 * benchmark's graph: 165 bytes of heap per entity in all (its strings repeat a lot); this
 * estimate says 450 there, so real code, whose strings repeat less, stays within the budget.
 */
const entryOverheadBytes = 264;
/**
 * One decoded edge: the object, its properties object and its two id strings. With the entity
 * estimate above, the whole came to 146 MiB where the heap grew by 165 MiB, caching 95,000
 * entities and edge lists of the query benchmark's graph.
 */
const edgeOverheadBytes = 400;

/** A rough, deliberately generous size: the overhead and a byte per character (V8's one-byte strings). */
function entityBytes(key: string, entity: Entity | null): number {
  if (entity === null) return entryOverheadBytes / 2 + key.length;
  const text =
    key.length +
    entity.workspace.length +
    entity.language.length +
    entity.kind.length +
    entity.name.length +
    entity.qualifiedName.length +
    entity.file.length +
    entity.signature.length +
    (entity.parent?.length ?? 0);
  return entryOverheadBytes + text;
}

function edgesBytes(key: string, edges: readonly StoredEdge[]): number {
  let bytes = entryOverheadBytes / 2 + key.length;
  for (const edge of edges) {
    bytes += edgeOverheadBytes;
    const properties = edge.properties;
    if (properties !== undefined) {
      for (const name in properties) {
        const value = properties[name];
        bytes += 32 + (typeof value === 'string' ? value.length : 8);
      }
    }
  }
  return bytes;
}

type Direction = 'out' | 'in';

/** The key of an edge list: direction, type (`*` for every type) and node. */
function edgesKey(direction: Direction, type: EdgeType | undefined, id: BlockId): string {
  return `${direction === 'out' ? '>' : '<'}${type ?? '*'} ${id}`;
}

interface Cached {
  /** An entity; null when the id has no block (a dangling edge's far end); or an edge list. */
  readonly value: Entity | null | readonly StoredEdge[];
  readonly bytes: number;
  /** Looked up since eviction last passed it: it gets a second chance (see `evict`). */
  used: boolean;
}

export interface GraphCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly budgetBytes: number;
  readonly hits: number;
  readonly misses: number;
}

/** What the cache follows: a database that announces each batch before applying it. */
export interface WriteAnnouncer {
  onWrite(listener: (operations: readonly WriteOperation[]) => void): unknown;
}

export class SharedGraphCache {
  /**
   * In insertion order, which eviction walks like a clock hand: a hit only marks its entry (moving
   * it in the map on every hit cost a third of a cached trace's time).
   */
  private readonly entries = new Map<string, Cached>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(readonly budgetBytes: number) {}

  /** A cache that forgets whatever `database` writes: the only safe way to share one. */
  static following(database: WriteAnnouncer, budgetBytes: number): SharedGraphCache {
    const cache = new SharedGraphCache(budgetBytes);
    database.onWrite((operations) => cache.forgetWritten(operations));
    return cache;
  }

  /** The context of a query on `graph` that reads through this cache. */
  contextFor(graph: GraphScanner): { graph: GraphScanner; shared: SharedGraphCache } {
    return { graph: this.reading(graph), shared: this };
  }

  /** The cached entity (null: known to have no block), or undefined when not cached. */
  lookupEntity(id: BlockId): Entity | null | undefined {
    return this.lookup(id) as Entity | null | undefined;
  }

  storeEntity(id: BlockId, entity: Entity | null): void {
    this.store(id, entity, entityBytes(id, entity));
  }

  /**
   * `graph` with its edge lists read through this cache. The lists it returns are frozen: callers
   * share them. Blocks and scans pass through (entities are cached by EntityCache, above blocks).
   */
  reading(graph: GraphScanner): GraphScanner;
  reading(graph: GraphReader): GraphReader;
  reading(graph: GraphReader): GraphReader {
    const edges = (direction: Direction, id: BlockId, filter?: EdgeFilter): StoredEdge[] => {
      const key = edgesKey(direction, filter?.type, id);
      const cached = this.lookup(key) as readonly StoredEdge[] | undefined;
      if (cached !== undefined) return cached as StoredEdge[];
      const read = Object.freeze(
        direction === 'out' ? graph.outgoingEdges(id, filter) : graph.incomingEdges(id, filter),
      );
      this.store(key, read, edgesBytes(key, read));
      return read as StoredEdge[];
    };
    const view: GraphReader & Partial<GraphScanner> = {
      getBlock: (id: BlockId): ContextBlock | undefined => graph.getBlock(id),
      outgoingEdges: (id, filter) => edges('out', id, filter),
      incomingEdges: (id, filter) => edges('in', id, filter),
    };
    const scanner = graph as Partial<GraphScanner>;
    if (scanner.scanBlocks !== undefined && scanner.scanEdges !== undefined) {
      view.scanBlocks = () => (scanner as GraphScanner).scanBlocks();
      view.scanEdges = () => (scanner as GraphScanner).scanEdges();
    }
    return view;
  }

  /** Forgets the blocks a batch puts or deletes and the edge lists of both ends of its edges. */
  forgetWritten(operations: readonly WriteOperation[]): void {
    if (this.entries.size === 0) return;
    for (const operation of operations) {
      switch (operation.kind) {
        case 'put_block':
          this.forget(operation.block.id);
          break;
        case 'delete_block':
          this.forget(operation.id);
          break;
        case 'put_edge':
        case 'delete_edge': {
          const { source, target, type } = operation.edge;
          this.forget(edgesKey('out', type, source));
          this.forget(edgesKey('out', undefined, source));
          this.forget(edgesKey('in', type, target));
          this.forget(edgesKey('in', undefined, target));
          break;
        }
      }
    }
  }

  stats(): GraphCacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      budgetBytes: this.budgetBytes,
      hits: this.hits,
      misses: this.misses,
    };
  }

  private lookup(key: string): Cached['value'] | undefined {
    const cached = this.entries.get(key);
    if (cached === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    cached.used = true;
    return cached.value;
  }

  private store(key: string, value: Cached['value'], bytes: number): void {
    if (bytes > this.budgetBytes) return;
    this.forget(key);
    this.entries.set(key, { value, bytes, used: false });
    this.bytes += bytes;
    if (this.bytes > this.budgetBytes) this.evict();
  }

  private forget(key: string): void {
    const cached = this.entries.get(key);
    if (cached === undefined) return;
    this.entries.delete(key);
    this.bytes -= cached.bytes;
  }

  /**
   * Second chance: from the oldest entry on, an entry used since the last pass goes to the back
   * unmarked, the first one not used goes. Each pass unmarks what it moves, so it ends.
   */
  private evict(): void {
    for (const [key, cached] of this.entries) {
      if (this.bytes <= this.budgetBytes) return;
      this.entries.delete(key);
      if (cached.used) {
        cached.used = false;
        this.entries.set(key, cached);
      } else {
        this.bytes -= cached.bytes;
      }
    }
  }
}
