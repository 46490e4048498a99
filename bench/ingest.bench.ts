// Cold ingestion throughput and peak memory on three corpora (bench/ingest/corpora.ts):
//   (a) rxjs's TypeScript sources (node_modules/rxjs/src),
//   (b) Python's standard library (without site-packages),
//   (c) every .js file under this project's node_modules.
// Two measurements, each run in a fresh process (new worker threads, no caches), so the numbers
// include process start, grammar loading and JIT warm-up:
//   - `kausal link`: the CLI, as a user runs it, into a new data directory: walk, parse in
//     workers, resolve, and write blocks, edges, name index and stored facts to the database;
//   - ingestDirectory in process: the same walk, parse and resolve without a database, which
//     shows what the write costs.
// Peak RSS is the process's maximum resident set (all threads). Medians of `--runs N` (default 3).
// Writes docs/benchmarks/ingest-throughput.md (and .json).
//
// `--floor` instead measures the parser alone (tree-sitter parse of every file, one thread, no
// extraction or resolution): the lower bound for any tree-sitter based ingestion of that corpus.
//
//   node --import tsx bench/ingest.bench.ts [--runs 3] [--workers N] [--corpus rxjs|python|node_modules]
//   node --import tsx bench/ingest.bench.ts --floor
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import {
  ingestDirectory,
  languageOfPath,
  languagePlugins,
  walkDirectory,
  type LanguageId,
} from '../src/ingest/index.js';
import { looksMinified } from '../src/ingest/parse/source-text.js';
import type { SyncReport } from '../src/workspace/index.js';
import { buildCli } from './build-cli.js';
import { corpora, projectRoot, type Corpus } from './ingest/corpora.js';

interface RunResult {
  readonly files: number;
  readonly parsedFiles: number;
  readonly bytes: number;
  readonly totalMs: number;
  /** CPU time of every thread of the process during ingestion (user + system). */
  readonly cpuMs: number;
  readonly scanMs: number;
  readonly parseMs: number;
  readonly resolveMs: number;
  readonly blocks: number;
  readonly edges: number;
  readonly callSites: number;
  readonly resolvedCalls: number;
  readonly externalCalls: number;
  readonly syntaxErrorFiles: number;
  readonly skipped: number;
  readonly peakRssBytes: number;
}

async function child(corpusName: string, workers: number | undefined): Promise<void> {
  const corpus = corpora.find((candidate) => candidate.name === corpusName);
  if (corpus === undefined) throw new Error(`unknown corpus ${corpusName}`);
  const cpuBefore = process.resourceUsage();
  const started = performance.now();
  const result = await ingestDirectory(corpus.root(), {
    ...corpus.options,
    workspace: corpus.name,
    ...(workers === undefined ? {} : { workers }),
  });
  const totalMs = performance.now() - started;
  const cpuAfter = process.resourceUsage();
  const cpuMs =
    (cpuAfter.userCPUTime - cpuBefore.userCPUTime + cpuAfter.systemCPUTime - cpuBefore.systemCPUTime) / 1000;
  const resolve = result.stats.resolve;
  const resolvedCalls = Object.values(resolve.resolvedCalls).reduce((sum, count) => sum + count, 0);
  const output: RunResult = {
    files: result.stats.files,
    parsedFiles: result.stats.parsedFiles,
    bytes: result.stats.bytes,
    totalMs,
    cpuMs,
    scanMs: result.stats.scanMs,
    parseMs: result.stats.parseMs,
    resolveMs: resolve.durationMs,
    blocks: result.blocks.length,
    edges: result.edges.length,
    callSites: resolve.callSites,
    resolvedCalls,
    externalCalls: resolve.externalCalls,
    syntaxErrorFiles: result.stats.filesWithSyntaxErrors,
    skipped: result.stats.files - result.stats.parsedFiles + result.stats.walk.skippedLarge,
    // maxRSS is in KiB and covers every thread of the process.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

function runChild(corpus: Corpus, workers: number | undefined): RunResult {
  const self = fileURLToPath(import.meta.url);
  const workerArguments = workers === undefined ? [] : ['--workers', String(workers)];
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', self, '--child', corpus.name, ...workerArguments],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (result.status !== 0) throw new Error(`run on ${corpus.name} failed:\n${result.stderr}`);
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as RunResult;
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Parse-only CPU time of a corpus in this thread, after a warm-up pass over all of it. */
async function floor(corpus: Corpus): Promise<{ files: number; bytes: number; cpuMs: number }> {
  const root = corpus.root();
  const walk = await walkDirectory(root, {
    ...(corpus.options.skipDirectories === undefined
      ? {}
      : { skipDirectories: corpus.options.skipDirectories }),
    ...(corpus.options.useIgnoreFiles === undefined ? {} : { useIgnoreFiles: corpus.options.useIgnoreFiles }),
    accept: (path) => {
      const language = languageOfPath(path);
      if (language === undefined) return false;
      if (corpus.options.languages !== undefined && !corpus.options.languages.includes(language))
        return false;
      return corpus.options.include === undefined || corpus.options.include(path);
    },
  });
  // The files a link parses: minified JavaScript is skipped (src/ingest/workers/parse-job.ts).
  const sources = walk.files.flatMap((file) => {
    const bytes = readFileSync(join(walk.root, file.path));
    const language = languageOfPath(file.path) as LanguageId;
    return looksMinified(language, bytes) === undefined
      ? [{ path: file.path, text: bytes.toString('utf8') }]
      : [];
  });
  const languages = new Set(sources.map((source) => languageOfPath(source.path) as LanguageId));
  const parsers = new Map<LanguageId, Parser>();
  await Parser.init();
  for (const language of languages) {
    const grammar = languagePlugins.find((plugin) => plugin.id === language)?.grammar;
    if (grammar === undefined) continue;
    const packageJson = createRequire(import.meta.url).resolve(`${grammar.packageName}/package.json`);
    const parser = new Parser();
    parser.setLanguage(await Language.load(join(dirname(packageJson), grammar.wasmFile)));
    parsers.set(language, parser);
  }
  const parse = (source: { path: string; text: string }): void => {
    const text = source.text;
    parsers
      .get(languageOfPath(source.path) as LanguageId)
      ?.parse((index) => text.slice(index, index + 65_536))
      ?.delete();
  };
  // A whole pass first: the grammar's WebAssembly is compiled again by the optimising tier in
  // background threads while the first files parse, and that CPU is not the parser's steady cost.
  for (const source of sources) parse(source);
  const before = process.cpuUsage();
  for (const source of sources) parse(source);
  const used = process.cpuUsage(before);
  const bytes = sources.reduce((sum, source) => sum + Buffer.byteLength(source.text), 0);
  return { files: sources.length, bytes, cpuMs: (used.user + used.system) / 1000 };
}

interface LinkRun {
  readonly report: SyncReport;
  /** Spawn to exit, as the user waits for it. */
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssBytes: number;
}

/** One `kausal link` process on the corpus's link directory, into a new data directory. */
function runLink(corpus: Corpus, root: string): LinkRun {
  const scratch = mkdtempSync(join(tmpdir(), 'kausal-ingest-'));
  const usageFile = join(scratch, 'usage.json');
  try {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        join(projectRoot, 'bench/ingest/exit-usage.mjs'),
        join(projectRoot, 'bin/kausal.js'),
        'link',
        '--path',
        root,
        '--name',
        corpus.name,
        '--data-dir',
        join(scratch, 'db'),
        '--json',
      ],
      { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, KAUSAL_BENCH_USAGE: usageFile } },
    );
    const wallMs = performance.now() - started;
    if (result.status !== 0) throw new Error(`kausal link of ${corpus.name} failed:\n${result.stderr}`);
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { peakRssBytes: number; cpuMs: number };
    return { report: JSON.parse(result.stdout) as SyncReport, wallMs, ...usage };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function medianBy<T>(runs: readonly T[], key: (run: T) => number): T {
  const sorted = [...runs].sort((left, right) => key(left) - key(right));
  return sorted[Math.floor(sorted.length / 2)] as T;
}

async function main(): Promise<void> {
  if (process.argv.includes('--floor')) {
    console.log('| corpus | files | MiB | parse-only CPU s (one thread) | files per CPU-s | MiB per CPU-s |');
    console.log('|---|---|---|---|---|---|');
    for (const corpus of corpora) {
      const result = await floor(corpus);
      const seconds = result.cpuMs / 1000;
      console.log(
        `| ${corpus.label} | ${result.files} | ${(result.bytes / 2 ** 20).toFixed(1)} | ${seconds.toFixed(2)} | ` +
          `${(result.files / seconds).toFixed(0)} | ${(result.bytes / 2 ** 20 / seconds).toFixed(1)} |`,
      );
    }
    return;
  }
  // Without --workers, ingestion chooses (two workers, or this thread for small inputs).
  const workersArgument = argument('workers', '');
  const workers = workersArgument === '' ? undefined : Number(workersArgument);
  if (process.argv.includes('--child')) {
    await child(argument('child', ''), workers);
    return;
  }
  const runs = Number(argument('runs', '3'));
  const only = argument('corpus', '');
  const selected = corpora.filter((corpus) => only === '' || corpus.name === only);
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
  const load = (): string =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  buildCli(); // the link runs measure the working tree's code, as the CLI runs it (bundled)
  const loadBefore = load();
  const linkRows: string[] = [];
  const ingestRows: string[] = [];
  const summary: Record<string, unknown> = {};
  for (const corpus of selected) {
    const root = corpus.linkRoot();
    const links: LinkRun[] = [];
    const ingests: RunResult[] = [];
    // Interleaved, so a change in the machine's load touches both alike.
    for (let run = 0; run < runs; run++) {
      links.push(runLink(corpus, root));
      ingests.push(runChild(corpus, workers));
    }
    const link = medianBy(links, (run) => run.wallMs);
    const linkPeak = Math.max(...links.map((run) => run.peakRssBytes));
    const files = link.report.files.total - (link.report.files.skipped ?? 0);
    const linkSeconds = link.wallMs / 1000;
    const phases = link.report.phasesMs;
    linkRows.push(
      `| ${corpus.label} | ${link.report.files.total} | ${linkSeconds.toFixed(2)} | ${(files / linkSeconds).toFixed(0)} | ` +
        `${(link.cpuMs / 1000).toFixed(2)} | ${phases.scan} / ${phases.parse} / ${phases.resolve} / ${phases.write} | ` +
        `${link.report.blocks.total} | ${link.report.edges.total} | ${mib(linkPeak)} |`,
    );
    const result = medianBy(ingests, (run) => run.totalMs);
    const seconds = result.totalMs / 1000;
    const other = result.callSites - result.resolvedCalls - result.externalCalls;
    const peak = Math.max(...ingests.map((entry) => entry.peakRssBytes));
    ingestRows.push(
      `| ${corpus.label} | ${result.files} | ${mib(result.bytes)} | ${seconds.toFixed(2)} | ${(result.parsedFiles / seconds).toFixed(0)} | ` +
        `${(result.bytes / 2 ** 20 / seconds).toFixed(1)} | ${(result.cpuMs / 1000).toFixed(2)} | ` +
        `${(result.parsedFiles / (result.cpuMs / 1000)).toFixed(0)} | ${result.scanMs} / ${result.parseMs} / ${result.resolveMs} | ` +
        `${result.blocks} | ${result.edges} | ${result.resolvedCalls} / ${result.externalCalls} / ${other} | ` +
        `${result.syntaxErrorFiles} | ${result.skipped} | ${mib(peak)} |`,
    );
    summary[corpus.name] = {
      link: {
        wallMs: link.wallMs,
        cpuMs: link.cpuMs,
        phasesMs: phases,
        files: link.report.files,
        peakRssBytes: linkPeak,
      },
      linkWallMs: links.map((run) => Math.round(run.wallMs)),
      ingestDirectory: { ...result, peakRssBytes: peak },
      ingestWallMs: ingests.map((run) => Math.round(run.totalMs)),
    };
    console.log(`${corpus.name}: link ${linkSeconds.toFixed(2)} s, ingestDirectory ${seconds.toFixed(2)} s`);
  }
  const flags = [
    runs === 3 ? '' : `--runs ${runs}`,
    workers === undefined ? '' : `--workers ${workers}`,
    only === '' ? '' : `--corpus ${only}`,
  ].filter((flag) => flag !== '');
  const command = flags.length === 0 ? 'npm run bench:ingest' : `npm run bench:ingest -- ${flags.join(' ')}`;
  const lines = [
    '# Ingestion throughput',
    '',
    `Generated ${new Date().toISOString()} by \`${command}\`; ` +
      `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${mib(totalmem())} MiB RAM, Node ${process.version}; ` +
      `load average (1, 5, 15 min) ${loadBefore} before, ${load()} after. Medians of ${runs} runs, each a fresh process; ` +
      'the two measurements alternate. Corpora and how they are walked: bench/ingest/corpora.ts; ' +
      'the narrative, the parser floor and the accuracy of the edges: [ingest.md](ingest.md).',
    '',
    '## Cold `kausal link`',
    '',
    '`node bin/kausal.js link --path P --name N --data-dir D --json` into a new data directory: the',
    'CLI as a user runs it (bundled), from spawn to exit. Files/s counts the files parsed (not those',
    'skipped as too large). CPU is every thread of the process (parse workers included); peak RSS',
    'is the largest of the runs. Phases as the link reports them, in ms.',
    '',
    '| corpus | files | wall s | files/s | CPU s | scan / parse / resolve / write ms | blocks | edges | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---|---:|---:|---:|',
    ...linkRows,
    '',
    'Targets: at least 1,000 files/s; peak RSS under 1 GiB on (c).',
    '',
    '## In process, without the database',
    '',
    '`ingestDirectory` (walk, parse in workers, resolve; src/ingest/ingest-directory.ts) in a fresh',
    '`node --import tsx` process: what a link costs before anything is written.',
    '',
    '| corpus | files | MiB | wall s | files/s | MiB/s | CPU s | files per CPU-s | scan / parse / resolve ms | blocks | edges | calls resolved / external / other | syntax-error files | skipped | peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...ingestRows,
    '',
  ];
  const output = only === '' ? 'ingest-throughput' : `ingest-throughput-${only}`;
  writeFileSync(join(projectRoot, `docs/benchmarks/${output}.md`), lines.join('\n'));
  writeFileSync(
    join(projectRoot, `docs/benchmarks/${output}.json`),
    `${JSON.stringify({ generated: new Date().toISOString(), runs, summary }, null, 2)}\n`,
  );
  console.log(lines.join('\n'));
}

await main();
