// Every bound of the system, in one place, with its unit last. Relations between bounds are
// asserted once at the bottom so a change that breaks one fails at load time.
import { assert } from './assert.js';

const KiB = 1024;
const MiB = 1024 * KiB;

export const limits = {
  blockIdBytes: 16,
  sourceUriBytesMax: 64 * KiB,
  metadataBytesMax: 1 * MiB,
  contentBytesMax: 16 * MiB,
  edgePropertiesBytesMax: 1 * KiB,
  /** Operations in one atomic batch. */
  batchOperationsMax: 100_000,
  /** Encoded size of one batch in the write-ahead log. */
  batchBytesMax: 256 * MiB,
  walSegmentBytesDefault: 64 * MiB,
  walSegmentBytesMin: 4 * KiB,
  memtableBytesDefault: 64 * MiB,
  memtableBytesMin: 4 * KiB,
  arenaSlabBytes: 4 * MiB,
  sstableDataBlockBytes: 16 * KiB,
  /**
   * A table being written is synced each time this much more of it is written, so the sync that
   * completes it has little left: one sync of a whole 250 MB table held the thread for 0.5 s.
   */
  tableSyncEveryBytes: 8 * MiB,
  blockCacheBytesDefault: 64 * MiB,
  tableMetadataBytesDefault: 256 * MiB,
  bloomBitsPerKey: 10,
  /**
   * A table's filter is read a page at a time and its index a partition at a time (format 2), so
   * the first lookup of a short process reads a few KiB per table, not the whole filter and index.
   */
  bloomPageBits: 32 * 1024,
  tableIndexPartitionBytes: 4 * KiB,
  compactionTierFanIn: 4,
  compactionTierSizeRatio: 2,
  /** Tables in tier 0 before writes are slowed; double that and they wait for compaction. */
  tablesBeforeBackpressure: 8,
  edgeTypeCodeMax: 0xffff,
  workspaceNameBytesMax: 128,
  /** Operations and (estimated) bytes per write batch of a sync. */
  syncBatchOperations: 20_000,
  syncBatchBytes: 64 * MiB,
  /** Files the freshness check of every answer stats; larger workspaces answer "unverified". */
  freshnessCheckFilesMax: 5_000,
  /** JSON bytes per block of a workspace's file table (a block holds at most contentBytesMax). */
  fileTableChunkBytes: 4 * MiB,
  /**
   * The file table is stored in parts of about this many entries (cut where a hash of the path
   * says, never before `fileTablePartEntriesMin`), so a sync rewrites the parts that changed, not
   * the whole table (2.4 MiB on Python's standard library).
   */
  fileTablePartEntriesAverage: 64,
  fileTablePartEntriesMin: 16,
  /** Blocks per batch of a sync, written with their name-index operations. */
  syncBlocksPerBatch: 2_000,
  /**
   * How long a link, sync, unlink or reindex may hold the event loop before it yields (at its
   * next step boundary). A server answers queries on the same thread and aims at a p99 under
   * 50 ms while such work runs; 8 ms leaves room for the query itself and for the storage
   * engine's own steps. A command-line run yields about a hundred times a second, which costs
   * nothing measurable.
   */
  yieldBudgetMsDefault: 8,
  /**
   * The budget while queries are being answered (one arrived in the last
   * `queryContentionWindowMs`): queries first. Under a steady query load a server's loop turn
   * answers every request that arrived and then gives the sync one stretch; with 8 ms stretches
   * the sync took about a third of the thread from 50 clients (0.64 against 0.42 ms per request).
   * Steps overrun the budget by their own length, so 1 ms means one step per turn.
   */
  yieldBudgetMsContended: 1,
  /**
   * Past this share of the heap's limit a link or sync stops with LIMIT_EXCEEDED (src/core/
   * heap-room.ts) rather than run into V8's out-of-memory crash. The rest is headroom for the few
   * milliseconds between two checks, and for garbage not yet collected.
   */
  heapUsedShareMax: 0.9,
  /** The young generation's part of V8's heap limit in Node 20 (three 16 MiB semi-spaces). */
  heapYoungGenerationBytes: 48 * MiB,
  queryContentionWindowMs: 50,
  /**
   * Batch sizes of a sync that yields. A batch is one synchronous write with one fsync: 32 blocks
   * with their index operations, 1,024 edges or 4 MiB (estimated) of facts take a few
   * milliseconds (src/workspace/write-batches.ts). Linking Python's stdlib this way takes the
   * same CPU as with the large batches above, but about 2,500 fsyncs instead of 60 (some seconds
   * on a 40 s link); smaller batches would cost more in fsyncs than they save in stall time.
   */
  syncBlocksPerCooperativeBatch: 32,
  syncCooperativeBatchOperations: 1_024,
  syncCooperativeBatchBytes: 4 * MiB,
  /**
   * A sync that yields parses a few changed files in its own thread only when each is at most
   * this large (about 10–30 ms of parsing); larger ones go to a worker.
   */
  syncInThreadParseFileBytesMax: 16 * KiB,
  /**
   * A database held open keeps the stored facts of the workspace it last synced, for the next
   * sync, when the workspace has at most this many entities (decoded facts take about 1 KiB of
   * heap per entity: Python's standard library, 66,000 entities, takes 73 MiB).
   */
  syncFactsCacheEntitiesMax: 250_000,
  fileBytesMaxDefault: 2 * MiB,
  traceDepthMax: 100,
  resultCountMax: 10_000,

  // Queries (src/query). Defaults are what the CLI uses when a flag is absent.
  /** A name or target argument longer than this is refused (no real identifier is this long). */
  queryTextCharsMax: 1_000,
  findResultsDefault: 10,
  showResultsDefault: 100,
  /** Members of a type read to find its constructors (callers of a type include theirs). */
  showConstructorMembersMax: 1_000,
  showDepthDefault: 1,
  traceDepthDefault: 10,
  /** Nodes drawn in one trace tree; beyond it the answer says the cap was hit. */
  traceNodesDefault: 200,
  /** Children expanded under one trace node; the rest are counted, not drawn. */
  traceFanOutDefault: 50,
  pathDepthDefault: 8,
  pathCountDefault: 3,
  pathCountMax: 100,
  /** Nodes one path search may expand (each is one adjacency read). */
  pathVisitsMax: 50_000,
  /** Shortest paths enumerated before ranking (there can be exponentially many). */
  pathEnumerationMax: 1_000,
  /** Entities matched by one name before ranking (a name like `get` can match thousands). */
  nameMatchesMax: 50_000,
  /** Distinct names scored by one prefix or fuzzy search. */
  nameCandidatesMax: 20_000,
  /** Best-scored names whose entities one prefix or fuzzy search reads (each is one lookup). */
  nameHitReadsMax: 2_000,
  /** Names suggested when nothing matched exactly. */
  nameSuggestionsMax: 5,
  /** Candidates listed when a target is ambiguous. */
  ambiguousCandidatesMax: 20,
  contextBudgetTokensDefault: 8_000,
  contextBudgetTokensMin: 100,
  contextBudgetTokensMax: 1_000_000,
  /** Token estimate: one token per this many characters (a common rule of thumb for code). */
  contextCharsPerToken: 4,
  /** Callers and callees considered for one context bundle before ranking. */
  contextNeighboursMax: 500,
  exportNodesDefault: 10_000,
  exportNodesMax: 1_000_000,

  // The name index (src/query/name-index.ts).
  /** Qualified-name suffixes indexed per entity (`a.b.c.d` gives `c.d`, `b.c.d`, `a.b.c.d`). */
  nameIndexQualifiedKeysMax: 8,
  /** Trigrams a fuzzy search takes from its text (a long query would otherwise cost more than it finds). */
  nameIndexTrigramsMax: 32,
  /** Index operations written per batch by a rebuild. */
  nameIndexRebuildBatchOperations: 20_000,
  /** The same, and entities indexed per step, for a rebuild that yields (see yieldBudgetMsDefault). */
  nameIndexRebuildCooperativeBatchOperations: 1_024,
  nameIndexRebuildCooperativeEntities: 32,

  // Server and clients (src/server). Requests are small; answers may be large and are streamed.
  /** A request frame's payload; a larger one is refused with an error frame. */
  requestFrameBytesMax: 64 * KiB,
  /** One response frame's payload; a longer answer is sent as several chunk frames. */
  responseFrameBytesMax: 1 * MiB,
  /** A whole answer as a client accepts it (export of a large workspace fits). */
  responseBytesMax: 512 * MiB,
  /** Unsent bytes queued for one connection before the server gives up on a slow reader. */
  connectionBacklogBytesMax: 64 * MiB,
  connectionsMax: 100,
  /** A connection with no request in flight and nothing received for this long is closed. */
  idleTimeoutMsDefault: 5 * 60_000,
  /** Requests one connection may have in flight (pipelined) before the server stops reading. */
  pipelinedRequestsMax: 64,
  /** How long the CLI waits to connect to a running server before opening the database itself. */
  connectTimeoutMs: 2_000,
  /** How long an embedded open waits for another process's lock to be released. */
  lockWaitMs: 3_000,
  lockRetryMs: 50,
  /** How long a server reuses a workspace's freshness check between queries. */
  serverFreshnessTtlMs: 1_000,
  /**
   * The server's block cache. It lives as long as the server and answers many clients, so it is
   * larger than a one-shot command's; random lookups on a graph larger than the cache miss it.
   */
  serverBlockCacheBytesDefault: 256 * MiB,
  /**
   * Decoded entities shared by the queries of one process (src/query/shared-entity-cache.ts):
   * about 500 bytes each, so a graph of 130,000 entities fits whole.
   */
  entityCacheBytesDefault: 64 * MiB,
  defaultPort: 3838,

  // Ingestion (src/ingest). A file beyond `fileBytesMaxDefault` is skipped and counted.
  /** Source text kept in one block; longer text is cut and the cut is recorded in metadata. */
  ingestContentBytesMax: 64 * KiB,
  /** The `signature` metadata: the declaration's header line, trimmed. */
  ingestSignatureCharsMax: 240,
  /** Nesting of one recorded expression (`a.b().c.d()`); deeper parts become unknown. */
  ingestValueRefDepthMax: 8,
  /** Entities kept from one file (generated files can declare a great many). */
  ingestEntitiesPerFileMax: 50_000,
  /** Call sites plus references kept from one file; the rest are dropped and counted. */
  ingestSitesPerFileMax: 200_000,
  /** Distinct unresolved callee names listed in a caller's metadata (all are counted). */
  ingestUnresolvedNamesMax: 16,
  /** A name-only guess with more candidates than this is recorded as ambiguous, not fanned out. */
  ingestNameCandidatesMax: 3,
  /** Implementations one interface-typed call may dispatch to. */
  ingestDispatchTargetsMax: 16,
  /** Steps along extends/implements chains, alias chains and re-export chains. */
  ingestChainDepthMax: 32,
  ingestWorkersDefault: 2,
  ingestWorkersMax: 32,
  /**
   * Inputs this small are parsed in the calling thread unless a worker count is given: starting
   * workers (and warming their JIT) costs more than they save below this.
   */
  ingestInThreadFilesMax: 300,
  ingestInThreadBytesMax: 2 * MiB,
  /** Files a worker parses per message: large enough to amortise messaging, small enough to balance. */
  ingestBatchFiles: 24,
  /** Parse workers kept warm after a run (see src/ingest/workers/warm-workers.ts). */
  parseWorkersKeptMax: 2,
  /** How long a kept parse worker waits for the next run before it ends. */
  parseWorkerIdleMs: 5 * 60_000,
  /**
   * The nice value of a server's parse worker threads (Linux, where it is per thread): the kernel
   * then gives a core to the thread answering queries first, and a sync parses on what is left.
   */
  serverParseWorkerNice: 10,
  /** A batch also ends once its files reach this many bytes. */
  ingestBatchBytes: 256 * KiB,
  /** Bytes read from a file to decide whether it is binary (a NUL byte means binary). */
  binarySniffBytes: 8 * KiB,
  /**
   * JavaScript whose lines average more than this many characters is minified or bundled output
   * and is skipped (see looksMinified, src/ingest/parse/source-text.ts). Hand-written code averages 30–100; files of data tables or
   * long regular expressions stay below about 250; minified files are far above 400.
   */
  minifiedLineCharsMin: 300,
  /** Files smaller than this are never taken for minified: too little to judge, too little to matter. */
  minifiedFileBytesMin: 1 * KiB,
  /** Directory depth below the root the walker descends. */
  walkDepthMax: 128,
  /** A .gitignore or .kausalignore larger than this is ignored as a whole (and counted). */
  ignoreFileBytesMax: 1 * MiB,
  /** A project configuration file (tsconfig.json, go.mod) larger than this is not read. */
  projectConfigBytesMax: 1 * MiB,
} as const;

assert(limits.contentBytesMax + limits.metadataBytesMax + limits.sourceUriBytesMax < limits.batchBytesMax);
assert(limits.arenaSlabBytes <= limits.memtableBytesDefault);
assert(limits.walSegmentBytesMin < limits.walSegmentBytesDefault);
assert(limits.compactionTierFanIn >= 2);
assert(limits.ingestContentBytesMax <= limits.contentBytesMax);
assert(limits.ingestSignatureCharsMax * 3 < limits.metadataBytesMax);
assert(limits.ingestWorkersDefault >= 1 && limits.ingestWorkersDefault <= limits.ingestWorkersMax);
assert(limits.binarySniffBytes <= limits.fileBytesMaxDefault);
assert(limits.traceDepthDefault <= limits.traceDepthMax && limits.pathDepthDefault <= limits.traceDepthMax);
assert(
  limits.findResultsDefault <= limits.resultCountMax && limits.showResultsDefault <= limits.resultCountMax,
);
assert(
  limits.traceNodesDefault <= limits.resultCountMax && limits.traceFanOutDefault <= limits.traceNodesDefault,
);
assert(limits.pathCountDefault <= limits.pathCountMax && limits.pathCountMax <= limits.pathEnumerationMax);
assert(limits.nameHitReadsMax <= limits.nameCandidatesMax);
assert(limits.contextBudgetTokensMin <= limits.contextBudgetTokensDefault);
assert(limits.contextBudgetTokensDefault <= limits.contextBudgetTokensMax);
assert(limits.exportNodesDefault <= limits.exportNodesMax);
assert(limits.nameIndexRebuildBatchOperations <= limits.batchOperationsMax);
assert(limits.syncBlocksPerCooperativeBatch <= limits.syncBlocksPerBatch);
assert(limits.syncCooperativeBatchOperations <= limits.syncBatchOperations);
assert(limits.syncCooperativeBatchBytes <= limits.syncBatchBytes);
