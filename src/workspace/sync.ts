// Link and sync: bring the graph of one workspace in line with its directory, with work that
// grows with the change, not with the repository.
//   scan     walk the tree; a file whose size and mtime match the file table is unchanged, one
//            whose content hash matches is unchanged too (touched, not edited)
//   parse    re-parse only added and changed files (worker threads)
//   resolve  re-resolve the changed files and the files whose edges their change can move: those
//            that mention a name whose meaning changed (src/ingest/resolve/affected.ts; a
//            body-only edit re-resolves the edited file alone), with every other file's stored
//            facts in view; a file resolved from its stored facts takes its entities' source text
//            from its stored blocks
//   write    diff against what those files produced before: put new blocks and edges, delete
//            vanished ones (and every edge into a vanished block), keep the name index in step;
//            the file table and workspace record are written last, so an interrupted sync is
//            simply redone by the next one
// Every phase runs in short steps under a yield budget, so a server that links or syncs on the
// thread that answers queries keeps answering them (see src/core/yield-budget.ts). A database
// held open keeps what a sync leaves (stored facts, file table, index, resolver tables) for the
// next sync until anything else writes (sync-cache.ts): a one-file edit then costs a walk of the
// tree, the parse, and resolving and writing what moved.
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { sha256Hex, type BlockId } from '../core/block-id.js';
import { KausalError } from '../core/errors.js';
import type { BlockInput, GraphEdge, JsonObject, WriteOperation } from '../core/types.js';
import { systemClock } from '../core/clock.js';
import { eachInSteps, YieldBudget, type Steps } from '../core/yield-budget.js';
import { checkHeapRoom, type HeapUse } from '../core/heap-room.js';
import type { Database } from '../database.js';
import {
  affectedFilesSteps,
  factsFormatVersion,
  languageOfPath,
  loadProjectConfig,
  resolveWorkspaceAsync,
  validateWorkspaceName,
  walkDirectory,
  WorkspaceIndex,
  type FileFacts,
  type LanguageId,
  type WorkspaceGraph,
} from '../ingest/index.js';
import { isProjectConfigPath } from '../ingest/project-config.js';
import { nameIndexPresent, nameIndexVersionEdge, rebuildNameIndex } from '../query/index.js';
import { prepareLanguages } from '../ingest/parse/extract-file.js';
import { parseFiles, smallEnoughForOneThread } from '../ingest/workers/parse-pool.js';
import { runParseJob, type ParseOutcome } from '../ingest/workers/parse-job.js';
import { limits } from '../core/limits.js';
import { isDirectory, statMoved } from './file-stats.js';
import { headCommit } from './git.js';
import {
  factsId,
  fileTableUpdate,
  readStoredFileTable,
  readRegistry,
  readWorkspaceRecord,
  registryBlock,
  workspaceRecordBlock,
  type FileEntry,
  type WorkspaceRecord,
} from './records.js';
import { projectConfigHash } from './config-hash.js';
import { GraphChange } from './graph-change.js';
import {
  pendingWritesDeletions,
  pendingWritesOperations,
  readPendingWrites,
  type PendingWrites,
} from './pending-writes.js';
import { keepWorkspace, keptWorkspace } from './sync-cache.js';
import {
  loadStoredFacts,
  ParsedContent,
  restoreContent,
  storedFactsBlock,
  type StoredFacts,
} from './stored-facts.js';
import { fitsOneBatch, writeChunked } from './write-batches.js';

export type SyncPhase = 'scan' | 'parse' | 'resolve' | 'write';

export interface SyncProgress {
  readonly phase: SyncPhase;
  readonly done: number;
  readonly total?: number;
}

export interface SyncOptions {
  /** Re-parse and re-resolve every file. */
  readonly force?: boolean;
  readonly workers?: number;
  /**
   * Keep parse workers warm for the next sync (default true): spares a later sync the start of
   * one (several hundred milliseconds), at the cost of their memory for a few minutes. A process
   * that ends after this sync (a `kausal` command) passes false.
   */
  readonly keepWorkersWarm?: boolean;
  readonly fileBytesMax?: number;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** The time to record; defaults to now. */
  readonly now?: () => Date;
  /**
   * How long the sync may hold the event loop before it yields to other callbacks (default
   * `limits.yieldBudgetMsDefault`); 0 yields at every step, `Infinity` never yields.
   */
  readonly yieldEveryMs?: number;
  /** True while others wait for the thread: the sync then yields sooner (see YieldBudget). */
  readonly contended?: () => boolean;
  /** How full the heap is (default: this process's); tests pass their own. See heap-room.ts. */
  readonly heapUse?: () => HeapUse;
}

export interface SyncReport {
  readonly workspace: string;
  readonly root: string;
  /** True when this call created the workspace. */
  readonly linked: boolean;
  /** Where the workspace was linked before a link pointed it at its new place (see linkWorkspace). */
  readonly movedFrom?: string;
  readonly commit?: string;
  readonly files: {
    readonly total: number;
    readonly added: number;
    readonly changed: number;
    readonly deleted: number;
    readonly unchanged: number;
    readonly resolved: number;
    readonly skipped: number;
    readonly withSyntaxErrors: number;
  };
  readonly blocks: { readonly total: number; readonly written: number; readonly deleted: number };
  readonly edges: { readonly total: number; readonly written: number; readonly deleted: number };
  readonly unresolvedCalls: number;
  readonly durationMs: number;
  readonly phasesMs: Readonly<Record<SyncPhase, number>>;
  /** What went less well than it should without failing the sync (workers that would not start). */
  readonly warnings: readonly string[];
}

/** Links `root` as workspace `name` (default: the directory's base name) and syncs it. */
export async function linkWorkspace(
  db: Database,
  root: string,
  name: string,
  options: SyncOptions = {},
): Promise<SyncReport> {
  validateWorkspaceName(name);
  const absoluteRoot = resolvePath(root);
  const existing = readWorkspaceRecord(db, name);
  let movedFrom: string | undefined;
  if (existing !== undefined && existing.root !== absoluteRoot) {
    if (isDirectory(existing.root)) {
      throw new KausalError(
        'ALREADY_EXISTS',
        `workspace ${JSON.stringify(name)} is already linked to ${existing.root}; unlink it first or choose another --name`,
      );
    }
    // Its directory is gone: the workspace is pointed at the place it moved to. Its files keep
    // their relative paths, so the graph carries over and the sync reads only what changed.
    if (!isDirectory(absoluteRoot)) {
      throw new KausalError(
        'NOT_FOUND',
        `cannot index ${absoluteRoot} for workspace ${JSON.stringify(name)}: no such directory`,
      );
    }
    movedFrom = existing.root;
  }
  if (existing === undefined || movedFrom !== undefined) {
    // The same directory under a second name would hold every entity twice, and every name would
    // turn ambiguous between the two.
    const real = realPathOf(absoluteRoot);
    for (const other of readRegistry(db)) {
      const otherRoot = readWorkspaceRecord(db, other)?.root;
      if (otherRoot === undefined || realPathOf(otherRoot) !== real) continue;
      throw new KausalError(
        'ALREADY_EXISTS',
        `${absoluteRoot} is already linked as workspace ${JSON.stringify(other)}; sync that one, or unlink it first to link the directory under another name`,
      );
    }
  }
  const now = (options.now ?? (() => new Date()))().toISOString();
  const record: WorkspaceRecord =
    existing === undefined
      ? {
          name,
          root: absoluteRoot,
          linkedAt: now,
          syncedAt: '',
          files: 0,
          blocks: 0,
          edges: 0,
          unresolvedCalls: 0,
        }
      : { ...existing, root: absoluteRoot };
  // A link that was stopped before it finished left a record without a sync: it is finished now.
  const report = await runSync(db, record, existing === undefined || existing.syncedAt === '', options);
  return movedFrom === undefined ? report : { ...report, movedFrom };
}

export async function syncWorkspace(
  db: Database,
  record: WorkspaceRecord,
  options: SyncOptions = {},
): Promise<SyncReport> {
  // A workspace never synced to the end is one whose link was stopped: this sync finishes it.
  return runSync(db, record, record.syncedAt === '', options);
}

/** Blocks or edges counted per step of `perFileTotals`. */
const totalsPerStep = 4096;
/**
 * Stored blocks read per step of `restoreContent`: microseconds from the cache, up to milliseconds
 * for a large block from disk.
 */
const readsPerStep = 1;

interface ScannedFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly language: LanguageId;
}

async function runSync(
  db: Database,
  record: WorkspaceRecord,
  linking: boolean,
  options: SyncOptions,
): Promise<SyncReport> {
  const started = performance.now();
  const phasesMs: Record<SyncPhase, number> = { scan: 0, parse: 0, resolve: 0, write: 0 };
  const progress = options.onProgress ?? (() => undefined);
  const fileBytesMax = options.fileBytesMax ?? limits.fileBytesMaxDefault;
  // Files the extractor of another release parsed hold what that extractor wrote (a signature
  // cut at its first line, say): a sync after an upgrade parses them all again, once.
  const extractorChanged = record.factsFormat !== factsFormatVersion;
  // A sync that stopped before its commit left blocks and facts that only this record lists
  // (pending-writes.ts): everything is parsed and resolved again, and what is not produced again
  // among them is deleted.
  const pending = readPendingWrites(db, record.name);
  const force = options.force === true || linking || extractorChanged || pending !== undefined;
  const work = `the ${linking ? 'link' : 'sync'} of workspace ${JSON.stringify(record.name)}`;
  const checkRoom = (): void => checkHeapRoom(work, options.heapUse?.());
  const budget = new YieldBudget(
    options.yieldEveryMs ?? limits.yieldBudgetMsDefault,
    systemClock,
    options.contended,
    checkRoom,
  );
  checkRoot(record, linking);
  // Whether this sync leaves a complete name index: it does when the index was complete before
  // (or there was nothing to index); otherwise it was written by an older version, and is rebuilt.
  const indexComplete = nameIndexPresent(db) || readRegistry(db).length === 0;

  // ---- scan
  let phaseStarted = performance.now();
  const scanned = await scan(record.root, fileBytesMax, progress);
  // What the last sync kept in memory, when nothing has written to the database since.
  const kept = keptWorkspace(db, record.name);
  const storedTable = kept?.table ?? readStoredFileTable(db, record.name);
  const table = storedTable.table;
  const nextTable = new Map<string, FileEntry>();
  const toParse: ScannedFile[] = [];
  /** Content hashes computed while comparing, reused for the new file table. */
  const hashes = new Map<string, string>();
  let unchanged = 0;
  let added = 0;
  for (const file of scanned.sources) {
    await budget.maybeYield();
    const previous = table.get(file.path);
    if (previous === undefined) added++;
    const verdict =
      force || previous === undefined ? 'changed' : compare(record.root, file, previous, hashes);
    if (verdict === 'changed') {
      toParse.push(file);
      continue;
    }
    unchanged++;
    nextTable.set(
      file.path,
      verdict === 'same' ? (previous as FileEntry) : { ...(previous as FileEntry), mtimeMs: file.mtimeMs },
    );
  }
  const present = new Set(scanned.sources.map((file) => file.path));
  const deleted = [...table.keys()].filter((path) => !present.has(path));
  // A changed configuration (a tsconfig path alias, a go.mod module path) can move the edges of
  // any file without changing one: every file is re-resolved, none parsed again.
  const config = loadProjectConfig(record.root, scanned.configPaths);
  const configHash = projectConfigHash(config);
  const configChanged = record.configHash !== undefined && record.configHash !== configHash;
  phasesMs.scan = performance.now() - phaseStarted;
  const commit = headCommit(record.root);
  const now = (options.now ?? (() => new Date()))().toISOString();

  if (toParse.length === 0 && deleted.length === 0 && !configChanged) {
    const fresh: WorkspaceRecord = {
      ...record,
      syncedAt: now,
      configHash,
      ...(commit === undefined ? {} : { commit }),
    };
    const update = fileTableUpdate(db, record.name, nextTable, storedTable);
    db.write([...update.operations, { kind: 'put_block', block: workspaceRecordBlock(fresh) }]);
    if (!indexComplete) await rebuildNameIndex(db, budget);
    if (kept !== undefined) keepWorkspace(db, record.name, { ...kept, table: update.stored });
    return report(
      fresh,
      linking,
      scanned.sources.length,
      { added: 0, changed: 0, deleted: 0, unchanged, resolved: 0 },
      emptyCounts(),
      record.unresolvedCalls,
      phasesMs,
      started,
      [],
    );
  }

  // A few changed files are parsed in this thread: its grammars load (compiling WebAssembly in the
  // background) while the stored facts are read.
  const warming = parsesInThread(toParse, budget.budgetMs, warmLanguages)
    ? prepareLanguages(new Set(toParse.map((file) => file.language))).catch(() => undefined)
    : undefined;

  // Stored facts of unchanged files are reused; facts from an older extractor are re-parsed.
  // (Counted as resolution time: the resolver needs them; on large workspaces this dominates.)
  const factsStarted = performance.now();
  const facts = new Map<string, FileFacts>();
  const sourceByPath = new Map(scanned.sources.map((file) => [file.path, file]));
  /** Facts before this sync of the files it re-parses or deletes ('unknown': unreadable). */
  const previous = new Map<string, FileFacts | undefined | 'unknown'>();
  // Kept in memory since the last sync when nothing else has written since (sync-cache.ts).
  const storedFacts = (path: string): StoredFacts =>
    kept?.facts.get(path) ?? loadStoredFacts(db, record.name, path);
  for (const path of [...nextTable.keys()]) {
    await budget.maybeYield();
    const stored = storedFacts(path);
    if (stored !== 'outdated') {
      if (stored !== undefined) facts.set(path, stored);
      continue;
    }
    nextTable.delete(path);
    unchanged--;
    toParse.push(sourceByPath.get(path) as ScannedFile);
    previous.set(path, 'unknown');
  }
  if (!force) {
    for (const path of [...toParse.map((file) => file.path), ...deleted]) {
      await budget.maybeYield();
      if (!previous.has(path))
        previous.set(
          path,
          previousFacts(table.get(path), () => storedFacts(path)),
        );
    }
  }

  const factsLoadMs = performance.now() - factsStarted;

  // ---- parse
  phaseStarted = performance.now();
  const warnings: string[] = [];
  const parse = (files: readonly ScannedFile[]): Promise<Map<string, ParseOutcome>> =>
    parseChanged(
      record.root,
      files,
      options.workers,
      fileBytesMax,
      progress,
      budget,
      options.keepWorkersWarm ?? true,
      warnings,
    );
  await warming;
  const outcomes = await parse(toParse);
  phasesMs.parse = performance.now() - phaseStarted;

  // ---- resolve
  phaseStarted = performance.now();
  progress({ phase: 'resolve', done: 0, total: 1 });
  // Parsed facts are indexed without their source text, as stored facts are (so the index can be
  // kept for the next sync); the text goes back into their blocks after resolution.
  const parsedContent = new ParsedContent();
  for (const outcome of outcomes.values())
    if (outcome.status === 'parsed') facts.set(outcome.path, parsedContent.take(outcome.path, outcome.facts));
  // One index serves both finding the files to re-resolve and resolving them. Files this sync
  // did not parse keep the block ids their last resolution recorded in the file table.
  const parsedPaths = new Set(toParse.map((file) => file.path));
  const buildIndex = (): Promise<WorkspaceIndex> =>
    budget.run(
      WorkspaceIndex.build(record.name, facts.values(), {
        config,
        knownIds: (path) => (parsedPaths.has(path) ? undefined : table.get(path)?.ids),
        ...(kept === undefined ? {} : { reuse: kept.nodes }),
      }),
    );
  let index = await buildIndex();
  const findAffected = async (): Promise<Set<string>> => {
    if (force || configChanged) return new Set(index.files.keys());
    const changes = [...previous].map(([path, before]) => ({ path, previous: before }));
    return (await budget.run(affectedFilesSteps(index, changes))).files;
  };
  let affected = await findAffected();
  // Files resolved from stored facts get their entities' source text from their stored blocks;
  // a file whose stored blocks do not match its facts is parsed again, and the files to
  // re-resolve found again with it as a changed file (once: a parsed file has its text).
  let graph: WorkspaceGraph;
  let storedMetadata: ReadonlyMap<BlockId, JsonObject>;
  for (;;) {
    // The resolver's workspace-wide tables are updated for the files whose facts or resolution
    // may have changed (workspace-tables.ts).
    const recompute = new Set([...affected, ...toParse.map((file) => file.path), ...deleted]);
    graph = await resolveWorkspaceAsync(
      record.name,
      facts,
      {
        index,
        files: affected,
        recompute,
        // Tables built under another configuration resolved imports by it.
        ...(kept?.tables === undefined || force || configChanged ? {} : { tables: kept.tables }),
      },
      budget,
    );
    const restored = await budget.run(restoreContent(db, graph.blocks, parsedContent, readsPerStep));
    storedMetadata = restored.storedMetadata;
    const unmatched = restored.unmatched;
    if (unmatched.size === 0) break;
    const again = [...unmatched].map((path) => sourceByPath.get(path) as ScannedFile);
    for (const file of again) {
      nextTable.delete(file.path);
      unchanged--;
      toParse.push(file);
      parsedPaths.add(file.path);
      if (!previous.has(file.path)) previous.set(file.path, facts.get(file.path));
    }
    const parseStarted = performance.now();
    const reparsed = await parse(again);
    for (const [path, outcome] of reparsed) {
      outcomes.set(path, outcome);
      if (outcome.status === 'parsed') facts.set(path, parsedContent.take(path, outcome.facts));
      else facts.delete(path);
    }
    const parseMs = performance.now() - parseStarted;
    phasesMs.parse += parseMs;
    phaseStarted += parseMs;
    index = await buildIndex();
    affected = await findAffected();
  }
  progress({ phase: 'resolve', done: 1, total: 1 });
  phasesMs.resolve = performance.now() - phaseStarted + factsLoadMs;

  // ---- write
  phaseStarted = performance.now();
  const { idsByFile, edgesByFile, unresolvedByFile } = await budget.run(
    perFileTotals(graph.blocks, graph.edges),
  );
  const change = new GraphChange(db, record.name, budget);
  const touchedFiles = new Set([...affected, ...deleted, ...toParse.map((file) => file.path)]);
  const oldIds: BlockId[] = [...(pending?.ids ?? [])];
  for (const path of touchedFiles) for (const id of table.get(path)?.ids ?? []) oldIds.push(id);
  // Before the first block: what this sync may write that the file table does not list (a link
  // also registers its workspace here, so that one stopped on the way can be seen and unlinked).
  const unlisted = unlistedWrites(pending, oldIds, graph.blocks, toParse, table);
  if (unlisted !== undefined || linking) {
    db.write([
      ...(unlisted === undefined ? [] : pendingWritesOperations(db, record.name, unlisted)),
      ...(linking
        ? [
            { kind: 'put_block', block: workspaceRecordBlock(record) } as const,
            { kind: 'put_block', block: registryBlock([...readRegistry(db), record.name]) } as const,
          ]
        : []),
    ]);
  }
  if (pending !== undefined) change.recheckNames(pending.names);
  await change.replace(
    oldIds,
    graph.blocks,
    graph.edges,
    (done, total) => progress({ phase: 'write', done, total }),
    storedMetadata,
  );

  const factOperations: WriteOperation[] = [];
  for (const file of toParse) {
    // Hashing a file and serialising its facts take up to milliseconds each.
    await budget.maybeYield();
    const outcome = outcomes.get(file.path);
    const entry = fileEntry(
      linking ? '' : (hashes.get(file.path) ?? hashFile(record.root, file.path)),
      file,
      outcome,
      idsByFile.get(file.path) ?? [],
      edgesByFile.get(file.path) ?? 0,
      unresolvedByFile.get(file.path) ?? 0,
    );
    nextTable.set(file.path, entry);
    if (outcome?.status === 'parsed') {
      factOperations.push({
        kind: 'put_block',
        block: storedFactsBlock(record.name, file.path, outcome.facts),
      });
    } else if (table.has(file.path)) {
      factOperations.push({ kind: 'delete_block', id: factsId(record.name, file.path) });
    }
  }
  for (const path of affected) {
    const entry = nextTable.get(path);
    if (entry !== undefined && !parsedPaths.has(path)) {
      nextTable.set(path, {
        ...entry,
        ids: idsByFile.get(path) ?? [],
        edges: edgesByFile.get(path) ?? 0,
        unresolved: unresolvedByFile.get(path) ?? 0,
      });
    }
  }
  for (const path of deleted) factOperations.push({ kind: 'delete_block', id: factsId(record.name, path) });

  const totals = tableTotals(nextTable);
  const unresolvedCalls = totals.unresolved;
  const next: WorkspaceRecord = {
    ...record,
    syncedAt: now,
    ...(commit === undefined ? {} : { commit }),
    files: nextTable.size,
    blocks: totals.blocks,
    edges: totals.edges,
    unresolvedCalls,
    configHash,
    factsFormat: factsFormatVersion,
  };
  // The commit point of the sync: the table and record describe what is now stored. The facts go
  // before it, in the same batch when they fit in one.
  const update = fileTableUpdate(db, record.name, nextTable, storedTable);
  const commitOperations: WriteOperation[] = [
    ...update.operations,
    ...pendingWritesDeletions(db, record.name),
    { kind: 'put_block', block: workspaceRecordBlock(next) },
    { kind: 'put_block', block: registryBlock([...readRegistry(db), record.name]) },
    ...(indexComplete ? [{ kind: 'put_edge', edge: nameIndexVersionEdge } as const] : []),
  ];
  if (fitsOneBatch(factOperations, budget)) {
    db.write([...factOperations, ...commitOperations]);
  } else {
    await writeChunked(db, factOperations, budget);
    db.write(commitOperations);
  }
  if (!indexComplete) await rebuildNameIndex(db, budget);
  keepWorkspace(db, record.name, {
    facts,
    table: update.stored,
    nodes: index.files,
    ...(graph.tables === undefined ? {} : { tables: graph.tables }),
  });
  phasesMs.write = performance.now() - phaseStarted;

  const skipped = [...outcomes.values()].filter((outcome) => outcome.status !== 'parsed').length;
  const withSyntaxErrors = [...outcomes.values()].filter(
    (outcome) => outcome.status === 'parsed' && outcome.facts.syntaxErrors > 0,
  ).length;
  return report(
    next,
    linking,
    scanned.sources.length,
    {
      added,
      changed: toParse.length - added,
      deleted: deleted.length,
      unchanged,
      resolved: affected.size,
      skipped,
      withSyntaxErrors,
    },
    change.counts,
    unresolvedCalls,
    phasesMs,
    started,
    warnings,
  );
}

/**
 * The ids of blocks and the paths of facts this sync may write that the file table does not list
 * (with those an earlier, interrupted sync left), or undefined when there are none.
 */
function unlistedWrites(
  pending: PendingWrites | undefined,
  oldIds: readonly BlockId[],
  blocks: readonly BlockInput[],
  toParse: readonly ScannedFile[],
  table: ReadonlyMap<string, FileEntry>,
): PendingWrites | undefined {
  const listed = new Set(oldIds);
  const ids = new Set(pending?.ids ?? []);
  const names = new Set(pending?.names ?? []);
  for (const block of blocks) {
    if (listed.has(block.id)) continue;
    ids.add(block.id);
    const name = block.metadata['name'];
    if (typeof name === 'string' && name !== '') names.add(name);
  }
  const paths = new Set(pending?.paths ?? []);
  for (const file of toParse) if (!table.has(file.path)) paths.add(file.path);
  if (ids.size === 0 && paths.size === 0) return undefined;
  return { ids: [...ids], paths: [...paths], names: [...names] };
}

/**
 * What a file's facts were before this sync: none when it had no parsed entry, 'unknown' when its
 * stored facts are of another format or missing.
 */
function previousFacts(
  entry: FileEntry | undefined,
  load: () => StoredFacts,
): FileFacts | undefined | 'unknown' {
  if (entry === undefined || entry.status !== 'parsed') return undefined;
  const stored = load();
  return stored === 'outdated' || stored === undefined ? 'unknown' : stored;
}

/** The path with symbolic links resolved, or as given when it cannot be (it does not exist). */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function checkRoot(record: WorkspaceRecord, linking: boolean): void {
  if (!isDirectory(record.root)) {
    throw new KausalError(
      'NOT_FOUND',
      linking
        ? `cannot index ${record.root} for workspace ${JSON.stringify(record.name)}: no such directory`
        : `workspace ${JSON.stringify(record.name)} is linked to ${record.root}, which is no longer a directory; ` +
          `restore it, point the workspace at where it moved with 'kausal link --path <new place> --name ${record.name}' ` +
          `(the graph carries over), or run 'kausal unlink --name ${record.name}' (its graph stays queryable until then)`,
    );
  }
}

async function scan(
  root: string,
  fileBytesMax: number,
  progress: (progress: SyncProgress) => void,
): Promise<{ sources: ScannedFile[]; configPaths: string[] }> {
  const sources: ScannedFile[] = [];
  const configPaths: string[] = [];
  const languages = new Map<string, LanguageId>();
  const walk = await walkDirectory(root, {
    fileBytesMax,
    sniffBinary: false,
    accept: (path) => {
      if (isProjectConfigPath(path)) return true;
      const language = languageOfPath(path);
      if (language === undefined) return false;
      languages.set(path, language);
      if (languages.size % 500 === 0) progress({ phase: 'scan', done: languages.size });
      return true;
    },
  });
  for (const file of walk.files) {
    const language = languages.get(file.path);
    if (language !== undefined)
      sources.push({ path: file.path, size: file.size, mtimeMs: file.mtimeMs, language });
    else if (isProjectConfigPath(file.path)) configPaths.push(file.path);
  }
  progress({ phase: 'scan', done: sources.length, total: sources.length });
  return { sources, configPaths };
}

/** 'same': size and mtime match; 'touched': only the mtime moved; 'changed': the content did. */
function compare(
  root: string,
  file: ScannedFile,
  previous: FileEntry,
  hashes: Map<string, string>,
): 'same' | 'touched' | 'changed' {
  if (!statMoved(previous, file)) return 'same';
  if (previous.size !== file.size || previous.hash === '') return 'changed';
  const hash = hashFile(root, file.path);
  hashes.set(file.path, hash);
  return hash === previous.hash ? 'touched' : 'changed';
}

function hashFile(root: string, path: string): string {
  try {
    return sha256Hex(readFileSync(join(root, path))).slice(0, 32);
  } catch {
    return '';
  }
}

/** Languages this thread has parsed a file of (see `warmThisThread`). */
const warmLanguages = new Set<LanguageId>();

async function parseChanged(
  root: string,
  files: readonly ScannedFile[],
  workers: number | undefined,
  fileBytesMax: number,
  progress: (progress: SyncProgress) => void,
  budget: YieldBudget,
  keepWarm: boolean,
  warnings: string[],
): Promise<Map<string, ParseOutcome>> {
  const outcomes = new Map<string, ParseOutcome>();
  // Largest first, with sizes, so the pool's batches balance and no worker is left with one big
  // file at the end while the other has nothing to do.
  const jobs = files
    .map((file) => ({
      path: file.path,
      absolutePath: join(root, file.path),
      language: file.language,
      bytes: file.size,
    }))
    .sort((left, right) => right.bytes - left.bytes);
  progress({ phase: 'parse', done: 0, total: jobs.length });
  const inThread = parsesInThread(files, budget.budgetMs, warmLanguages);
  // Warming this thread blocks it for the whole first parse of a language, which a sync that
  // yields (a server answering queries meanwhile) must not do.
  const warm = !inThread && budget.budgetMs === Number.POSITIVE_INFINITY;
  const [summary] = await Promise.all([
    parseFiles(jobs, {
      workers: inThread ? 0 : (workers ?? limits.ingestWorkersDefault),
      budget,
      keepWarm,
      fileBytesMax,
      onOutcome: (outcome) => {
        outcomes.set(outcome.path, outcome);
        if (outcomes.size % 100 === 0 || outcomes.size === jobs.length) {
          // Outcomes pile up here while the workers parse: the heap grows without a step to yield at.
          budget.checkpoint();
          progress({ phase: 'parse', done: outcomes.size, total: jobs.length });
        }
      },
    }),
    warm ? warmThisThread(root, files, fileBytesMax) : undefined,
  ]);
  if (summary.fallback !== undefined) warnings.push(summary.fallback);
  if (inThread) for (const file of files) warmLanguages.add(file.language);
  // In the order of `files`, whatever order the parses finished in: what follows is deterministic.
  const ordered = new Map<string, ParseOutcome>();
  for (const file of files) {
    const outcome = outcomes.get(file.path);
    if (outcome !== undefined) ordered.set(file.path, outcome);
  }
  return ordered;
}

/**
 * While workers parse, this thread parses one file per language once (the largest it would parse
 * itself), so that the next small sync in this process, parsed here, does not pay for loading the
 * grammar, compiling its queries and the extractor's first runs (some hundred milliseconds).
 */
async function warmThisThread(
  root: string,
  files: readonly ScannedFile[],
  fileBytesMax: number,
): Promise<void> {
  const chosen = new Map<LanguageId, ScannedFile>();
  for (const file of files) {
    if (warmLanguages.has(file.language) || file.size > limits.syncInThreadParseFileBytesMax) continue;
    const current = chosen.get(file.language);
    if (current === undefined || file.size > current.size) chosen.set(file.language, file);
  }
  for (const [language, file] of chosen) {
    warmLanguages.add(language);
    await runParseJob({ path: file.path, absolutePath: join(root, file.path), language }, fileBytesMax);
  }
}

/**
 * Small changes parse faster in this thread than it takes to start a worker: a sync that does not
 * yield (a command's own process) parses here whatever ingestion would (a link of a few hundred
 * small files too). One file's parse cannot be cut into steps, though, nor can the first parse of
 * a language in a thread (loading the grammar and compiling its queries held this thread
 * 200–400 ms for TypeScript here), so a sync that yields parses here only a few small files of
 * languages this thread has parsed before, and sends the rest to a worker (a warm one in a server).
 */
export function parsesInThread(
  files: readonly Pick<ScannedFile, 'size' | 'language'>[],
  budgetMs: number,
  warm: ReadonlySet<LanguageId>,
): boolean {
  if (budgetMs === Number.POSITIVE_INFINITY) return smallEnoughForOneThread(files);
  if (files.length >= limits.ingestBatchFiles) return false;
  return files.every((file) => file.size <= limits.syncInThreadParseFileBytesMax && warm.has(file.language));
}

function fileEntry(
  hash: string,
  file: ScannedFile,
  outcome: ParseOutcome | undefined,
  ids: readonly BlockId[],
  edges: number,
  unresolved: number,
): FileEntry {
  return {
    size: file.size,
    mtimeMs: file.mtimeMs,
    hash,
    language: file.language,
    status: outcome?.status ?? 'failed',
    ids,
    edges,
    unresolved,
  };
}

/** Per file: the ids of its blocks, the edges it owns (by source block), its unresolved calls. */
function* perFileTotals(
  blocks: readonly BlockInput[],
  edges: readonly GraphEdge[],
): Steps<{
  idsByFile: Map<string, BlockId[]>;
  edgesByFile: Map<string, number>;
  unresolvedByFile: Map<string, number>;
}> {
  const idsByFile = new Map<string, BlockId[]>();
  const unresolvedByFile = new Map<string, number>();
  const fileOf = new Map<BlockId, string>();
  yield* eachInSteps(blocks, totalsPerStep, (block) => {
    const file = block.metadata['file'];
    if (typeof file !== 'string') return;
    fileOf.set(block.id, file);
    const ids = idsByFile.get(file);
    if (ids === undefined) idsByFile.set(file, [block.id]);
    else ids.push(block.id);
    const unresolved = numberOf(block.metadata['unresolvedCalls']);
    if (unresolved > 0) unresolvedByFile.set(file, (unresolvedByFile.get(file) ?? 0) + unresolved);
  });
  const edgesByFile = new Map<string, number>();
  yield* eachInSteps(edges, totalsPerStep, (edge) => {
    const file = fileOf.get(edge.source);
    if (file !== undefined) edgesByFile.set(file, (edgesByFile.get(file) ?? 0) + 1);
  });
  return { idsByFile, edgesByFile, unresolvedByFile };
}

function tableTotals(table: ReadonlyMap<string, FileEntry>): {
  blocks: number;
  edges: number;
  unresolved: number;
} {
  let blocks = 0;
  let edges = 0;
  let unresolved = 0;
  for (const entry of table.values()) {
    blocks += entry.ids.length;
    edges += entry.edges;
    unresolved += entry.unresolved ?? 0;
  }
  return { blocks, edges, unresolved };
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function emptyCounts(): GraphChange['counts'] {
  return { blocksWritten: 0, blocksDeleted: 0, edgesWritten: 0, edgesDeleted: 0 };
}

function report(
  record: WorkspaceRecord,
  linked: boolean,
  total: number,
  files: {
    added: number;
    changed: number;
    deleted: number;
    unchanged: number;
    resolved: number;
    skipped?: number;
    withSyntaxErrors?: number;
  },
  counts: GraphChange['counts'],
  unresolvedCalls: number,
  phasesMs: Record<SyncPhase, number>,
  started: number,
  warnings: readonly string[],
): SyncReport {
  return {
    workspace: record.name,
    root: record.root,
    linked,
    ...(record.commit === undefined ? {} : { commit: record.commit }),
    files: { total, skipped: 0, withSyntaxErrors: 0, ...files },
    blocks: { total: record.blocks, written: counts.blocksWritten, deleted: counts.blocksDeleted },
    edges: { total: record.edges, written: counts.edgesWritten, deleted: counts.edgesDeleted },
    unresolvedCalls,
    durationMs: Math.round(performance.now() - started),
    phasesMs: {
      scan: Math.round(phasesMs.scan),
      parse: Math.round(phasesMs.parse),
      resolve: Math.round(phasesMs.resolve),
      write: Math.round(phasesMs.write),
    },
    warnings: [...new Set(warnings)],
  };
}
