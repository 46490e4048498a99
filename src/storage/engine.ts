// The storage engine: write-ahead log, memtable, immutable tables and size-tiered compaction,
// owned by one thread. Invariants:
// - A batch is acknowledged only after its WAL frame is durable; it is applied to the memtable
//   after that, so the memtable never holds data the log does not.
// - Tables are listed newest first with disjoint, descending sequence ranges (flushes add at the
//   front; compaction replaces adjacent runs), so a point read stops at the first holder of a key.
// - A table joins the database only when a synced manifest snapshot names it; WAL segments are
//   deleted only after a snapshot records that tables cover them.
// - After a failed WAL append or manifest commit the outcome on disk is unknown, so the engine
//   stops accepting writes (fail-stop); a reopen recovers from what is durable.
// - An open rewrites what it recovered (manifest, replayed log) before serving it: after a failed
//   fsync the page cache can show bytes the disk never got, and nothing shown may be taken back.
//   The one exception is a database whose previous session closed cleanly (every fsync it asked
//   for succeeded, recorded in the manifest) and left nothing in the log: all of it is durable, so
//   the open only reads, and the first write of the session first records that it is no longer
//   closed cleanly (prepareForWrites). Table indexes and filters load on first use, so such an
//   open costs the manifest, a footer per table and a directory listing.
import { assert } from '../core/assert.js';
import { assertBlockId, type BlockId } from '../core/block-id.js';
import { isKausalError, KausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import {
  edgeTypeToCode,
  outgoingOnlyEdgeCodes,
  type BlockHeader,
  type ContextBlock,
  type EdgeType,
  type StoredEdge,
  type WriteOperation,
} from '../core/types.js';
import { validateEdgeType, validateOperation, validateOperations } from '../core/validate.js';
import type { VfsLock } from '../vfs/vfs.js';
import { joinPath, parentDirectory } from '../vfs/vfs.js';
import { CompactionJob, type CompactionOutput } from './compaction/compaction-job.js';
import { pickCompaction, tierOf, type TieringPolicy } from './compaction/tiering.js';
import { decodeBlock, decodeBlockHeader, decodeEdge } from './decode.js';
import type { StoredEntry } from './entry.js';
import {
  blockKey,
  keyspaceBlock,
  keyspaceIncoming,
  keyspaceOutgoing,
  incomingPrefix,
  isStrayIncomingKey,
  outgoingPrefix,
} from './keys.js';
import {
  Manifest,
  manifestFileName,
  readManifest,
  type ManifestState,
  type TableRecord,
} from './manifest/manifest.js';
import { SlabPool } from './memtable/arena.js';
import { Memtable } from './memtable/memtable.js';
import { newestOfRuns, mergeNewest } from './merge.js';
import { resolveStorageOptions, type ResolvedStorageOptions, type StorageOptions } from './options.js';
import { removeOrphans } from './orphans.js';
import { BlockCache } from './sstable/block-cache.js';
import { tableFileName } from './sstable/table-format.js';
import { TableMetadataBudget, TableReader, removeQuietly } from './sstable/table-reader.js';
import { TableWriter } from './sstable/table-writer.js';
import { FlushJob } from './flush-job.js';
import { BatchEncoder } from './wal/batch-encoder.js';
import { applyFrame } from './wal/frame-apply.js';
import { sealedOperationsLength } from './wal/wal-format.js';
import { WriteAheadLog } from './wal/wal.js';
import type { WalRecovery } from './wal/wal.js';

export interface WriteResult {
  readonly firstSequence: number;
  readonly lastSequence: number;
}

export interface WriteOptions {
  /**
   * True by default: the batch is fsynced before write() returns. False defers the fsync: the
   * batch is applied and visible at once, and made durable by the next durable write, sync(),
   * close() or flush, whichever comes first. A crash before then may lose it, and every deferred
   * batch after it, never one before it: what survives is always a prefix of the writes. For bulk
   * loads that end in a durable commit (a sync writes thousands of batches, then its file table).
   */
  readonly durable?: boolean;
}

/** How a point read treats the block cache. */
export interface ReadOptions {
  /**
   * Keep the data blocks read in the cache (default true). A read of data needed once, such as a
   * sync loading every file's stored facts, passes false: a block it misses is read into memory
   * the cache reuses for every such read, which is neither cached nor fresh. On this machine a
   * read into fresh memory costs several times one into memory used before (block-cache.ts), and
   * loading Python's standard library's facts (31 MiB) took 370–450 ms this way against 590–740.
   */
  readonly fillCache?: boolean;
}

export interface EdgeQuery {
  readonly type?: EdgeType;
}

export interface TierStats {
  readonly tier: number;
  readonly tables: number;
  readonly bytes: number;
}

export interface StorageStats {
  readonly lastSequence: number;
  readonly memtableEntries: number;
  readonly memtableBytes: number;
  readonly tables: number;
  readonly tiers: readonly TierStats[];
  readonly tableBytes: number;
  readonly walBytesWritten: number;
  readonly tableBytesWritten: number;
  readonly writeAmplification: number;
  readonly flushes: number;
  readonly compactions: number;
  readonly compactionInProgress: boolean;
  readonly blockCacheBytes: number;
  readonly blockCacheHitRate: number;
  readonly tableMetadataBytes: number;
  readonly recovery: WalRecovery;
  readonly failed: boolean;
  readonly lastBackgroundError: string | undefined;
}

/** Tries at a consistent snapshot before giving up on a writer that keeps moving its log. */
const snapshotAttemptsMax = 8;

/** A snapshot takes no lock: the writer keeps its own. */
const noLock: VfsLock = { release: () => undefined };

/** Memtable growth tolerated while flushes keep failing, as a multiple of its budget. */
const memtableOverrunFactor = 4;

export class StorageEngine {
  private readonly encoder = new BatchEncoder();
  /** Per-operation JSON text of the batch being written, reused across writes. */
  private readonly jsonScratch: string[] = [];
  private readonly pool: SlabPool;
  private readonly cache: BlockCache;
  private readonly metadataBudget: TableMetadataBudget;
  private readonly policy: TieringPolicy;
  private memtable: Memtable;
  /** A frozen memtable being written to a table; `walStart` is the first segment after it. */
  private immutable: { memtable: Memtable; walStart: number; job: FlushJob | undefined } | undefined;
  private tables: TableReader[] = [];
  private job: CompactionJob | undefined;
  private lastSequence = 0;
  private nextFileNumber = 1;
  private failure: KausalError | undefined;
  private backgroundError: string | undefined;
  private closed = false;
  /** A read-only view (openSnapshot): it never writes, flushes or removes a byte. */
  private readOnly = false;
  /** The manifest says "not closed cleanly" and a WAL segment is open: writes may go ahead. */
  private writable = false;
  /** The WAL segment prepareForWrites starts (after every segment recovery found). */
  private firstNewSegment = 1;
  private recovery: WalRecovery = {
    lastSequence: 0,
    segmentsReplayed: 0,
    framesReplayed: 0,
    tornBytesTruncated: 0,
  };
  private readonly counters = { tableBytesWritten: 0, flushes: 0, compactions: 0 };

  private constructor(
    readonly directory: string,
    private readonly options: ResolvedStorageOptions,
    private readonly lock: VfsLock,
    private readonly manifest: Manifest,
    private readonly wal: WriteAheadLog,
  ) {
    this.pool = new SlabPool(
      options.arenaSlabBytes,
      Math.ceil(options.memtableBytes / options.arenaSlabBytes) + 1,
      options.plantedBugs.reuseArenaWhileHeld === true, // test-only planted bug
    );
    this.memtable = new Memtable(this.pool);
    this.cache = new BlockCache(options.blockCacheBytes);
    this.metadataBudget = new TableMetadataBudget(options.tableMetadataBytes);
    this.policy = {
      baseBytes: Math.max(limits.memtableBytesMin, Math.floor(options.memtableBytes / 2)),
      sizeRatio: limits.compactionTierSizeRatio,
      fanIn: limits.compactionTierFanIn,
    };
  }

  /** Opens (creating when missing) the database in `directory` and recovers it. */
  static open(directory: string, storageOptions: StorageOptions): StorageEngine {
    const options = resolveStorageOptions(storageOptions);
    const { vfs } = options;
    if (!vfs.exists(directory)) {
      // A new directory's own entry is durable only once its parent is synced.
      vfs.mkdir(directory);
      vfs.syncDirectory(parentDirectory(directory));
    }
    const lock = vfs.lock(joinPath(directory, 'LOCK'), options.lockOwner);
    const manifest = new Manifest(vfs, directory);
    const verifyChecksums = options.plantedBugs.ignoreChecksums !== true; // false only in tests
    const wal = new WriteAheadLog(vfs, directory, options.walSegmentBytes, verifyChecksums);
    const engine = new StorageEngine(directory, options, lock, manifest, wal);
    try {
      const closedCleanly = engine.recover();
      const { framesReplayed, tornBytesTruncated } = engine.recovery;
      if (!closedCleanly || framesReplayed > 0 || tornBytesTruncated > 0) {
        engine.prepareForWrites();
        engine.retireRecoveredLog();
      }
      return engine;
    } catch (error) {
      engine.releaseResources();
      throw error;
    }
  }

  /**
   * A read-only view of the database in `directory` as it stands, without taking its lock: for
   * reading while another process (a long link) holds it and writes. The view holds every batch
   * acknowledged before it was opened, possibly a few later ones, and never part of one (a batch is
   * one log frame; a frame still being appended is left out). It reads the manifest, opens the
   * tables it names and replays the live log into a memtable of its own; if the writer retired
   * log segments meanwhile (a flush moved the manifest's walStart) or removed a merged table
   * before it was opened, the view could miss what moved, so it starts again. Nothing is written:
   * writes, flush and compaction throw UNSUPPORTED, and close() only lets go of the files.
   */
  static openSnapshot(directory: string, storageOptions: StorageOptions): StorageEngine {
    const options = resolveStorageOptions(storageOptions);
    const { vfs } = options;
    const verifyChecksums = options.plantedBugs.ignoreChecksums !== true; // false only in tests
    for (let attempt = 1; ; attempt++) {
      const wal = new WriteAheadLog(vfs, directory, options.walSegmentBytes, verifyChecksums);
      const engine = new StorageEngine(directory, options, noLock, new Manifest(vfs, directory), wal);
      engine.readOnly = true;
      let consistent: boolean;
      try {
        consistent = engine.readSnapshot();
      } catch (error) {
        engine.releaseResources();
        // A file named by the manifest read may be gone because the writer moved on.
        if (!isKausalError(error, 'NOT_FOUND') || attempt >= snapshotAttemptsMax) throw error;
        continue;
      }
      if (consistent) return engine;
      engine.releaseResources();
      if (attempt >= snapshotAttemptsMax) {
        throw new KausalError(
          'LOCKED',
          `the database at ${directory} changed under ${attempt} attempts to read a consistent view of it; try again`,
        );
      }
    }
  }

  /** Reads the view (see openSnapshot); false when the log it read may have been retired meanwhile. */
  private readSnapshot(): boolean {
    const { vfs } = this.options;
    const manifestPath = joinPath(this.directory, manifestFileName);
    const { state } = readManifest(vfs, manifestPath);
    for (const record of state.tables) this.tables.push(this.openTable(record));
    const segments = this.wal.listSegments(state.walStart);
    this.recovery = this.wal.recover(segments, this.memtable, 'none');
    this.lastSequence = Math.max(state.lastSequence, this.recovery.lastSequence);
    // Segments are removed only below walStart: unmoved, every one this view needed was there.
    return readManifest(vfs, manifestPath).state.walStart === state.walStart;
  }

  // ---- writes -------------------------------------------------------------------------------

  /** Applies `operations` atomically, and durably unless deferred (one WAL frame, one fsync). */
  write(operations: readonly WriteOperation[], options: WriteOptions = {}): WriteResult {
    this.checkWritable();
    validateOperations(operations);
    const jsons = this.jsonScratch;
    jsons.length = 0;
    for (const operation of operations) jsons.push(validateOperation(operation));
    if (operations.length === 0)
      return { firstSequence: this.lastSequence + 1, lastSequence: this.lastSequence };
    if (this.memtable.bytes > this.options.memtableBytes * memtableOverrunFactor && this.backgroundError) {
      throw new KausalError(
        'IO_ERROR',
        `writes are paused: flushing keeps failing (${this.backgroundError})`,
      );
    }
    const firstSequence = this.lastSequence + 1;
    const deferred = options.durable === false;
    const frame = this.encoder.encode(operations, jsons, firstSequence, deferred);
    this.prepareForWrites();
    try {
      this.wal.append(frame, deferred, this.options.plantedBugs.skipWalSync !== true);
    } catch (error) {
      throw this.failStop(error);
    }
    applyFrame(
      frame,
      0,
      sealedOperationsLength(frame),
      this.memtable,
      'a new batch',
      this.options.plantedBugs.mirrorOutgoingOnlyEdges === true, // test-only: as older versions wrote
    );
    this.lastSequence = firstSequence + operations.length - 1;
    this.afterWrite(operations.length);
    return { firstSequence, lastSequence: this.lastSequence };
  }

  /** Makes every deferred write acknowledged so far durable (two fsyncs, none when there are none). */
  sync(): void {
    this.checkWritable();
    this.syncLog();
  }

  private syncLog(): void {
    try {
      this.wal.makeDurable(this.lastSequence + 1);
    } catch (error) {
      throw this.failStop(error);
    }
  }

  /** Writes the memtable to a table now. */
  flush(): void {
    this.checkWritable();
    this.flushMemtable();
  }

  /** Full compaction: flushes, then merges every table into one, dropping all tombstones. */
  compact(): void {
    this.checkWritable();
    this.flushMemtable();
    this.abandonCompaction();
    if (this.tables.length === 0) return;
    this.startCompaction({ start: 0, count: this.tables.length });
    this.runCompactionToEnd();
  }

  /** Runs pending background work (a flush retry, compaction steps) within `entryBudget`. */
  maintenance(entryBudget = 50_000): boolean {
    this.checkWritable();
    if (this.immutable !== undefined) this.tryBackground(() => this.flushStep(entryBudget));
    this.compactionStep(entryBudget);
    return this.job !== undefined || pickCompaction(this.manifest.state.tables, this.policy) !== undefined;
  }

  // ---- reads --------------------------------------------------------------------------------

  getBlock(id: BlockId, options: ReadOptions = {}): ContextBlock | undefined {
    this.checkOpen();
    assertBlockId(id);
    const entry = this.findNewest(blockKey(id), options.fillCache !== false);
    return entry === undefined || entry.tombstone ? undefined : decodeBlock(entry, this.directory, id);
  }

  /** The block without decoding its content (see BlockHeader). */
  getBlockHeader(id: BlockId): BlockHeader | undefined {
    this.checkOpen();
    assertBlockId(id);
    const entry = this.findNewest(blockKey(id));
    return entry === undefined || entry.tombstone ? undefined : decodeBlockHeader(entry, this.directory, id);
  }

  outgoingEdges(id: BlockId, query: EdgeQuery = {}): StoredEdge[] {
    this.checkOpen();
    assertBlockId(id);
    if (query.type !== undefined) validateEdgeType(query.type);
    return this.edgesWithPrefix(outgoingPrefix(id, query.type));
  }

  incomingEdges(id: BlockId, query: EdgeQuery = {}): StoredEdge[] {
    this.checkOpen();
    assertBlockId(id);
    if (query.type !== undefined) validateEdgeType(query.type);
    if (query.type !== undefined && outgoingOnlyEdgeCodes.has(edgeTypeToCode(query.type))) return [];
    return this.edgesWithPrefix(incomingPrefix(id, query.type));
  }

  /** Every live block in id order (a merged view with tombstones applied). */
  *scanBlocks(): Generator<ContextBlock> {
    for (const entry of this.scanKeyspace(keyspaceBlock, keyspaceOutgoing)) {
      yield decodeBlock(entry, this.directory);
    }
  }

  /** Every live edge, ordered by source, type, target. */
  *scanEdges(): Generator<StoredEdge> {
    for (const entry of this.scanKeyspace(keyspaceOutgoing, keyspaceIncoming)) {
      yield decodeEdge(entry, this.directory);
    }
  }

  stats(): StorageStats {
    this.checkOpen();
    const tiers = new Map<number, { tables: number; bytes: number }>();
    let tableBytes = 0;
    for (const table of this.manifest.state.tables) {
      const tier = tierOf(table.fileBytes, this.policy);
      const current = tiers.get(tier) ?? { tables: 0, bytes: 0 };
      tiers.set(tier, { tables: current.tables + 1, bytes: current.bytes + table.fileBytes });
      tableBytes += table.fileBytes;
    }
    const walBytes = this.wal.bytesWritten;
    const lookups = this.cache.hits + this.cache.misses;
    return {
      lastSequence: this.lastSequence,
      memtableEntries: this.memtable.entryCount,
      memtableBytes: this.memtable.bytes,
      tables: this.tables.length,
      tiers: [...tiers].sort((a, b) => a[0] - b[0]).map(([tier, value]) => ({ tier, ...value })),
      tableBytes,
      walBytesWritten: walBytes,
      tableBytesWritten: this.counters.tableBytesWritten,
      writeAmplification: walBytes === 0 ? 0 : (walBytes + this.counters.tableBytesWritten) / walBytes,
      flushes: this.counters.flushes,
      compactions: this.counters.compactions,
      compactionInProgress: this.job !== undefined,
      blockCacheBytes: this.cache.usedBytes,
      blockCacheHitRate: lookups === 0 ? 0 : this.cache.hits / lookups,
      tableMetadataBytes: this.metadataBudget.usedBytes,
      recovery: this.recovery,
      failed: this.failure !== undefined,
      lastBackgroundError: this.backgroundError,
    };
  }

  /**
   * Releases every resource. By default it first flushes the memtable so the next open replays
   * nothing; with `flush: false` the memtable stays only in the WAL (a faster close).
   */
  close(options: { flush?: boolean } = {}): void {
    if (this.closed) return;
    try {
      if (this.failure === undefined && !this.readOnly) {
        if (options.flush !== false) {
          // Deferred writes go into the table with the rest (the log segment rotates: synced).
          this.abandonCompaction();
          this.flushMemtable();
        } else this.syncLog(); // they are durable once close returns all the same
      }
      this.markClosedCleanly();
    } finally {
      this.closed = true;
      this.releaseResources();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- recovery -----------------------------------------------------------------------------

  /**
   * Loads the manifest, opens the tables and replays the log. Returns true when the previous
   * session closed cleanly: then nothing was rewritten (the manifest is durable as it stands) and
   * empty log segments were left in place.
   */
  private recover(): boolean {
    const { vfs } = this.options;
    const { state, closedCleanly } = this.manifest.load();
    // Safe to act on: either the previous session closed cleanly, or load() has just rewritten it.
    removeOrphans(vfs, this.directory, state);
    for (const record of state.tables) this.tables.push(this.openTable(record));
    const segments = this.wal.listSegments(state.walStart);
    this.recovery = this.wal.recover(segments, this.memtable, closedCleanly ? 'keepEmpty' : 'repair');
    this.lastSequence = Math.max(state.lastSequence, this.recovery.lastSequence);
    this.nextFileNumber = state.nextFileNumber;
    const lastSegment = segments[segments.length - 1];
    this.firstNewSegment = Math.max(state.walStart, lastSegment === undefined ? 1 : lastSegment + 1);
    return closedCleanly;
  }

  /**
   * Readies the files for a session's first write: the manifest must stop saying "closed
   * cleanly" — durably, before anything else is written — because if this session then fails an
   * fsync, the next open may read log frames or manifest records that only the page cache holds,
   * and only a manifest without the flag makes that open rewrite them (Manifest.load,
   * retireRecoveredLog). Then the session's WAL segment is started. A failure is a fail-stop:
   * what the disk holds is unknown.
   */
  private prepareForWrites(): void {
    if (this.writable) return;
    try {
      if (this.manifest.closedCleanly) this.manifest.commit(this.manifest.state);
      this.wal.startSegment(this.firstNewSegment);
    } catch (error) {
      throw this.failStop(error);
    }
    this.writable = true;
  }

  /**
   * Records a clean close when this session wrote and every write, fsync and commit succeeded,
   * so the next open may skip the rewrites. A session that wrote nothing leaves the manifest as
   * it found it; one that failed stop leaves it saying "not closed cleanly".
   */
  private markClosedCleanly(): void {
    if (!this.writable || this.failure !== undefined) return;
    this.manifest.markClosedCleanly();
  }

  /**
   * Rewrites what recovery replayed into a synced table and moves walStart past the replayed
   * segments. After a failed fsync the page cache can still hold log bytes that never reached the
   * disk, and a reopen without a power loss reads them like any other: serving them from the log
   * would let a later crash take back data this open already showed (or leave a hole inside an
   * older segment). Rewriting them makes everything this open shows durable.
   */
  private retireRecoveredLog(): void {
    if (this.recovery.segmentsReplayed === 0) return;
    if (this.memtable.entryCount > 0) {
      this.flushMemtable();
      return;
    }
    // Nothing to flush (empty or torn segments only): still retire them, for the same reason.
    const walStart = this.wal.currentSegment;
    this.commitManifest({ ...this.manifest.state, walStart }, []);
    try {
      this.wal.deleteSegmentsBefore(walStart);
    } catch {
      // Harmless: segments below walStart are removed at the next open.
    }
  }

  private openTable(record: TableRecord): TableReader {
    const path = joinPath(this.directory, tableFileName(record.number));
    const verifyChecksums = this.options.plantedBugs.ignoreChecksums !== true; // false only in tests
    const reader = TableReader.open(
      this.options.vfs,
      path,
      record.number,
      this.cache,
      this.metadataBudget,
      verifyChecksums,
    );
    if (reader.fileBytes !== record.fileBytes || reader.entryCount !== record.entryCount) {
      reader.release();
      throw new KausalError(
        'CORRUPTION',
        `table ${path} does not match the manifest (${reader.fileBytes} bytes, expected ${record.fileBytes})`,
      );
    }
    return reader;
  }

  // ---- flush --------------------------------------------------------------------------------

  private afterWrite(operationCount: number): void {
    const base = Math.max(4096, operationCount * 8);
    if (this.memtable.bytes >= this.options.memtableBytes) {
      // The previous flush must be done before the next freeze: that is the backpressure.
      if (this.immutable !== undefined) this.tryBackground(() => this.flushStep(Number.MAX_SAFE_INTEGER));
      if (this.immutable === undefined) this.freezeMemtable();
    }
    if (this.immutable !== undefined) this.tryBackground(() => this.flushStep(base));
    const pressure = this.tables.length - limits.tablesBeforeBackpressure;
    if (pressure >= limits.tablesBeforeBackpressure) {
      // Far behind: this write waits until the current merge completes.
      this.runCompactionToEnd();
      return;
    }
    this.compactionStep(pressure > 0 ? base * 8 : base);
  }

  /** Flushes everything in memory to tables now (for flush(), compact() and close()). */
  private flushMemtable(): void {
    if (this.immutable !== undefined) this.flushStep(Number.MAX_SAFE_INTEGER);
    if (this.memtable.entryCount === 0) return;
    this.freezeMemtable();
    this.flushStep(Number.MAX_SAFE_INTEGER);
  }

  /** Swaps in a fresh memtable and starts a WAL segment, so older segments hold only frozen data. */
  private freezeMemtable(): void {
    const frozen = this.memtable;
    this.memtable = new Memtable(this.pool);
    try {
      this.wal.startSegment(this.wal.currentSegment + 1);
    } catch (error) {
      this.immutable = { memtable: frozen, walStart: this.wal.currentSegment, job: undefined };
      throw this.failStop(error);
    }
    this.immutable = { memtable: frozen, walStart: this.wal.currentSegment, job: undefined };
  }

  /** Advances the flush of the frozen memtable by `entryBudget` entries; installs it when done. */
  private flushStep(entryBudget: number): void {
    const immutable = this.immutable;
    assert(immutable !== undefined, 'no memtable to flush');
    const { vfs } = this.options;
    if (immutable.job === undefined) {
      const number = this.nextFileNumber++;
      const path = joinPath(this.directory, tableFileName(number));
      const writer = new TableWriter(
        vfs.createExclusive(path),
        this.options.tableBlockBytes,
        this.options.tableSyncEveryBytes,
      );
      const sync = this.options.plantedBugs.installTableBeforeSync !== true;
      immutable.job = new FlushJob(immutable.memtable, number, path, writer, sync);
    }
    const job = immutable.job;
    let record: TableRecord;
    let reader: TableReader;
    try {
      const summary = job.step(entryBudget);
      if (summary === undefined) return;
      vfs.syncDirectory(this.directory);
      record = { number: job.number, ...summary };
      // Opened inside the guard: a job whose writer has finished must not survive a failure here,
      // or the retry would finish it a second time.
      reader = this.openTable(record);
    } catch (error) {
      immutable.job = undefined;
      job.abandon();
      removeQuietly(vfs, job.path);
      throw error;
    }
    this.counters.tableBytesWritten += record.fileBytes;
    // Detached before the commit: if the commit fails its outcome is unknown, so the file must
    // stay (a manifest that names it may be durable); an unnamed file is an orphan the next open removes.
    immutable.job = undefined;
    const state = this.manifest.state;
    this.commitManifest(
      {
        ...state,
        nextFileNumber: this.nextFileNumber,
        walStart: immutable.walStart,
        lastSequence: Math.max(state.lastSequence, record.maxSequence),
        tables: [record, ...state.tables],
      },
      [reader],
    );
    this.tables.unshift(reader);
    this.immutable = undefined;
    immutable.memtable.release(true);
    this.counters.flushes += 1;
    this.backgroundError = undefined; // the error it recorded is resolved
    try {
      this.wal.deleteSegmentsBefore(immutable.walStart);
    } catch {
      // Harmless: segments below walStart are removed at the next open.
    }
  }

  // ---- compaction ---------------------------------------------------------------------------

  private compactionStep(entryBudget: number): void {
    if (this.job === undefined) {
      const pick = pickCompaction(this.manifest.state.tables, this.policy);
      if (pick === undefined) return;
      if (!this.tryBackground(() => this.startCompaction(pick))) return;
    }
    const job = this.job;
    if (job === undefined) return;
    let output: CompactionOutput | undefined;
    const stepped = this.tryBackground(() => {
      output = job.step(entryBudget);
    });
    if (!stepped) {
      this.abandonCompaction();
      return;
    }
    if (output !== undefined) this.installCompaction(output);
  }

  private runCompactionToEnd(): void {
    while (this.job !== undefined || pickCompaction(this.manifest.state.tables, this.policy) !== undefined) {
      const before = this.counters.compactions;
      this.compactionStep(Number.MAX_SAFE_INTEGER);
      if (this.counters.compactions === before) return; // failed; the error is recorded
    }
  }

  private startCompaction(pick: { start: number; count: number }): void {
    this.prepareForWrites();
    const { vfs } = this.options;
    const inputs = this.tables.slice(pick.start, pick.start + pick.count);
    const includesOldest = pick.start + pick.count === this.tables.length;
    const number = this.nextFileNumber++;
    const path = joinPath(this.directory, tableFileName(number));
    const writer = new TableWriter(
      vfs.createExclusive(path),
      this.options.tableBlockBytes,
      this.options.tableSyncEveryBytes,
    );
    for (const input of inputs) input.retain();
    this.job = new CompactionJob(inputs, includesOldest, number, path, writer, {
      dropTombstonesAlways: this.options.plantedBugs.dropTombstonesInCompaction === true,
    });
  }

  private installCompaction(output: CompactionOutput): void {
    const job = this.job;
    assert(job !== undefined, 'no compaction to install');
    this.job = undefined;
    const { vfs } = this.options;
    let replacement: { reader: TableReader; record: TableRecord } | undefined;
    try {
      if (output.summary === undefined) {
        removeQuietly(vfs, job.outputPath);
      } else {
        vfs.syncDirectory(this.directory);
        const record: TableRecord = { number: job.outputNumber, ...output.summary };
        replacement = { reader: this.openTable(record), record };
        this.counters.tableBytesWritten += output.summary.fileBytes;
      }
    } catch (error) {
      for (const input of output.inputs) input.release();
      removeQuietly(vfs, job.outputPath);
      this.backgroundError = describe(error);
      return;
    }
    const inputNumbers = new Set(output.inputs.map((table) => table.number));
    const state = this.manifest.state;
    const start = state.tables.findIndex((table) => inputNumbers.has(table.number));
    assert(start >= 0, 'compaction inputs left the manifest');
    const records = replacement === undefined ? [] : [replacement.record];
    const readers = replacement === undefined ? [] : [replacement.reader];
    this.commitManifest(
      {
        ...state,
        nextFileNumber: this.nextFileNumber,
        tables: [
          ...state.tables.slice(0, start),
          ...records,
          ...state.tables.slice(start + inputNumbers.size),
        ],
      },
      readers,
    );
    this.tables.splice(start, inputNumbers.size, ...readers);
    for (const input of output.inputs) {
      input.markObsolete();
      input.release(); // the engine's hold
      input.release(); // the job's hold
    }
    this.counters.compactions += 1;
    this.backgroundError = undefined;
  }

  private abandonCompaction(): void {
    const job = this.job;
    if (job === undefined) return;
    this.job = undefined;
    job.abandon();
    for (const input of job.inputs) input.release();
    removeQuietly(this.options.vfs, job.outputPath);
  }

  // ---- shared helpers -----------------------------------------------------------------------

  private commitManifest(next: ManifestState, newReaders: readonly TableReader[]): void {
    assert(this.writable, 'manifest commit before prepareForWrites');
    try {
      this.manifest.commit(next);
    } catch (error) {
      for (const reader of newReaders) reader.release();
      throw this.failStop(error);
    }
  }

  /**
   * The newest entry of `key`. Without `fillCache`, a missed block is read into the cache's one
   * passing buffer: the entry is valid only until the next such read, which every caller is
   * done with, since each decodes the entry before returning.
   */
  private findNewest(key: string, fillCache = true): StoredEntry | undefined {
    // Cached blocks are read only here and in edgesWithPrefix, and both decode what they found
    // before returning: the blocks evicted meanwhile are referenced no more.
    this.cache.recycleEvicted();
    const fromMemtable = this.memtable.get(key) ?? this.immutable?.memtable.get(key);
    if (fromMemtable !== undefined) return fromMemtable;
    for (const table of this.tables) {
      const entry = table.get(key, fillCache);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  private edgesWithPrefix(prefix: string): StoredEdge[] {
    this.cache.recycleEvicted(); // see findNewest
    const runs: StoredEntry[][] = [];
    for (const memtable of this.liveMemtables()) {
      const found = memtable.entriesWithPrefix(prefix);
      if (found.length > 0) runs.push(found);
    }
    const memtableRuns = runs.length;
    for (const table of this.tables) {
      const found = table.scanPrefix(prefix);
      if (found.length > 0) runs.push(found);
    }
    // Most nodes' edges sit in one table (all of them once compaction has merged the tables):
    // its entries are already in key order, one per key, with nothing to shadow them.
    const only = runs.length === 1 && memtableRuns === 0 ? runs[0] : undefined;
    const entries = only ?? newestOfRuns(runs);
    const edges: StoredEdge[] = [];
    for (const entry of entries) {
      if (!entry.tombstone && !isStrayIncomingKey(entry.key)) edges.push(decodeEdge(entry, this.directory));
    }
    return edges;
  }

  /** Live entries with keys in [low, high), merged across memtables and tables. */
  private *scanKeyspace(low: string, high: string): Generator<StoredEntry> {
    this.checkOpen();
    const memtables = this.liveMemtables();
    const tables = [...this.tables];
    for (const memtable of memtables) memtable.retain();
    for (const table of tables) table.retain();
    try {
      const streams: Iterable<StoredEntry>[] = [
        ...memtables.map((memtable) => memtable.entriesInRange(low, high)),
        ...tables.map((table) => below(table.entries(low), high)),
      ];
      for (const entry of mergeNewest(streams)) {
        if (!entry.tombstone) yield entry;
      }
    } finally {
      for (const memtable of memtables) memtable.release();
      for (const table of tables) table.release();
    }
  }

  private liveMemtables(): Memtable[] {
    return this.immutable === undefined ? [this.memtable] : [this.memtable, this.immutable.memtable];
  }

  private tryBackground(work: () => void): boolean {
    try {
      work();
      return true;
    } catch (error) {
      if (error instanceof KausalError && (error.code === 'FAIL_STOP' || error.code === 'CRASHED'))
        throw error;
      if (this.failure !== undefined) throw this.failure;
      this.backgroundError = describe(error);
      return false;
    }
  }

  private failStop(error: unknown): unknown {
    if (this.failure === undefined) {
      this.failure = new KausalError(
        'FAIL_STOP',
        `the database at ${this.directory} stopped accepting writes after an I/O failure (${describe(error)}); ` +
          'close and reopen it to recover from what is durable',
        { cause: error },
      );
    }
    return error;
  }

  private checkOpen(): void {
    if (this.closed) throw new KausalError('CLOSED', `the database at ${this.directory} is closed`);
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.readOnly) {
      throw new KausalError('UNSUPPORTED', `a snapshot of the database at ${this.directory} is read-only`);
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private releaseResources(): void {
    this.job?.abandon();
    this.job = undefined;
    const flushJob = this.immutable?.job;
    if (flushJob !== undefined) {
      flushJob.abandon();
      removeQuietly(this.options.vfs, flushJob.path);
    }
    for (const table of this.tables) table.release();
    this.tables = [];
    this.wal.close();
    this.manifest.close();
    this.lock.release();
  }
}

function* below(entries: Iterable<StoredEntry>, high: string): Generator<StoredEntry> {
  for (const entry of entries) {
    if (entry.key >= high) return;
    yield entry;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
