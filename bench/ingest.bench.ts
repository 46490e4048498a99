// Cold ingestion throughput and peak memory on three corpora:
//   (a) rxjs's TypeScript sources (node_modules/rxjs/src),
//   (b) Python's standard library (without site-packages),
//   (c) every .js file under this project's node_modules.
// Each run is a fresh Node process (new worker threads, no caches), so the numbers include
// process start, grammar loading and JIT warm-up. Peak RSS is the process's maximum resident set
// (all threads). Prints a markdown table; `--runs N` (default 3) reports the median run.
//
// `--floor` instead measures the parser alone (tree-sitter parse of every file, one thread, no
// extraction or resolution): the lower bound for any tree-sitter based ingestion of that corpus.
//
//   node --import tsx bench/ingest.bench.ts [--runs 3] [--workers N] [--corpus rxjs|python|node_modules]
//   node --import tsx bench/ingest.bench.ts --floor
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import {
  defaultSkippedDirectories,
  ingestDirectory,
  languageOfPath,
  languagePlugins,
  walkDirectory,
  type IngestOptions,
  type LanguageId,
} from '../src/ingest/index.js';

interface Corpus {
  readonly name: string;
  readonly label: string;
  root(): string;
  readonly options: Omit<IngestOptions, 'workspace' | 'workers'>;
}

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

const corpora: readonly Corpus[] = [
  {
    name: 'rxjs',
    label: '(a) rxjs 7.8.2 `src/` (TypeScript)',
    root: () => `${projectRoot}node_modules/rxjs/src`,
    options: {},
  },
  {
    name: 'python',
    label: '(b) Python standard library (no site-packages)',
    root: () =>
      execFileSync('python3', ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"])
        .toString()
        .trim(),
    options: { skipDirectories: [...defaultSkippedDirectories, 'site-packages'], languages: ['python'] },
  },
  {
    name: 'node_modules',
    label: '(c) every `.js` file in `node_modules`',
    root: () => `${projectRoot}node_modules`,
    // Nested node_modules and dist folders are part of this corpus, and no ignore files apply.
    options: {
      skipDirectories: ['.git'],
      useIgnoreFiles: false,
      languages: ['javascript'],
      include: (path) => path.endsWith('.js'),
    },
  },
];

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

function median(runs: readonly RunResult[]): RunResult {
  const sorted = [...runs].sort((left, right) => left.totalMs - right.totalMs);
  return sorted[Math.floor(sorted.length / 2)] as RunResult;
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Parse-only CPU time of a corpus in this thread, after one warm-up pass over its first files. */
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
  const sources = walk.files.map((file) => ({
    path: file.path,
    text: readFileSync(join(walk.root, file.path), 'utf8'),
  }));
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
  for (const source of sources.slice(0, 50)) parse(source);
  const before = process.cpuUsage();
  for (const source of sources) parse(source);
  const used = process.cpuUsage(before);
  const bytes = sources.reduce((sum, source) => sum + Buffer.byteLength(source.text), 0);
  return { files: sources.length, bytes, cpuMs: (used.user + used.system) / 1000 };
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
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${mib(totalmem())} MiB RAM, Node ${process.version}`,
  );
  const workersFlag = workers === undefined ? '' : ` --workers ${workers}`;
  console.log(`Command: node --import tsx bench/ingest.bench.ts --runs ${runs}${workersFlag}`);
  console.log(
    `Load average before: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}\n`,
  );
  console.log(
    '| corpus | files | MiB | wall s | files/s | MiB/s | CPU s | files per CPU-s | scan / parse / resolve ms | blocks | edges | calls resolved / external / other | syntax-error files | skipped | peak RSS MiB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const corpus of corpora) {
    if (only !== '' && corpus.name !== only) continue;
    const results: RunResult[] = [];
    for (let run = 0; run < runs; run++) results.push(runChild(corpus, workers));
    const result = median(results);
    const seconds = result.totalMs / 1000;
    const other = result.callSites - result.resolvedCalls - result.externalCalls;
    const peak = Math.max(...results.map((entry) => entry.peakRssBytes));
    console.log(
      `| ${corpus.label} | ${result.files} | ${mib(result.bytes)} | ${seconds.toFixed(2)} | ${(result.parsedFiles / seconds).toFixed(0)} | ` +
        `${(result.bytes / 2 ** 20 / seconds).toFixed(1)} | ${(result.cpuMs / 1000).toFixed(2)} | ` +
        `${(result.parsedFiles / (result.cpuMs / 1000)).toFixed(0)} | ${result.scanMs} / ${result.parseMs} / ${result.resolveMs} | ` +
        `${result.blocks} | ${result.edges} | ${result.resolvedCalls} / ${result.externalCalls} / ${other} | ` +
        `${result.syntaxErrorFiles} | ${result.skipped} | ${mib(peak)} |`,
    );
  }
  console.log(
    `\nLoad average after: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
}

await main();
