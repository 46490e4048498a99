// The server load benchmark: a `kausal server` process on loopback owning a copy of the query
// benchmark's graph (over a million edges); 50 clients on their own connections run a seeded mix
// of find / show / trace in closed loops, for 30 s with the server otherwise idle, then for 30 s
// while the server runs `sync --force` of another workspace (a real code tree) back to back; then
// the syncs run alone with only a ping probe. A one-client phase gives the server's cost without
// queueing, and the same mix timed in process (before the server starts and after it stops, on
// the same database) is the baseline. Writes docs/benchmarks/server.md and server.json.
//
//   node --import tsx bench/server.bench.ts [--quick] [--clients N] [--seconds S] [--corpus rxjs|stdlib|DIR]
//     [--sync-workers N] [--cache-mb N] [--seed N] [--no-build] [--out DIR] [--profile]
// --profile: the server also writes a V8 CPU profile (bench/.work/server-*/profile/); the probe's
// stall records carry the profile's clock, so each stall can be looked up in it.
//   node --import tsx bench/server.bench.ts --render docs/benchmarks/server.json   (the .md again, from the .json)
// --quick: the small graph, 10 clients, 5 s phases (a smoke run). Everything is bounded: a window
// per phase, a cap on requests per phase, a timeout per request, a deadline for the whole run.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { limits } from '../src/core/limits.js';
import { SeededRng } from '../src/core/rng.js';
import { Database } from '../src/database.js';
import { SharedEntityCache } from '../src/query/shared-entity-cache.js';
import { KausalClient } from '../src/server/client.js';
import { serverParseWorkers } from '../src/server/server.js';
import { readRegistry } from '../src/workspace/records.js';
import { buildCli } from './build-cli.js';
import { copyPythonStdlib } from './ingest/corpora.js';
import { benchDirectory } from './peers.js';
import { idsOf, type ModelIds } from './query/blocks.js';
import { fullModelSize, generateModel, quickModelSize, type CodeModel } from './query/graph-model.js';
import { currentLoad, loadKausal, openKausal, type LoadSummary } from './query/kausal-store.js';
import { drawSamples } from './query/samples.js';
import {
  latencyOf,
  runLoad,
  startPinger,
  syncBackToBack,
  watchThisProcess,
  type Latency,
  type SyncRun,
} from './server/load.js';
import { answerInProcess, mixKinds, nextQuery, poolOf, type MixKind, type QueryPool } from './server/mix.js';
import { renderReport, type PhaseReport, type ServerReport } from './server/report.js';
import { ServerProcess } from './server/server-process.js';
import { freePort } from '../src/testing/free-port.js';

const repository = join(benchDirectory, '..');

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    clients: { type: 'string' },
    'think-ms': { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    'sync-only-seconds': { type: 'string' },
    corpus: { type: 'string' },
    'sync-workers': { type: 'string' },
    'cache-mb': { type: 'string' },
    profile: { type: 'boolean' },
    seed: { type: 'string' },
    'no-build': { type: 'boolean' },
    out: { type: 'string' },
    render: { type: 'string' },
  },
});
const quick = values.quick === true;
const seed = Number(values.seed ?? 42);
const settings = {
  clients: Number(values.clients ?? (quick ? 10 : 50)),
  warmupSeconds: Number(values.warmup ?? (quick ? 2 : 5)),
  phaseSeconds: Number(values.seconds ?? (quick ? 5 : 30)),
  syncOnlySeconds: Number(values['sync-only-seconds'] ?? (quick ? 5 : 15)),
  /** The block cache of the server and of the in-process baseline: the server's default. */
  cacheMiB: Number(values['cache-mb'] ?? limits.serverBlockCacheBytesDefault / 2 ** 20),
  /** The one-client reference phase. */
  singleSeconds: quick ? 3 : 10,
  /** Requests per phase at most: far above what this machine serves in a window. */
  requestsMax: 2_000_000,
  requestTimeoutMs: 10_000,
  syncTimeoutMs: 15 * 60_000,
  pingIntervalMs: 50,
  /** Event-loop stalls (probe timer this late) are logged individually from this length on. */
  stallMs: 50,
  /** Entities queries are drawn from (uniformly random over the graph). */
  poolSize: quick ? 5_000 : 50_000,
  inProcessQueries: quick ? 1_000 : 4_000,
  inProcessWarmup: quick ? 200 : 500,
  /** The whole run, setup included; past it the server is killed and the run fails. */
  deadlineMs: 40 * 60_000,
};
/**
 * Mean pause of each client between an answer and its next request (exponentially distributed):
 * 0, the default, is a closed loop that saturates the server; a pause offers a load below its
 * capacity, where latency shows the server's own cost rather than the queue of 50 clients.
 */
const thinkMs = Number(values['think-ms'] ?? 0);
if (!(Number.isFinite(thinkMs) && thinkMs >= 0)) throw new Error('--think-ms must be a number ≥ 0');
for (const [name, value] of Object.entries(settings)) {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`--${name} must be a positive number`);
}
/** Parse workers each sync asks for; by default the server's own default. */
const syncWorkers = values['sync-workers'] === undefined ? undefined : Number(values['sync-workers']);
if (syncWorkers !== undefined && !(Number.isInteger(syncWorkers) && syncWorkers >= 0)) {
  throw new Error('--sync-workers must be an integer ≥ 0');
}
const size = quick ? quickModelSize : fullModelSize;
const sizeName = quick ? 'quick' : 'full';
const work = join(benchDirectory, '.work', `server-${sizeName}-${seed}`);
const outDirectory = values.out ?? join(repository, 'docs', 'benchmarks');
/** The query benchmark's database of the same graph, reused (copied) when it is there. */
const queryCache = join(benchDirectory, '.work', `query-${sizeName}-${seed}`);

function build(): string {
  if (values['no-build'] === true) {
    if (!existsSync(join(repository, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is missing: build first');
    return 'not rebuilt (--no-build)';
  }
  log('building dist/ and the CLI bundle ...');
  buildCli();
  return 'rebuilt from the working tree';
}

function gitState(): { commit: string; dirtySourceFiles: number } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repository,
      encoding: 'utf8',
    });
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: repository,
      encoding: 'utf8',
    });
    return {
      commit: commit.trim(),
      dirtySourceFiles: dirty.split('\n').filter((line) => line !== '').length,
    };
  } catch {
    return { commit: 'unknown', dirtySourceFiles: 0 };
  }
}

/** The graph's database, copied fresh for this run (the server's syncs write into it). */
function prepareDatabase(
  model: CodeModel,
  ids: ModelIds,
): { directory: string; source: string; load: LoadSummary } {
  let source = join(queryCache, 'kausaldb');
  let load = currentLoad(join(queryCache, 'kausaldb.json'));
  let sourceName = `a copy of the query benchmark's database (${source.slice(repository.length + 1)})`;
  if (load === undefined) {
    source = join(work, 'source');
    sourceName = `built for this benchmark (${source.slice(repository.length + 1)})`;
    load = currentLoad(join(work, 'source.json'));
    if (load === undefined) {
      rmSync(source, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      log(`graph: writing ${model.entityCount} entities and ${model.callSource.length} calls ...`);
      const db = openKausal(source, 256 * 1024 * 1024);
      load = loadKausal(db, model, ids);
      db.close();
      writeFileSync(join(work, 'source.json'), JSON.stringify(load));
      log(`graph: loaded in ${load.seconds.toFixed(1)} s`);
    }
  }
  if (existsSync(join(source, 'LOCK'))) {
    log(`warning: ${source} has a LOCK file (another benchmark may have it open); copying anyway`);
  }
  const directory = join(work, 'db');
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const started = performance.now();
  cpSync(source, directory, { recursive: true, filter: (path) => !path.endsWith('LOCK') });
  log(`graph: copied ${source} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { directory, source: sourceName, load };
}

function corpusPath(): { name: string; path: string } {
  const corpus = values.corpus ?? 'rxjs';
  if (corpus === 'rxjs') return { name: 'rxjs', path: join(repository, 'node_modules', 'rxjs', 'src') };
  if (corpus === 'stdlib') {
    return { name: 'stdlib', path: copyPythonStdlib(join(benchDirectory, '.work', 'server-stdlib')) };
  }
  return { name: 'corpus', path: resolve(corpus) };
}

interface InProcessRun {
  readonly label: string;
  readonly all: number[];
  readonly times: Map<MixKind, number[]>;
  readonly answerBytes: Readonly<Record<MixKind, number>>;
  readonly linkedWorkspaces: readonly string[];
  readonly openMs: number;
  readonly ownCores: number;
  readonly machineCores: number;
}

/**
 * The mix in process, one query at a time, on the database the server owns (with the same block
 * cache). The same seeded sequence every time it runs.
 */
function measureInProcess(directory: string, pool: QueryPool, label: string): InProcessRun {
  const watch = watchThisProcess();
  const started = performance.now();
  const db = Database.open(directory, { blockCacheBytes: settings.cacheMiB * 2 ** 20 });
  const openMs = performance.now() - started;
  // The entities shared by queries, as the server keeps them (src/service/service.ts).
  const context = { graph: db, entities: SharedEntityCache.following(db, limits.entityCacheBytesDefault) };
  try {
    const rng = new SeededRng(seed * 7919 + 1);
    const times = new Map<MixKind, number[]>(mixKinds.map((kind) => [kind, []]));
    const all: number[] = [];
    const bytes = new Map<MixKind, number[]>(mixKinds.map((kind) => [kind, []]));
    let notOk = 0;
    const total = settings.inProcessWarmup + settings.inProcessQueries;
    for (let index = 0; index < total; index++) {
      const query = nextQuery(rng, pool);
      const sent = performance.now();
      const { status } = answerInProcess(context, query);
      const elapsed = performance.now() - sent;
      if (status !== 'ok') notOk++;
      if (index < settings.inProcessWarmup) continue;
      all.push(elapsed);
      times.get(query.kind)?.push(elapsed);
    }
    const wallMs = performance.now() - started;
    // The size of the answers the server serialises (untimed, on a sample of the same mix).
    const sizing = new SeededRng(seed * 7919 + 2);
    for (let index = 0; index < 400; index++) {
      const query = nextQuery(sizing, pool);
      bytes.get(query.kind)?.push(Buffer.byteLength(JSON.stringify(answerInProcess(context, query))));
    }
    if (notOk > 0) log(`warning: ${notOk} in-process answers were not 'ok'`);
    const used = watch.stop();
    return {
      label,
      all,
      times,
      answerBytes: Object.fromEntries(
        mixKinds.map((kind) => {
          const sizes = bytes.get(kind) ?? [];
          return [kind, sizes.reduce((sum, value) => sum + value, 0) / Math.max(1, sizes.length)];
        }),
      ) as Record<MixKind, number>,
      linkedWorkspaces: readRegistry(db),
      openMs,
      ownCores: used.cpuMs / Math.max(1, wallMs),
      machineCores: used.machineBusy * cpus().length,
    };
  } finally {
    db.close();
  }
}

/** The baseline: the runs before and after the server, pooled (their spread is the machine's noise). */
function pooled(runs: readonly InProcessRun[]): ServerReport['inProcess'] {
  const first = runs[0] as InProcessRun;
  return {
    queries: runs.reduce((sum, run) => sum + run.all.length, 0),
    overall: latencyOf(runs.flatMap((run) => run.all)),
    byKind: Object.fromEntries(
      mixKinds.map((kind) => [kind, latencyOf(runs.flatMap((run) => run.times.get(kind) ?? []))]),
    ) as Record<MixKind, Latency>,
    answerBytes: first.answerBytes,
    openMs: first.openMs,
    runs: runs.map((run) => ({
      label: run.label,
      latency: latencyOf(run.all),
      ownCores: run.ownCores,
      machineCores: run.machineCores,
    })),
  };
}

async function connectAll(port: number, count: number): Promise<KausalClient[]> {
  const clients: KausalClient[] = [];
  for (let index = 0; index < count; index++) {
    clients.push(await KausalClient.connect({ host: '127.0.0.1', port, timeoutMs: 10_000 }));
  }
  return clients;
}

function loadNow(): number {
  return loadavg()[0] ?? 0;
}

async function main(): Promise<void> {
  const runStarted = Date.now();
  const loadAtStart = loadavg();
  const buildNote = build();
  const git = gitState();
  log(`graph: ${size.modules} modules × ${size.entitiesPerModule}, ${size.calls} calls, seed ${seed}`);
  const model = generateModel(size, seed);
  const ids = idsOf(model);
  const pool = poolOf(model, ids, drawSamples(model, settings.poolSize, 0, seed + 11));
  const database = prepareDatabase(model, ids);
  const corpus = corpusPath();

  const inProcessRuns: InProcessRun[] = [];
  const baseline = (label: string): void => {
    log(`in process (${label}): ${settings.inProcessQueries} queries of the mix ...`);
    const run = measureInProcess(database.directory, pool, label);
    const latency = latencyOf(run.all);
    log(
      `in process (${label}): p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, mean ${latency.mean.toFixed(2)} ms`,
    );
    inProcessRuns.push(run);
  };
  baseline('before the server');

  const port = await freePort();
  log(`server: starting on 127.0.0.1:${port} ...`);
  const serverStarted = performance.now();
  const server = await ServerProcess.start({
    dataDirectory: database.directory,
    port,
    workDirectory: work,
    stallMs: settings.stallMs,
    cacheMiB: settings.cacheMiB,
    ...(values.profile === true ? { profileDirectory: join(work, 'profile') } : {}),
  });
  const serverStartMs = performance.now() - serverStarted;
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: killing the server (pid ${server.pid})`);
    server.kill();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const deadline = setTimeout(
    () => {
      log(`deadline of ${settings.deadlineMs / 60_000} min passed: killing the server and failing`);
      server.kill();
      process.exit(2);
    },
    settings.deadlineMs - (Date.now() - runStarted),
  );
  deadline.unref();

  const clients: KausalClient[] = [];
  try {
    const control = await KausalClient.connect({ host: '127.0.0.1', port, timeoutMs: 10_000 });
    const pinger = await KausalClient.connect({ host: '127.0.0.1', port, timeoutMs: 10_000 });
    clients.push(control, pinger);
    const queryClients = await connectAll(port, settings.clients);
    clients.push(...queryClients);

    log(`link: ${corpus.path} as '${corpus.name}' through the server ...`);
    const link = await control.request('link', { root: corpus.path, name: corpus.name });
    log(`link: ${link.files.total} files, ${link.blocks.total} blocks in ${link.durationMs} ms`);

    const load = {
      pool,
      thinkMs,
      requestsMax: settings.requestsMax,
      timeoutMs: settings.requestTimeoutMs,
    };
    log(`warm-up: ${settings.warmupSeconds} s, ${settings.clients} clients ...`);
    const warmup = await runLoad(queryClients, { ...load, seconds: settings.warmupSeconds, seed: seed + 1 });
    await server.snapshot('warmup');

    const phases: PhaseReport[] = [];
    const queryPhase = async (
      name: PhaseReport['name'],
      phaseClients: readonly KausalClient[],
      seconds: number,
      phaseSeed: number,
    ): Promise<void> => {
      const withSync = name === 'sync';
      log(
        `${name}: ${seconds} s, ${phaseClients.length} clients${withSync ? ', sync --force back to back' : ''} ...`,
      );
      const watch = watchThisProcess();
      const startedAt = Date.now();
      const windowEnd = startedAt + seconds * 1000;
      const syncs = withSync
        ? syncBackToBack(
            control,
            corpus.name,
            () => Date.now() < windowEnd,
            settings.syncTimeoutMs,
            syncWorkers,
          )
        : undefined;
      const ping = startPinger(pinger, settings.pingIntervalMs, settings.requestTimeoutMs);
      const result = await runLoad(phaseClients, { ...load, seconds, seed: phaseSeed });
      const pings = await ping.stop();
      const endedAt = Date.now();
      const probe = await server.snapshot(name);
      const client = watch.stop();
      const loadEnd = loadNow();
      let syncRuns: SyncRun[] | undefined;
      if (syncs !== undefined) {
        log('sync: waiting for the last sync to finish ...');
        syncRuns = await syncs;
        await server.snapshot(`${name}-tail`);
      }
      phases.push({
        name,
        startedAt,
        endedAt,
        load: result,
        ping: { ...latencyOf(pings.times), errors: pings.errors },
        ...(probe === undefined ? {} : { server: probe }),
        client,
        loadAverage: loadEnd,
        ...(syncRuns === undefined ? {} : { syncs: syncRuns }),
      });
      log(
        `${name}: ${result.completed} requests, ${result.throughput.toFixed(0)} req/s, p50 ${result.latency.p50.toFixed(1)} ms, p99 ${result.latency.p99.toFixed(1)} ms, errors ${JSON.stringify(result.errors)}${syncRuns === undefined ? '' : `, ${syncRuns.length} syncs`}`,
      );
    };
    // One client first: the round trip without queueing, the reference for the server's own cost.
    await queryPhase('single', queryClients.slice(0, 1), settings.singleSeconds, seed + 4);
    await queryPhase('idle', queryClients, settings.phaseSeconds, seed + 2);
    await queryPhase('sync', queryClients, settings.phaseSeconds, seed + 3);

    log(`sync alone: ${settings.syncOnlySeconds} s of syncs with only the ping probe ...`);
    const watch = watchThisProcess();
    const startedAt = Date.now();
    const windowEnd = startedAt + settings.syncOnlySeconds * 1000;
    const ping = startPinger(pinger, settings.pingIntervalMs, settings.requestTimeoutMs);
    const syncRuns = await syncBackToBack(
      control,
      corpus.name,
      () => Date.now() < windowEnd,
      settings.syncTimeoutMs,
      syncWorkers,
    );
    const pings = await ping.stop();
    const endedAt = Date.now();
    const probe = await server.snapshot('sync-only');
    const syncOnly = {
      startedAt,
      endedAt,
      ping: { ...latencyOf(pings.times), errors: pings.errors },
      ...(probe === undefined ? {} : { server: probe }),
      client: watch.stop(),
      loadAverage: loadNow(),
      syncs: syncRuns,
    };
    log(`sync alone: ${syncRuns.length} syncs, ping p99 ${syncOnly.ping.p99.toFixed(1)} ms`);
    const finalPing = await control.request('ping', {});

    for (const client of clients) await client.close();
    clients.length = 0;
    log('server: SIGTERM ...');
    const shutdown = await server.stop();
    log(`server: exited with ${shutdown.code ?? shutdown.signal} in ${shutdown.ms.toFixed(0)} ms`);
    const stalls = server.stalls();
    if (shutdown.code === 0) baseline('after the server');

    const report: ServerReport = {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg(),
      command: `npm run bench:server${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      build: buildNote,
      git,
      settings: { ...settings, seed, quick, syncWorkers: syncWorkers ?? serverParseWorkers() },
      graph: {
        entities: model.entityCount,
        calls: model.callSource.length,
        blocks: database.load.blocks,
        edges: database.load.edges,
        source: database.source,
        linkedWorkspaces: inProcessRuns[0]?.linkedWorkspaces ?? [],
      },
      corpus: {
        name: corpus.name,
        path: corpus.path.startsWith(repository) ? corpus.path.slice(repository.length + 1) : corpus.path,
        files: link.files.total,
        blocks: link.blocks.total,
        edges: link.edges.total,
        linkMs: link.durationMs,
      },
      serverStartMs,
      inProcess: pooled(inProcessRuns),
      warmup: { completed: warmup.completed, throughput: warmup.throughput, errors: warmup.errors },
      phases,
      syncOnly,
      stalls,
      serverRequests: finalPing.server?.requests ?? 0,
      shutdown,
    };
    mkdirSync(outDirectory, { recursive: true });
    const name = quick ? 'server-quick' : 'server';
    const markdown = renderReport(report);
    writeFileSync(join(outDirectory, `${name}.md`), markdown);
    writeFileSync(join(outDirectory, `${name}.json`), reportJson(report));
    process.stdout.write(markdown);
    if (shutdown.code !== 0) {
      throw new Error(`the server exited with ${shutdown.code ?? shutdown.signal}; see ${server.logFile}`);
    }
  } finally {
    for (const client of clients) await client.close().catch(() => undefined);
    if (server.alive) {
      log('server: still running after a failure; stopping it');
      const stopped = await server.stop();
      log(`server: exited with ${stopped.code ?? stopped.signal}${stopped.killed ? ' (killed)' : ''}`);
    }
    clearTimeout(deadline);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The report as JSON, one stall record a line (there are hundreds). */
function reportJson(report: ServerReport): string {
  const { stalls, ...rest } = report;
  const marker = '"(stalls)"';
  const lines = stalls.map((stall) => `    ${JSON.stringify(stall)}`).join(',\n');
  return `${JSON.stringify({ ...rest, stalls: '(stalls)' }, null, 2).replace(marker, () => (stalls.length === 0 ? '[]' : `[\n${lines}\n  ]`))}\n`;
}

function renderOnly(path: string): void {
  const report = JSON.parse(readFileSync(path, 'utf8')) as ServerReport;
  writeFileSync(path, reportJson(report));
  const markdown = renderReport(report);
  writeFileSync(path.replace(/\.json$/, '.md'), markdown);
  process.stdout.write(markdown);
}

(values.render === undefined ? main() : Promise.resolve(renderOnly(values.render))).catch(
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
