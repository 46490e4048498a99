// Ingestion of a directory, in three phases the CLI can show: scan (walk the tree), parse (per-file
// facts, in worker threads) and resolve (cross-file edges, on this thread). The result is in
// memory: blocks, edges, the per-file facts an incremental sync keeps, and statistics. Files that
// cannot be read or parsed are counted and reported per file; nothing stops the run.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument, KausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { FileFacts, LanguageId } from './facts.js';
import type { ProjectConfig } from './language.js';
import { languageOfPath } from './languages/registry.js';
import { isProjectConfigPath, loadProjectConfig } from './project-config.js';
import {
  resolveWorkspaceAsync,
  type ResolveStats,
  type WorkspaceGraph,
} from './resolve/resolve-workspace.js';
import { walkDirectory, type WalkedFile, type WalkStats } from './walk/walk-directory.js';
import type { ParseJob, ParseOutcome, ParseStatus } from './workers/parse-job.js';
import { parseFiles, smallEnoughForOneThread } from './workers/parse-pool.js';

export type IngestPhase = 'scan' | 'parse' | 'resolve';

export interface IngestProgress {
  readonly phase: IngestPhase;
  /** Units done in this phase: files found, files parsed, or 0/1 for resolution. */
  readonly done: number;
  /** Units in this phase when known (unknown while scanning). */
  readonly total?: number;
}

export interface IngestOptions {
  readonly workspace: string;
  /**
   * Worker threads for parsing; 0 parses in this thread. By default `limits.ingestWorkersDefault`,
   * except for small inputs (see `limits.ingestInThreadFilesMax`), which are parsed in this thread.
   */
  readonly workers?: number;
  readonly fileBytesMax?: number;
  /** Only these languages are read (default: every language with a plug-in). */
  readonly languages?: readonly LanguageId[];
  /** An extra filter on relative paths, applied after the language filter. */
  readonly include?: (path: string) => boolean;
  /** Directory names to skip instead of the defaults (see `defaultSkippedDirectories`). */
  readonly skipDirectories?: readonly string[];
  /** Honour .gitignore and .kausalignore (default true). */
  readonly useIgnoreFiles?: boolean;
  readonly onProgress?: (progress: IngestProgress) => void;
}

export interface IngestedFile {
  readonly path: string;
  readonly language: LanguageId;
  readonly size: number;
  readonly mtimeMs: number;
  readonly status: ParseStatus;
  /** Why a file was not parsed; absent for parsed files. */
  readonly reason?: string;
  readonly entities: number;
  readonly calls: number;
  readonly syntaxErrors: number;
}

export interface IngestStats {
  readonly walk: WalkStats;
  readonly files: number;
  readonly parsedFiles: number;
  readonly filesWithSyntaxErrors: number;
  readonly skippedFiles: Readonly<Record<Exclude<ParseStatus, 'parsed'>, number>>;
  readonly bytes: number;
  readonly scanMs: number;
  readonly parseMs: number;
  readonly resolve: ResolveStats;
}

export interface IngestResult extends Omit<WorkspaceGraph, 'stats'> {
  readonly facts: ReadonlyMap<string, FileFacts>;
  readonly files: readonly IngestedFile[];
  readonly stats: IngestStats;
  /** What went less well than it should without failing the run (workers that would not start). */
  readonly warnings: readonly string[];
}

/** Progress events at most this often per phase (the last one of a phase is always sent). */
const progressIntervalMs = 100;

const forbiddenWorkspaceCharacters = /[/\\:*?"<>|]/;

export function validateWorkspaceName(workspace: string): void {
  if (typeof workspace !== 'string' || workspace === '')
    throw invalidArgument('workspace name must not be empty');
  if (forbiddenWorkspaceCharacters.test(workspace)) {
    throw invalidArgument(
      `workspace name ${JSON.stringify(workspace)} must not contain any of / \\ : * ? " < > |`,
    );
  }
  if (Buffer.byteLength(workspace, 'utf8') > limits.workspaceNameBytesMax) {
    throw invalidArgument(`workspace name is longer than ${limits.workspaceNameBytesMax} bytes`);
  }
}

export async function ingestDirectory(root: string, options: IngestOptions): Promise<IngestResult> {
  validateWorkspaceName(options.workspace);
  const requestedWorkers = options.workers ?? limits.ingestWorkersDefault;
  if (
    !Number.isInteger(requestedWorkers) ||
    requestedWorkers < 0 ||
    requestedWorkers > limits.ingestWorkersMax
  ) {
    throw invalidArgument(`workers must be an integer from 0 to ${limits.ingestWorkersMax}`);
  }
  await assertDirectory(root);
  const fileBytesMax = options.fileBytesMax ?? limits.fileBytesMaxDefault;
  const progress = new ProgressReporter(options.onProgress);

  const scanStarted = performance.now();
  const scan = await scanSources(root, options, fileBytesMax, progress);
  const scanMs = performance.now() - scanStarted;

  const parseStarted = performance.now();
  const workers = options.workers === undefined && smallEnoughForOneThread(scan.files) ? 0 : requestedWorkers;
  const { outcomes, fallback } = await parseSources(scan, workers, fileBytesMax, progress);
  const parseMs = performance.now() - parseStarted;

  progress.report('resolve', 0, 1, true);
  const facts = new Map<string, FileFacts>();
  for (const file of scan.files) {
    const outcome = outcomes.get(file.path);
    if (outcome?.status === 'parsed') facts.set(file.path, outcome.facts);
  }
  const graph = await resolveWorkspaceAsync(options.workspace, facts, { config: scan.config });
  progress.report('resolve', 1, 1, true);

  const files = scan.files.map((file) =>
    fileRecord(file, scan.languages.get(file.path) as LanguageId, outcomes.get(file.path)),
  );
  return {
    blocks: graph.blocks,
    edges: graph.edges,
    facts,
    files,
    stats: summarize(scan.walk, files, scanMs, parseMs, graph.stats),
    warnings: fallback === undefined ? [] : [fallback],
  };
}

interface ScannedSources {
  readonly root: string;
  readonly walk: WalkStats;
  /** Source files in path order. */
  readonly files: readonly WalkedFile[];
  readonly languages: ReadonlyMap<string, LanguageId>;
  readonly config: ProjectConfig;
}

/** Walks the tree for source files of the wanted languages and reads project configuration. */
async function scanSources(
  root: string,
  options: IngestOptions,
  fileBytesMax: number,
  progress: ProgressReporter,
): Promise<ScannedSources> {
  const wanted = options.languages === undefined ? undefined : new Set(options.languages);
  const languages = new Map<string, LanguageId>();
  const walk = await walkDirectory(root, {
    fileBytesMax,
    sniffBinary: false, // the parser reads every file anyway and checks for NUL bytes then
    ...(options.skipDirectories === undefined ? {} : { skipDirectories: options.skipDirectories }),
    ...(options.useIgnoreFiles === undefined ? {} : { useIgnoreFiles: options.useIgnoreFiles }),
    accept: (path) => {
      if (isProjectConfigPath(path)) return true;
      const language = languageOfPath(path);
      if (language === undefined || (wanted !== undefined && !wanted.has(language))) return false;
      if (options.include !== undefined && !options.include(path)) return false;
      languages.set(path, language);
      progress.report('scan', languages.size);
      return true;
    },
  });
  const files = walk.files.filter((file) => languages.has(file.path));
  progress.report('scan', files.length, files.length, true);
  const configPaths = walk.files.filter((file) => isProjectConfigPath(file.path)).map((file) => file.path);
  return {
    root: walk.root,
    walk: walk.stats,
    files,
    languages,
    config: loadProjectConfig(walk.root, configPaths),
  };
}

/** Parses every scanned file, in worker threads unless `workers` is 0. */
async function parseSources(
  scan: ScannedSources,
  workers: number,
  fileBytesMax: number,
  progress: ProgressReporter,
): Promise<{ outcomes: Map<string, ParseOutcome>; fallback?: string }> {
  // Largest first: the long files start early and the small ones fill the gaps at the end.
  const jobs: ParseJob[] = scan.files
    .map((file) => ({
      path: file.path,
      absolutePath: join(scan.root, file.path),
      language: scan.languages.get(file.path) as LanguageId,
      bytes: file.size,
    }))
    .sort((left, right) => right.bytes - left.bytes || (left.path < right.path ? -1 : 1));
  const outcomes = new Map<string, ParseOutcome>();
  progress.report('parse', 0, jobs.length, true);
  const summary = await parseFiles(jobs, {
    workers,
    fileBytesMax,
    onOutcome: (outcome) => {
      outcomes.set(outcome.path, outcome);
      progress.report('parse', outcomes.size, jobs.length, outcomes.size === jobs.length);
    },
  });
  return { outcomes, ...summary };
}

async function assertDirectory(root: string): Promise<void> {
  try {
    if ((await stat(root)).isDirectory()) return;
  } catch (error) {
    throw new KausalError('NOT_FOUND', `cannot ingest ${root}: no such directory`, { cause: error });
  }
  throw invalidArgument(`cannot ingest ${root}: not a directory`);
}

function fileRecord(
  file: { path: string; size: number; mtimeMs: number },
  language: LanguageId,
  outcome: ParseOutcome | undefined,
): IngestedFile {
  const base = { path: file.path, language, size: file.size, mtimeMs: file.mtimeMs };
  if (outcome === undefined) {
    return { ...base, status: 'failed', reason: 'no outcome', entities: 0, calls: 0, syntaxErrors: 0 };
  }
  if (outcome.status !== 'parsed') {
    return {
      ...base,
      status: outcome.status,
      reason: outcome.reason,
      entities: 0,
      calls: 0,
      syntaxErrors: 0,
    };
  }
  const facts = outcome.facts;
  return {
    ...base,
    status: 'parsed',
    entities: facts.entities.length,
    calls: facts.calls.length,
    syntaxErrors: facts.syntaxErrors,
  };
}

function summarize(
  walk: WalkStats,
  files: readonly IngestedFile[],
  scanMs: number,
  parseMs: number,
  resolve: ResolveStats,
): IngestStats {
  const skippedFiles = { binary: 0, minified: 0, 'too-large': 0, unreadable: 0, failed: 0 };
  let parsedFiles = 0;
  let filesWithSyntaxErrors = 0;
  let bytes = 0;
  for (const file of files) {
    bytes += file.size;
    if (file.status === 'parsed') parsedFiles++;
    else skippedFiles[file.status]++;
    if (file.syntaxErrors > 0) filesWithSyntaxErrors++;
  }
  return {
    walk,
    files: files.length,
    parsedFiles,
    filesWithSyntaxErrors,
    skippedFiles,
    bytes,
    scanMs: Math.round(scanMs),
    parseMs: Math.round(parseMs),
    resolve,
  };
}

/** Throttles progress events so a callback that renders cannot slow the run down. */
class ProgressReporter {
  private lastMs = 0;

  constructor(private readonly listener: ((progress: IngestProgress) => void) | undefined) {}

  report(phase: IngestPhase, done: number, total?: number, force = false): void {
    if (this.listener === undefined) return;
    const now = performance.now();
    if (!force && now - this.lastMs < progressIntervalMs) return;
    this.lastMs = now;
    this.listener(total === undefined ? { phase, done } : { phase, done, total });
  }
}
