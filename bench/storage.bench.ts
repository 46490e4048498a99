// The storage benchmark: our engine side by side with lmdb, classic-level (LevelDB) and
// better-sqlite3 on one workload, in one run. Each engine and run gets its own child process
// (bench/storage/runner.ts) so peak RSS is per engine; results are folded into medians and written
// to docs/benchmarks/storage.md and storage.json.
//
//   node --import tsx bench/storage.bench.ts [--runs N] [--quick] [--engines a,b] [--out DIR]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDirectory, ensurePeersInstalled, peerNames } from './peers.js';
import type { InstallOutcome } from './peers.js';
import type { RunnerOutcome, RunnerRequest } from './storage/protocol.js';
import { outcomeMarker } from './storage/protocol.js';
import type { Machine } from './storage/report.js';
import { renderReport } from './storage/report.js';
import type { EngineName } from './storage/store.js';
import { engineNames, isEngineName } from './storage/store.js';
import { summarise } from './storage/summary.js';
import { fullSize, quickSize } from './storage/workload.js';

const repositoryDirectory = join(benchDirectory, '..');
const runnerPath = join(benchDirectory, 'storage', 'runner.ts');
const workDirectory = join(benchDirectory, '.work');
const runsMax = 20;
/** A child that takes longer than this is killed and counted as failed, so the benchmark ends. */
const runnerTimeoutMs = { full: 30 * 60 * 1000, quick: 5 * 60 * 1000 };
const baseSeed = 0x5eed;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

interface Options {
  readonly runs: number;
  readonly quick: boolean;
  readonly engines: readonly EngineName[];
  readonly outDirectory: string;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      engines: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  const runs = values.runs === undefined ? (quick ? 1 : 3) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > runsMax) {
    throw new Error(`--runs must be an integer from 1 to ${runsMax}, got ${values.runs ?? ''}`);
  }
  const engines = values.engines === undefined ? [...engineNames] : values.engines.split(',');
  const unknown = engines.filter((name) => !isEngineName(name));
  if (unknown.length > 0)
    throw new Error(`unknown engine(s) ${unknown.join(', ')}; known: ${engineNames.join(', ')}`);
  // A quick smoke run must not replace the published figures unless asked to.
  const outDirectory =
    values.out ?? (quick ? workDirectory : join(repositoryDirectory, 'docs', 'benchmarks'));
  return { runs, quick, engines: engines.filter(isEngineName), outDirectory };
}

/** Runs one engine once in a child process and returns its outcome; never throws. */
function runChild(engine: EngineName, request: RunnerRequest, timeoutMs: number): Promise<RunnerOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runnerPath, engine, JSON.stringify(request)], {
      cwd: repositoryDirectory,
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: timeoutMs,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (error) => resolve({ status: 'failed', engine, error: error.message }));
    child.on('close', (code, signal) => {
      rmSync(request.directory, { recursive: true, force: true });
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(outcomeMarker));
      if (line !== undefined) return resolve(JSON.parse(line.slice(outcomeMarker.length)) as RunnerOutcome);
      const how =
        signal === null ? `exit code ${code ?? '?'}` : `signal ${signal} (time limit ${timeoutMs} ms?)`;
      resolve({ status: 'failed', engine, error: `runner ended with ${how} and no outcome` });
    });
  });
}

function describeMachine(loadAverageAtStart: number): Machine {
  const git = (args: string[]) => spawnSync('git', args, { cwd: repositoryDirectory, encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'src']).stdout.trim() !== '';
  const commit = head.status === 0 ? head.stdout.trim() : 'no commit yet';
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${osType()} ${release()}`,
    commit: dirty ? `${commit} + local changes in src/` : commit,
    loadAverage: { start: loadAverageAtStart, end: loadavg()[0] ?? 0 },
  };
}

function readAnalysis(): string | undefined {
  const path = join(benchDirectory, 'storage', 'analysis.md');
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadAverageAtStart = loadavg()[0] ?? 0;
  if (loadAverageAtStart > cpus().length / 2) {
    log(
      `warning: load average ${loadAverageAtStart.toFixed(2)} on ${cpus().length} cores; figures will be noisy`,
    );
  }
  const size = options.quick ? quickSize : fullSize;
  const command = ['node --import tsx bench/storage.bench.ts', ...process.argv.slice(2)].join(' ');
  const wantsPeers = options.engines.some((engine) => (peerNames as readonly string[]).includes(engine));
  const install: InstallOutcome = wantsPeers ? ensurePeersInstalled(log) : { installed: false };
  mkdirSync(workDirectory, { recursive: true });

  const outcomes: RunnerOutcome[] = [];
  const unavailable = new Set<EngineName>();
  const timeoutMs = options.quick ? runnerTimeoutMs.quick : runnerTimeoutMs.full;
  for (let run = 0; run < options.runs; run++) {
    // Rotate the order so no engine always runs first (cold page cache) or last.
    const order = options.engines.map((_, index) => options.engines[(index + run) % options.engines.length]);
    for (const engine of order) {
      if (engine === undefined || unavailable.has(engine)) continue;
      log(`run ${run + 1}/${options.runs}: ${engine}`);
      const directory = join(workDirectory, `storage-${engine}-${process.pid}-${run}`);
      const outcome = await runChild(engine, { size, seed: baseSeed + run, directory }, timeoutMs);
      if (outcome.status !== 'ok')
        log(`  [${engine}] ${outcome.status}: ${outcome.error.split('\n')[0] ?? ''}`);
      if (outcome.status === 'unavailable') unavailable.add(engine);
      // Write back this child's dirty pages now rather than during the next engine's timed phases.
      spawnSync('sync');
      outcomes.push(outcome);
    }
  }

  const summaries = options.engines.map((engine) => summarise(engine, outcomes));
  const generatedAt = new Date().toISOString();
  const machine = describeMachine(loadAverageAtStart);
  const report = renderReport({
    generatedAt,
    command,
    machine,
    size,
    runs: options.runs,
    quick: options.quick,
    install,
    summaries,
    analysis: readAnalysis(),
  });
  mkdirSync(options.outDirectory, { recursive: true });
  const json = { generatedAt, command, machine, size, runs: options.runs, quick: options.quick, install };
  writeFileSync(join(options.outDirectory, 'storage.md'), report);
  writeFileSync(
    join(options.outDirectory, 'storage.json'),
    `${JSON.stringify({ ...json, summaries, outcomes }, null, 2)}\n`,
  );
  log(`wrote ${join(options.outDirectory, 'storage.md')} and storage.json`);
}

await main();
