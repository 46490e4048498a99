// The embedding surface: a synchronous database of blocks and typed edges in one directory.
// It validates at the boundary and delegates to the storage engine; by default it runs on the
// real file system, and tests pass a SimVfs instead.
import type { BlockId } from './core/block-id.js';
import type { Clock } from './core/clock.js';
import type {
  BlockHeader,
  BlockInput,
  ContextBlock,
  GraphEdge,
  StoredEdge,
  WriteOperation,
} from './core/types.js';
import {
  StorageEngine,
  type EdgeQuery,
  type ReadOptions,
  type StorageStats,
  type WriteOptions,
  type WriteResult,
} from './storage/engine.js';
import type { PlantedBugs } from './storage/options.js';
import { KausalError } from './core/errors.js';
import { NodeVfs } from './vfs/node-vfs.js';
import { joinPath, type Vfs } from './vfs/vfs.js';
import { manifestFileName } from './storage/manifest/manifest.js';

export interface DatabaseOptions {
  /** Flush the memtable to a table at this many bytes (default 64 MiB). */
  readonly memtableBytes?: number;
  /** Rotate write-ahead log segments at this size (default 64 MiB). */
  readonly walSegmentBytes?: number;
  /** Budget of the decoded data-block cache (default 64 MiB). */
  readonly blockCacheBytes?: number;
  /** Budget for table indexes and bloom filters held in memory (default 256 MiB). */
  readonly tableMetadataBytes?: number;
  readonly tableBlockBytes?: number;
  /** Size of the memtable arena's slabs (default 4 MiB); tests shrink it to reach oversized values. */
  readonly arenaSlabBytes?: number;
  /** The file system; defaults to the real one. */
  readonly vfs?: Vfs;
  readonly clock?: Clock;
  /** Test-only: plant known bugs so the simulator can prove it catches them. */
  readonly plantedBugs?: PlantedBugs;
}

export type DatabaseStats = StorageStats;

/**
 * Who holds the lock, as a person would name it: `kausal link` or `kausal server` for the command
 * line, else the script (`node build-index.js`). The lock file adds pid, host and time.
 */
function processDescription(): string {
  const script = process.argv[1] ?? '';
  const name = script.split(/[\\/]/).pop() ?? '';
  if (/^kausal(\.js)?$/.test(name)) {
    const command = process.argv.slice(2).find((argument) => !argument.startsWith('-'));
    return command === undefined ? 'kausal' : `kausal ${command}`;
  }
  return name === '' ? 'a KausalDB process' : `node ${name} (KausalDB)`;
}

/** Hears each batch of operations before it is applied (see `Database.onWrite`). */
export type WriteListener = (operations: readonly WriteOperation[]) => void;

export class Database {
  private readonly writeListeners = new Set<WriteListener>();

  private constructor(private readonly engine: StorageEngine) {}

  /** Opens the database in `directory`, creating it when missing; takes an exclusive lock. */
  static open(directory: string, options: DatabaseOptions = {}): Database {
    const { vfs, ...rest } = options;
    const engine = StorageEngine.open(directory, {
      ...rest,
      vfs: vfs ?? new NodeVfs(),
      lockOwner: processDescription(),
    });
    return new Database(engine);
  }

  /**
   * A read-only view of the existing database in `directory`, opened without its lock, for
   * reading while another process holds it (see StorageEngine.openSnapshot): every batch
   * acknowledged before the call, never part of one. Writes throw UNSUPPORTED; close() releases
   * its files. Throws NOT_FOUND when there is no database.
   */
  static openSnapshot(directory: string, options: DatabaseOptions = {}): Database {
    const { vfs = new NodeVfs(), ...rest } = options;
    if (!Database.exists(directory, vfs)) {
      throw new KausalError('NOT_FOUND', `no database at ${directory}`);
    }
    return new Database(StorageEngine.openSnapshot(directory, { ...rest, vfs }));
  }

  /** True when `directory` holds a database (its manifest), without opening or creating it. */
  static exists(directory: string, vfs: Vfs = new NodeVfs()): boolean {
    return vfs.exists(joinPath(directory, manifestFileName));
  }

  get directory(): string {
    return this.engine.directory;
  }

  putBlock(block: BlockInput): WriteResult {
    return this.write([{ kind: 'put_block', block }]);
  }

  /** The block, or undefined; `fillCache: false` for data read once (see ReadOptions). */
  getBlock(id: BlockId, options?: ReadOptions): ContextBlock | undefined {
    return this.engine.getBlock(id, options);
  }

  /** The block's id, source URI, metadata and content length, without decoding its content. */
  getBlockHeader(id: BlockId): BlockHeader | undefined {
    return this.engine.getBlockHeader(id);
  }

  deleteBlock(id: BlockId): WriteResult {
    return this.write([{ kind: 'delete_block', id }]);
  }

  putEdge(edge: GraphEdge): WriteResult {
    return this.write([{ kind: 'put_edge', edge }]);
  }

  deleteEdge(edge: Pick<GraphEdge, 'source' | 'target' | 'type'>): WriteResult {
    return this.write([{ kind: 'delete_edge', edge }]);
  }

  outgoingEdges(id: BlockId, query?: EdgeQuery): StoredEdge[] {
    return this.engine.outgoingEdges(id, query);
  }

  incomingEdges(id: BlockId, query?: EdgeQuery): StoredEdge[] {
    return this.engine.incomingEdges(id, query);
  }

  /**
   * Applies every operation or none, durably with one fsync; with `{ durable: false }` the fsync
   * waits for the next durable write, sync() or close() (see WriteOptions).
   */
  write(operations: readonly WriteOperation[], options?: WriteOptions): WriteResult {
    for (const listener of this.writeListeners) listener(operations);
    return this.engine.write(operations, options);
  }

  /** Makes every deferred write so far durable. */
  sync(): void {
    this.engine.sync();
  }

  /**
   * Calls `listener` with every batch before it is applied, so a cache of decoded blocks can
   * forget what the batch changes (a batch that then fails costs it entries, never a stale one).
   * Returns the function that stops the calls.
   */
  onWrite(listener: WriteListener): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  scanBlocks(): Generator<ContextBlock> {
    return this.engine.scanBlocks();
  }

  scanEdges(): Generator<StoredEdge> {
    return this.engine.scanEdges();
  }

  flush(): void {
    this.engine.flush();
  }

  /** Merges every table into one, dropping shadowed versions and tombstones. */
  compact(): void {
    this.engine.compact();
  }

  /** Runs a bounded slice of background work; returns true while more is pending. */
  maintenance(entryBudget?: number): boolean {
    return this.engine.maintenance(entryBudget);
  }

  stats(): DatabaseStats {
    return this.engine.stats();
  }

  /** Flushes (unless `flush: false`: then recovery replays the WAL) and releases the lock. */
  close(options?: { flush?: boolean }): void {
    this.engine.close(options);
  }
}
