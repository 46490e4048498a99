// The simulator's command line.
//   One seed:          npm run sim -- --seed 42 --ops 2000
//   Many fresh seeds:  npm run sim -- --seeds 1000 [--ops 1000] [--jobs 2]
//   A planted bug:     npm run sim -- --seed 42 --ops 2000 --bug skipWalSync
// Fresh seeds are derived from the clock and printed; every failure prints the one command that
// replays it, and the exit code is 1 when any seed failed. Seeds run in worker threads (one per
// core by default); each run is deterministic whichever worker takes it.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { PlantedBugs } from '../src/storage/options.js';
import { runSimulation, sumCounters, type SimulationReport } from '../src/testing/simulator/index.js';

interface Job {
  readonly seeds: readonly number[];
  readonly operations: number;
  readonly plantedBugs: PlantedBugs;
  readonly traceSteps: number;
}

const plantedBugNames = [
  'skipWalSync',
  'dropTombstonesInCompaction',
  'installTableBeforeSync',
  'ignoreChecksums',
  'reuseArenaWhileHeld',
] as const;

const usage = 'usage: npm run sim -- --seed S [--ops N] | --seeds K [--ops N] [--jobs J]  [--bug NAME]...';

if (isMainThread) main();
else runJob(workerData as Job);

function runJob(job: Job): void {
  for (const seed of job.seeds) {
    const report = runSimulation({ seed, ...job });
    parentPort?.postMessage(report);
  }
}

function main(): void {
  const values = parseOptions();
  const operations = integer('ops', values.ops, 10_000_000) ?? 1000;
  const traceSteps = integer('trace', values.trace, 1_000_000) ?? 12;
  const plantedBugs = parseBugs(values.bug ?? []);
  const single = integer('seed', values.seed, 0xffff_ffff);
  const many = integer('seeds', values.seeds, 1_000_000);
  if (single !== undefined) {
    runSingle({ seeds: [single], operations, plantedBugs, traceSteps }, values.verbose === true);
  } else if (many !== undefined) {
    const jobs = integer('jobs', values.jobs, 64) ?? availableParallelism();
    runMany(many, Math.max(1, jobs), { operations, plantedBugs, traceSteps }, values.verbose === true);
  } else {
    console.error(usage);
    process.exit(2);
  }
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        seed: { type: 'string' },
        seeds: { type: 'string' },
        ops: { type: 'string', default: '1000' },
        jobs: { type: 'string' },
        bug: { type: 'string', multiple: true, default: [] },
        trace: { type: 'string', default: '12' },
        verbose: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    // An unknown or malformed option (--help included): the usage, not a stack trace.
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    process.exit(2);
  }
}

function runSingle(job: Job, verbose: boolean): void {
  const started = performance.now();
  const report = runSimulation({ seed: job.seeds[0] as number, ...job });
  if (verbose || report.ok) console.log(`configuration: ${report.configuration}`);
  printCounters(
    `seed ${report.seed}, ${job.operations} ops: ${report.ok ? 'ok' : 'FAILED'}`,
    sumCounters([report]),
  );
  console.log(`trace hash ${report.traceHash.toString(16)}, ${seconds(started)} s`);
  if (!report.ok) {
    printFailure(report);
    process.exit(1);
  }
}

function runMany(count: number, jobs: number, job: Omit<Job, 'seeds'>, verbose: boolean): void {
  const started = performance.now();
  // Fresh seeds on every run, from the clock; the base is printed so the batch can be re-derived.
  const base = (Date.now() ^ Math.floor(performance.now() * 1000)) >>> 0;
  const seeds = Array.from(
    { length: count },
    (_, index) => (Math.imul(base, 2654435761) + index * 40503) >>> 0,
  );
  console.log(`running ${count} seeds (base ${base}), ${job.operations} ops each, on ${jobs} workers`);
  const reports: SimulationReport[] = [];
  const workers = Math.min(jobs, count);
  let finished = 0;
  for (let index = 0; index < workers; index += 1) {
    const share = seeds.filter((_, position) => position % workers === index);
    // Node 20 does not apply the parent's --import hooks to a worker's entry module, so the worker
    // registers tsx itself before loading this script.
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
    const worker = new Worker(bootstrap, { eval: true, workerData: { ...job, seeds: share } });
    worker.on('message', (report: SimulationReport) => {
      reports.push(report);
      if (!report.ok) printFailure(report);
      else if (verbose) console.log(`ok seed ${report.seed}`);
    });
    worker.on('error', (error) => {
      console.error(`worker failed: ${error.stack ?? error.message}`);
      process.exitCode = 1;
    });
    worker.on('exit', () => {
      finished += 1;
      if (finished === workers) summarize(reports, count, started);
    });
  }
}

function summarize(reports: SimulationReport[], count: number, started: number): void {
  const failed = reports.filter((report) => !report.ok);
  printCounters(`totals over ${reports.length} seeds:`, sumCounters(reports));
  console.log(`${reports.length - failed.length} passed, ${failed.length} failed in ${seconds(started)} s`);
  for (const report of failed) console.log(`  ${report.replay}`);
  if (failed.length > 0 || reports.length !== count) process.exitCode = 1;
}

function printFailure(report: SimulationReport): void {
  console.log(`\nFAIL seed ${report.seed}: ${report.failure?.message ?? ''}`);
  console.log(`  configuration: ${report.configuration}`);
  for (const line of report.failure?.trace ?? []) console.log(`  ${line}`);
  console.log(`  replay: ${report.replay}`);
}

function printCounters(title: string, counters: Record<string, number>): void {
  console.log(title);
  for (const [key, value] of Object.entries(counters)) console.log(`  ${key.padEnd(34)} ${value}`);
}

function parseBugs(names: readonly string[]): PlantedBugs {
  const bugs: Record<string, boolean> = {};
  for (const name of names) {
    if (!(plantedBugNames as readonly string[]).includes(name)) {
      console.error(`unknown --bug ${name}; one of ${plantedBugNames.join(', ')}`);
      process.exit(2);
    }
    bugs[name] = true;
  }
  return bugs as PlantedBugs;
}

function integer(name: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    console.error(`--${name} must be an integer from 0 to ${max}, got ${text}`);
    process.exit(2);
  }
  return value;
}

function seconds(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(1);
}
