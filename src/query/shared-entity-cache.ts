// Decoded entities shared by the queries of a long-lived process: the server, which the CLI and
// `kausal mcp` use when it runs (an embedded command opens the database per request, so there the
// cache lives as long as one query). An entity costs a block lookup (bloom, index, data block,
// often a read) and a JSON parse of its metadata; a trace of depth 3 decodes about 200 of them,
// and that is most of its time. Kept here, an entity read again costs a map lookup: a trace's time
// drops to about a third once the entities it meets are cached. (Edge lists were cached here too
// for a while; under random load their churn cost more in GC than it saved: docs/query.md.)
//
// It also keeps the long hit lists of the name index: a common name (`get`, `init`, `run`) has
// hundreds to thousands of entities, and every find or target lookup of it decodes them all to
// filter, count and rank them (2,000 hits: about 2 ms). Those lists are few and asked for often,
// unlike edge lists; short ones are read each time.
//
// The cache is exact, not eventually right: the owner of the database forgets every block a write
// puts or deletes before the write is applied (`forgetWritten`, wired to `Database.onWrite`), and
// the database has no other way to change a block; likewise the hit list under an index key
// whose edges a write touches. Entities hold no source text, so a few hundred
// bytes each; once the byte budget is reached, entries not used lately go first (second chance, a
// clock approximation of least recently used).
import type { BlockId } from '../core/block-id.js';
import type { WriteOperation } from '../core/types.js';
import type { Entity } from './entity.js';
import { nameIndexEdgeType } from './name-keys.js';
import type { NameHit } from './name-lookup.js';

/** Hit lists shorter than this are read from the index each time (cheap, and they would churn). */
export const sharedHitListLengthMin = 32;
/** A hit with its strings, generously: most of them repeat (workspace, kind, language, file). */
const hitBytes = 200;
/** Cache keys of hit lists; block ids are hexadecimal, so the two never meet. */
const hitListKeyPrefix = 'hits:';

/** The hits under one name index key, and the simple name they were read for. */
class HitList {
  constructor(
    readonly name: string,
    readonly hits: readonly NameHit[],
  ) {}
}

/**
 * The entity object, its map entry and the headers of its strings. Measured on the query
 * benchmark's graph: 165 bytes of heap per entity in all (its strings repeat a lot); this
 * estimate says 450 there, so real code, whose strings repeat less, stays within the budget.
 */
const entryOverheadBytes = 264;

/**
 * Used entries the eviction hand may pass over for one store before it takes the next entry
 * anyway: a pass over a cache whose every entry was used since would otherwise move all of them,
 * a pause of tens of milliseconds at a hundred thousand entries, in a server that answers queries.
 */
const secondChancesPerEvictionMax = 64;

/** A rough, deliberately generous size: the overhead and a byte per character (V8's one-byte strings). */
function entityBytes(id: BlockId, entity: Entity | null): number {
  if (entity === null) return entryOverheadBytes / 2 + id.length;
  const text =
    id.length +
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

interface Cached {
  /** null: the id has no block (a dangling edge's far end), which is worth remembering too. */
  readonly value: Entity | null | HitList;
  readonly bytes: number;
  /** Looked up since eviction last passed it: it gets a second chance (see `evict`). */
  used: boolean;
}

export interface EntityCacheStats {
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

export class SharedEntityCache {
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
  static following(database: WriteAnnouncer, budgetBytes: number): SharedEntityCache {
    const cache = new SharedEntityCache(budgetBytes);
    database.onWrite((operations) => cache.forgetWritten(operations));
    return cache;
  }

  /** The cached entity (null: known to have no block), or undefined when not cached. */
  lookup(id: BlockId): Entity | null | undefined {
    const cached = this.entries.get(id);
    if (cached === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    cached.used = true;
    return cached.value as Entity | null;
  }

  store(id: BlockId, entity: Entity | null): void {
    this.put(id, entity, entityBytes(id, entity));
  }

  /** The hits under name index key `key` read for `name`, when cached. */
  lookupHits(key: BlockId, name: string): readonly NameHit[] | undefined {
    const cached = this.entries.get(hitListKeyPrefix + key);
    if (cached === undefined || !(cached.value instanceof HitList) || cached.value.name !== name) {
      return undefined;
    }
    cached.used = true;
    return cached.value.hits;
  }

  /** Keeps the hits under `key` when there are enough to be worth it; the caller must not change them. */
  storeHits(key: BlockId, name: string, hits: readonly NameHit[]): void {
    if (hits.length < sharedHitListLengthMin) return;
    this.put(hitListKeyPrefix + key, new HitList(name, hits), entryOverheadBytes + hits.length * hitBytes);
  }

  private put(key: string, value: Entity | null | HitList, bytes: number): void {
    if (bytes > this.budgetBytes) return;
    this.forget(key);
    this.entries.set(key, { value, bytes, used: false });
    this.bytes += bytes;
    if (this.bytes > this.budgetBytes) this.evict();
  }

  /**
   * Second chance: from the oldest entry on, an entry used since the last pass goes to the back
   * unmarked, the first one not used goes; after `secondChancesPerEvictionMax` moves, the next
   * entry goes whether used or not, so one store does bounded work.
   */
  private evict(): void {
    let chances = 0;
    for (const [id, cached] of this.entries) {
      if (this.bytes <= this.budgetBytes) return;
      this.entries.delete(id);
      if (cached.used && chances < secondChancesPerEvictionMax) {
        chances++;
        cached.used = false;
        this.entries.set(id, cached);
      } else {
        this.bytes -= cached.bytes;
      }
    }
  }

  forget(key: string): void {
    const cached = this.entries.get(key);
    if (cached === undefined) return;
    this.entries.delete(key);
    this.bytes -= cached.bytes;
  }

  /**
   * Forgets the blocks a batch puts or deletes, and the hit lists of the index keys whose edges it
   * writes; other edges do not change an entity.
   */
  forgetWritten(operations: readonly WriteOperation[]): void {
    if (this.entries.size === 0) return;
    for (const operation of operations) {
      if (operation.kind === 'put_block') this.forget(operation.block.id);
      else if (operation.kind === 'delete_block') this.forget(operation.id);
      else if (operation.edge.type === nameIndexEdgeType)
        this.forget(hitListKeyPrefix + operation.edge.source);
    }
  }

  stats(): EntityCacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      budgetBytes: this.budgetBytes,
      hits: this.hits,
      misses: this.misses,
    };
  }
}
