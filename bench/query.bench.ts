// The query benchmark: a power-law code graph of over a million edges written through Database,
// then find / callers / callees / trace / path timed in process, side by side with the same
// queries on SQLite (better-sqlite3), and the end-to-end time of single CLI processes. Writes
// docs/benchmarks/query.md and query.json.
//
//   node --import tsx bench/query.bench.ts [--quick] [--seed N] [--rebuild] [--out DIR]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BlockId } from '../src/core/block-id.js';
import { limits } from '../src/core/limits.js';
import type { QueryContext } from '../src/query/answer.js';
import { find } from '../src/query/find.js';
import { findPaths } from '../src/query/paths.js';
import { SharedEntityCache } from '../src/query/shared-entity-cache.js';
import { show } from '../src/query/show.js';
import { trace } from '../src/query/trace.js';
import { buildCli } from './build-cli.js';
import { benchDirectory, ensurePeersInstalled, installedPeerVersion, loadPeer } from './peers.js';
import { diskBytes, quantile } from './storage/measure.js';
import { idsOf, type ModelIds } from './query/blocks.js';
import {
  fileOf,
  fullModelSize,
  generateModel,
  qualifiedNameOf,
  quickModelSize,
  type CodeModel,
} from './query/graph-model.js';
import { currentLoad, loadKausal, openKausal } from './query/kausal-store.js';
import { readIntoPageCache } from './query/page-cache.js';
import { renderReport, type CliRow, type GraphShape, type QueryRow } from './query/report.js';
import { drawSamples, type Samples } from './query/samples.js';
import { loadSqlite, openSqlite, sqliteQueries, type SqliteQueries } from './query/sqlite-store.js';
import { summarise, timeQueries, type Timing } from './query/timing.js';

const repository = join(benchDirectory, '..');
const cacheBytes = 256 * 1024 * 1024;
/** One CLI query process, end to end (issue #6). */
const cliTargetMs = 150;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    seed: { type: 'string' },
    rebuild: { type: 'boolean' },
    out: { type: 'string' },
    'cli-runs': { type: 'string' },
  },
});
const quick = values.quick === true;
const seed = Number(values.seed ?? 42);
const size = quick ? quickModelSize : fullModelSize;
const counts = quick
  ? { point: 300, heavy: 100, pairs: 60, warmup: 30, steady: 2_000, cli: Number(values['cli-runs'] ?? 5) }
  : {
      point: 2_000,
      heavy: 500,
      pairs: 200,
      warmup: 200,
      steady: 20_000,
      cli: Number(values['cli-runs'] ?? 20),
    };
const work = join(benchDirectory, '.work', `query-${quick ? 'quick' : 'full'}-${seed}`);
const outDirectory = values.out ?? join(repository, 'docs', 'benchmarks');

function degreeStats(model: CodeModel): Pick<GraphShape, 'inDegree' | 'outDegree'> {
  const inDegree = new Int32Array(model.entityCount);
  const outDegree = new Int32Array(model.entityCount);
  for (let call = 0; call < model.callSource.length; call++) {
    const target = model.callTarget[call] ?? 0;
    const source = model.callSource[call] ?? 0;
    inDegree[target] = (inDegree[target] ?? 0) + 1;
    outDegree[source] = (outDegree[source] ?? 0) + 1;
  }
  const stats = (degrees: Int32Array): { p50: number; p99: number; max: number } => ({
    p50: quantile(degrees, 0.5),
    p99: quantile(degrees, 0.99),
    max: quantile(degrees, 1),
  });
  return { inDegree: stats(inDegree), outDegree: stats(outDegree) };
}

/** Builds the KausalDB copy unless one of the same model is already there (`--rebuild` forces). */
function prepareKausal(
  model: CodeModel,
  ids: ModelIds,
): { directory: string; load: ReturnType<typeof loadKausal> } {
  const directory = join(work, 'kausaldb');
  const marker = join(work, 'kausaldb.json');
  const kept = values.rebuild === true ? undefined : currentLoad(marker);
  if (kept !== undefined) return { directory, load: kept };
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(`kausaldb: writing ${model.entityCount} entities and ${model.callSource.length} calls ...`);
  const db = openKausal(directory, cacheBytes);
  const load = loadKausal(db, model, ids);
  db.close();
  writeFileSync(marker, JSON.stringify(load));
  log(`kausaldb: loaded in ${load.seconds.toFixed(1)} s`);
  return { directory, load };
}

interface QueryInputs {
  readonly ids: ModelIds;
  readonly samples: Samples;
  readonly model: CodeModel;
}

/** The steady state's inputs: entities to warm up on, then other timed inputs than the first run's. */
interface SteadyInputs {
  readonly warm: Int32Array;
  readonly inputs: QueryInputs;
}

/**
 * Each query gets its own slice of the sampled entities, so one query never runs on entities a
 * previous query just pulled into the cache (trace depth 5 after trace depth 3 would look cheap).
 */
function inputsFor(inputs: QueryInputs): {
  names: string[];
  callers: BlockId[];
  callees: BlockId[];
  trace3: BlockId[];
  trace5: BlockId[];
  pairs: [BlockId, BlockId][];
} {
  const { entities } = inputs.samples;
  let next = 0;
  const take = (count: number): Int32Array => entities.subarray(next, (next += count));
  const idsOf = (slice: Int32Array): BlockId[] =>
    Array.from(slice, (entity) => inputs.ids.entities[entity] as BlockId);
  return {
    names: Array.from(take(counts.point), (entity) => inputs.model.names[entity] as string),
    callers: idsOf(take(counts.point)),
    callees: idsOf(take(counts.point)),
    trace3: idsOf(take(counts.heavy)),
    trace5: idsOf(take(counts.heavy)),
    pairs: inputs.samples.pairs.map(([from, to]) => [
      inputs.ids.entities[from] as BlockId,
      inputs.ids.entities[to] as BlockId,
    ]),
  };
}

function measureKausal(context: QueryContext, inputs: QueryInputs): Record<string, Timing> {
  const { warmup } = counts;
  const sets = inputsFor(inputs);
  return {
    find: timeQueries(sets.names, warmup, (name) => find(context, { name })),
    callers: timeQueries(sets.callers, warmup, (target) => show(context, { target, relation: 'callers' })),
    callees: timeQueries(sets.callees, warmup, (target) => show(context, { target, relation: 'callees' })),
    trace3: timeQueries(sets.trace3, warmup, (target) =>
      trace(context, { target, direction: 'callees', depth: 3 }),
    ),
    trace5: timeQueries(sets.trace5, warmup, (target) =>
      trace(context, { target, direction: 'callees', depth: 5 }),
    ),
    path: timeQueries(sets.pairs, Math.min(warmup, sets.pairs.length >> 2), ([from, to]) =>
      findPaths(context, { from, to, maxDepth: 6 }),
    ),
  };
}

/**
 * Brings a database to the state a long-lived process reaches: for each of `entities` (other
 * random entities than the timed ones), find its name and show its callers and callees; every
 * tenth, trace its callees to depth 3. `run` answers one such query on one engine.
 */
function warmUp(
  entities: Int32Array,
  inputs: QueryInputs,
  run: (query: 'find' | 'callers' | 'callees' | 'trace3', id: BlockId, name: string) => unknown,
): number {
  const started = performance.now();
  entities.forEach((entity, index) => {
    const id = inputs.ids.entities[entity] as BlockId;
    const name = inputs.model.names[entity] as string;
    run('find', id, name);
    run('callers', id, name);
    run('callees', id, name);
    if (index % 10 === 0) run('trace3', id, name);
  });
  return (performance.now() - started) / 1000;
}

function warmKausal(context: QueryContext, entities: Int32Array, inputs: QueryInputs): number {
  return warmUp(entities, inputs, (query, target, name) => {
    if (query === 'find') return find(context, { name });
    if (query === 'trace3') return trace(context, { target, direction: 'callees', depth: 3 });
    return show(context, { target, relation: query });
  });
}

function warmSqlite(queries: SqliteQueries, entities: Int32Array, inputs: QueryInputs): number {
  return warmUp(entities, inputs, (query, id, name) => {
    if (query === 'find') return queries.find(name, 10);
    if (query === 'trace3') return queries.trace(id, 3, 200);
    return query === 'callers' ? queries.callers(id, 100) : queries.callees(id, 100);
  });
}

function measureSqlite(queries: SqliteQueries, inputs: QueryInputs): Record<string, Timing> {
  const { warmup } = counts;
  const sets = inputsFor(inputs);
  return {
    find: timeQueries(sets.names, warmup, (name) => queries.find(name, 10)),
    callers: timeQueries(sets.callers, warmup, (id) => queries.callers(id, 100)),
    callees: timeQueries(sets.callees, warmup, (id) => queries.callees(id, 100)),
    trace3: timeQueries(sets.trace3, warmup, (id) => queries.trace(id, 3, 200)),
    trace5: timeQueries(sets.trace5, warmup, (id) => queries.trace(id, 5, 200)),
    path: timeQueries(sets.pairs, Math.min(warmup, sets.pairs.length >> 2), ([from, to]) =>
      queries.path(from, to, 6, 3),
    ),
  };
}

function cliTarget(model: CodeModel, samples: Samples): string {
  const entity = samples.entities[0] ?? 0;
  return `${fileOf(model, Math.floor(entity / model.size.entitiesPerModule))}:${qualifiedNameOf(model, entity)}`;
}

function measureCli(directory: string, model: CodeModel, samples: Samples): CliRow[] {
  buildCli();
  const target = cliTarget(model, samples);
  const binary = join(repository, 'bin', 'kausal.js');
  // References first, then the queries the issue bounds (see cliTargetMs).
  const references: [string, string[]][] = [
    ['node -e 0 (Node start-up alone)', ['-e', '0']],
    ['kausal version (start-up + CLI modules)', [binary, 'version']],
  ];
  const queries: [string, string[]][] = [
    [
      'kausal find --name <name>',
      [binary, 'find', '--name', model.names[samples.entities[0] ?? 0] as string, '--data-dir', directory],
    ],
    [
      'kausal show --relation callers --target <file:name>',
      [binary, 'show', '--relation', 'callers', '--target', target, '--data-dir', directory],
    ],
    [
      'kausal trace --direction callees --target <file:name> --depth 3',
      [
        binary,
        'trace',
        '--direction',
        'callees',
        '--target',
        target,
        '--depth',
        '3',
        '--data-dir',
        directory,
      ],
    ],
  ];
  const timed = (command: string, args: readonly string[]): CliRow['timing'] => {
    const times: number[] = [];
    for (let run = 0; run < counts.cli + 1; run++) {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      const elapsed = performance.now() - started;
      if (result.status !== 0) throw new Error(`${command} exited ${result.status}: ${result.stderr}`);
      if (run > 0) times.push(elapsed); // the first run warms the OS page cache
    }
    return summarise(times);
  };
  return [
    ...references.map(([command, args]) => ({ command, timing: timed(command, args) })),
    ...queries.map(([command, args]) => ({ command, timing: timed(command, args), targetMs: cliTargetMs })),
  ];
}

/** The phases of one query process, each the median over fresh processes (bench/query/cli-phases.mjs). */
function measureCliPhases(directory: string, target: string): Record<string, number> {
  const script = join(benchDirectory, 'query', 'cli-phases.mjs');
  const runs: Record<string, number>[] = [];
  for (let run = 0; run < counts.cli; run++) {
    const result = spawnSync(process.execPath, [script, directory, target], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`cli-phases exited ${result.status}: ${result.stderr}`);
    runs.push(JSON.parse(result.stdout) as Record<string, number>);
  }
  const phases: Record<string, number> = {};
  for (const phase of ['importStorage', 'open', 'importQuery', 'query', 'close', 'metadataBytes']) {
    phases[phase] = quantile(
      runs.map((run) => run[phase] ?? 0),
      0.5,
    );
  }
  return phases;
}

interface SqliteOutcome {
  timings?: Record<string, Timing>;
  steady?: Record<string, Timing>;
  warmSeconds?: number;
  seconds?: number;
  bytes?: number;
  version?: string;
  error?: string;
}

function sqliteSide(
  model: CodeModel,
  ids: ModelIds,
  inputs: QueryInputs,
  steady: SteadyInputs,
): SqliteOutcome {
  const install = ensurePeersInstalled(log);
  try {
    const module = loadPeer('better-sqlite3');
    const directory = join(work, 'sqlite');
    const marker = join(work, 'sqlite.json');
    let seconds: number;
    if (values.rebuild === true || !existsSync(marker)) {
      rmSync(directory, { recursive: true, force: true });
      log('sqlite: loading the same graph ...');
      const db = openSqlite(module, directory, cacheBytes);
      seconds = loadSqlite(db, model, ids);
      db.close();
      writeFileSync(marker, JSON.stringify({ seconds }));
    } else {
      seconds = (JSON.parse(readFileSync(marker, 'utf8')) as { seconds: number }).seconds;
    }
    readIntoPageCache(directory);
    const queries = sqliteQueries(openSqlite(module, directory, cacheBytes));
    log('sqlite: measuring ...');
    const timings = measureSqlite(queries, inputs);
    log('sqlite: warming up, then measuring the steady state ...');
    const warmSeconds = warmSqlite(queries, steady.warm, steady.inputs);
    const steadyTimings = measureSqlite(queries, steady.inputs);
    queries.close();
    return {
      timings,
      steady: steadyTimings,
      warmSeconds,
      seconds,
      bytes: diskBytes(directory),
      version: `better-sqlite3 ${installedPeerVersion('better-sqlite3') ?? '?'}`,
    };
  } catch (error) {
    return {
      error: `${error instanceof Error ? error.message : String(error)}${install.error === undefined ? '' : ` (install: ${install.error.split('\n')[0]})`}`,
    };
  }
}

/** The files a module loads before it runs: itself and its static imports, transitively. */
function staticBundle(directory: string, entry: string): { files: number; bytes: number } {
  const seen = new Set<string>();
  let bytes = 0;
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(directory, file), 'utf8');
    bytes += Buffer.byteLength(text);
    // esbuild writes static imports as `from "./chunk.js"` or `import "./chunk.js"`; dynamic ones,
    // loaded only by the commands that need them, as `import("./…")`, which this leaves out.
    for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([^"]+)"/g)) visit(match[1] as string);
  };
  visit(entry);
  return { files: seen.size, bytes };
}

function main(): void {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  log(`model: ${size.modules} modules × ${size.entitiesPerModule}, ${size.calls} calls, seed ${seed}`);
  const model = generateModel(size, seed);
  const ids = idsOf(model);
  const samples = drawSamples(model, counts.point * 3 + counts.heavy * 2, counts.pairs, seed + 1);
  const inputs = { ids, samples, model };
  const steadyInputs: SteadyInputs = {
    warm: drawSamples(model, counts.steady, 0, seed + 2).entities,
    inputs: {
      ids,
      model,
      samples: drawSamples(model, counts.point * 3 + counts.heavy * 2, counts.pairs, seed + 3),
    },
  };
  const kausal = prepareKausal(model, ids);

  readIntoPageCache(kausal.directory);
  const db = openKausal(kausal.directory, cacheBytes);
  const tables = db.stats().tables;
  log('kausaldb: measuring ...');
  const ours = measureKausal({ graph: db }, inputs);
  log('kausaldb: warming up, then measuring the steady state ...');
  const warmSeconds = warmKausal({ graph: db }, steadyInputs.warm, inputs);
  const steady = measureKausal({ graph: db }, steadyInputs.inputs);
  const steadyCacheBytes = db.stats().blockCacheBytes;
  db.close();
  log('kausaldb: measuring again with a shared entity cache ...');
  const longLived = openKausal(kausal.directory, cacheBytes);
  const entities = SharedEntityCache.following(longLived, limits.entityCacheBytesDefault);
  const shared = measureKausal({ graph: longLived, entities }, inputs);
  const entityCache = entities.stats();
  warmKausal({ graph: longLived, entities }, steadyInputs.warm, inputs);
  const steadyShared = measureKausal({ graph: longLived, entities }, steadyInputs.inputs);
  longLived.close();
  const opens: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    const again = openKausal(kausal.directory, cacheBytes);
    opens.push(performance.now() - started);
    again.close();
  }
  log('cli: measuring ...');
  const cli = measureCli(kausal.directory, model, samples);
  const phases = measureCliPhases(kausal.directory, cliTarget(model, samples));
  const theirs = sqliteSide(model, ids, inputs, steadyInputs);

  const what: Record<string, [string, string, string | undefined]> = {
    find: ['find', 'exact name, first 10', undefined],
    callers: ['callers', '`show --relation callers`, depth 1', '< 1 ms'],
    callees: ['callees', '`show --relation callees`, depth 1', '< 1 ms'],
    trace3: ['trace depth 3', '`trace --direction callees --depth 3`', undefined],
    trace5: ['trace depth 5', '`trace --direction callees --depth 5`', '< 10 ms'],
    path: ['path', '`path`, up to 3 shortest, depth ≤ 6', undefined],
  };
  const queries: QueryRow[] = Object.entries(ours).map(([key, timing]) => {
    const [name, description, target] = what[key] ?? [key, key, undefined];
    const sqlite = theirs.timings?.[key];
    return {
      name,
      what: description,
      kausal: timing,
      ...(shared[key] === undefined ? {} : { kausalShared: shared[key] }),
      ...(sqlite === undefined ? {} : { sqlite }),
      steady: {
        kausal: steady[key] as Timing,
        kausalShared: steadyShared[key] as Timing,
        ...(theirs.steady?.[key] === undefined ? {} : { sqlite: theirs.steady[key] }),
      },
      ...(target === undefined ? {} : { target }),
    };
  });
  const distinctNames = new Set(model.names).size;
  const shape: GraphShape = {
    entities: model.entityCount,
    blocks: kausal.load.blocks,
    callEdges: model.callSource.length,
    allEdges: kausal.load.edges,
    indexOperations: kausal.load.indexOperations,
    distinctNames,
    ...degreeStats(model),
    kausalLoadSeconds: kausal.load.seconds,
    ...(theirs.seconds === undefined ? {} : { sqliteLoadSeconds: theirs.seconds }),
    kausalTables: tables,
    kausalBytes: diskBytes(kausal.directory),
    ...(theirs.bytes === undefined ? {} : { sqliteBytes: theirs.bytes }),
  };
  const report = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    load,
    ...(theirs.version === undefined ? {} : { sqliteVersion: theirs.version }),
    ...(theirs.error === undefined ? {} : { sqliteError: theirs.error }),
    shape,
    queries,
    entityCache,
    steady: {
      warmEntities: counts.steady,
      kausalWarmSeconds: warmSeconds,
      ...(theirs.warmSeconds === undefined ? {} : { sqliteWarmSeconds: theirs.warmSeconds }),
      blockCacheBytes: steadyCacheBytes,
    },
    cli,
    open: { timing: summarise(opens), metadataBytes: phases['metadataBytes'] ?? 0, phases },
    bundle: staticBundle(join(repository, 'dist', 'cli-bundle'), 'main.js'),
    command: `npm run bench:query${quick ? ' -- --quick' : ''}`,
  };
  mkdirSync(outDirectory, { recursive: true });
  const name = quick ? 'query-quick' : 'query';
  writeFileSync(join(outDirectory, `${name}.md`), renderReport(report));
  writeFileSync(join(outDirectory, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(renderReport(report));
}

main();
