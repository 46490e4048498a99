// The load benchmark's report: the requirement's table (throughput, latency, errors per phase),
// server against in-process ratios, a queueing check, where the CPU went, the syncs and the
// event-loop stalls they caused, and a short analysis computed from the same numbers.
import { limits } from '../../src/core/limits.js';
import type { Latency, LoadResult, ProcessWatch, SyncRun } from './load.js';
import { mixDescription, mixKinds, type MixKind } from './mix.js';
import type { ProbeSnapshot, Stall } from './server-process.js';

type ClientWatch = ReturnType<ProcessWatch['stop']>;
type Ping = Latency & { readonly errors: number };

export interface PhaseReport {
  /** single: one client (no queueing); idle: all clients; sync: all clients during syncs. */
  readonly name: 'single' | 'idle' | 'sync';
  readonly startedAt: number;
  readonly endedAt: number;
  readonly load: LoadResult;
  readonly ping: Ping;
  readonly server?: ProbeSnapshot;
  readonly client: ClientWatch;
  readonly loadAverage: number;
  readonly syncs?: readonly SyncRun[];
}

export interface SyncOnlyReport {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ping: Ping;
  readonly server?: ProbeSnapshot;
  readonly client: ClientWatch;
  readonly loadAverage: number;
  readonly syncs: readonly SyncRun[];
}

export interface ServerReport {
  readonly date: string;
  readonly machine: string;
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd: readonly number[];
  readonly command: string;
  readonly build: string;
  readonly git: { readonly commit: string; readonly dirtySourceFiles: number };
  readonly settings: {
    readonly clients: number;
    readonly warmupSeconds: number;
    readonly phaseSeconds: number;
    readonly syncOnlySeconds: number;
    readonly singleSeconds: number;
    readonly cacheMiB: number;
    readonly requestsMax: number;
    readonly requestTimeoutMs: number;
    readonly pingIntervalMs: number;
    readonly stallMs: number;
    readonly poolSize: number;
    readonly inProcessQueries: number;
    readonly seed: number;
    readonly quick: boolean;
    /** Parse worker threads of each sync. */
    readonly syncWorkers: number;
  };
  readonly graph: {
    readonly entities: number;
    readonly calls: number;
    readonly blocks: number;
    readonly edges: number;
    readonly source: string;
    readonly linkedWorkspaces: readonly string[];
  };
  readonly corpus: {
    readonly name: string;
    readonly path: string;
    readonly files: number;
    readonly blocks: number;
    readonly edges: number;
    readonly linkMs: number;
  };
  readonly serverStartMs: number;
  readonly inProcess: {
    readonly queries: number;
    readonly overall: Latency;
    readonly byKind: Readonly<Record<MixKind, Latency>>;
    readonly answerBytes: Readonly<Record<MixKind, number>>;
    readonly openMs: number;
    /** Each baseline run (before and after the server) alone, with the CPU it and the machine used. */
    readonly runs: readonly {
      readonly label: string;
      readonly latency: Latency;
      readonly ownCores: number;
      readonly machineCores: number;
    }[];
  };
  readonly warmup: {
    readonly completed: number;
    readonly throughput: number;
    readonly errors: Readonly<Record<string, number>>;
  };
  readonly phases: readonly PhaseReport[];
  readonly syncOnly: SyncOnlyReport;
  readonly stalls: readonly Stall[];
  readonly serverRequests: number;
  readonly shutdown: {
    readonly code: number | null;
    readonly signal: string | null;
    readonly ms: number;
    readonly killed: boolean;
  };
}

const targetP99Ms = 50;
const syncPhases = ['scan', 'parse', 'resolve', 'write'] as const;

const ms = (value: number): string =>
  !Number.isFinite(value)
    ? '–'
    : value >= 100
      ? value.toFixed(0)
      : value >= 10
        ? value.toFixed(1)
        : value.toFixed(2);
const times = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)}×` : '–');
const int = (value: number): string => Math.round(value).toLocaleString('en');
const percent = (value: number): string => `${(value * 100).toFixed(0)} %`;

function errorText(errors: Readonly<Record<string, number>>): string {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '0';
  return entries.map(([code, count]) => `${count} ${code}`).join(', ');
}

function errorTotal(errors: Readonly<Record<string, number>>): number {
  return Object.values(errors).reduce((sum, count) => sum + count, 0);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

function phaseTitle(name: string): string {
  if (name === 'single') return 'one client, idle (reference)';
  return name === 'idle' ? 'idle' : 'during `sync --force`';
}

/** Before a sync's first progress frame: a scan reports only every 500 files and at its end. */
const startLabel = 'scan, before its first progress frame';

/** The sync phases as time intervals (epoch ms), from the progress frames the client received. */
function phaseIntervals(syncs: readonly SyncRun[]): { label: string; from: number; to: number }[] {
  const intervals: { label: string; from: number; to: number }[] = [];
  for (const run of syncs) {
    const end = run.startedAt + run.wallMs;
    const first = run.phaseStarts[0]?.at ?? end;
    intervals.push({ label: startLabel, from: run.startedAt, to: first });
    run.phaseStarts.forEach((start, index) => {
      intervals.push({ label: start.phase, from: start.at, to: run.phaseStarts[index + 1]?.at ?? end });
    });
  }
  return intervals;
}

/**
 * Which sync phase (scan, parse, resolve, write) the event-loop stalls of one window fell in. A
 * stall is split over the phases it overlaps (its milliseconds go to each in proportion) and is
 * counted, with its length, in the phase it overlaps most; what overlaps no sync is "between syncs".
 */
export function stallsBySyncPhase(
  stalls: readonly Stall[],
  from: number,
  to: number,
  syncs: readonly SyncRun[],
): Map<string, { count: number; totalMs: number; maxMs: number }> {
  const table = new Map<string, { count: number; totalMs: number; maxMs: number }>();
  const entry = (label: string): { count: number; totalMs: number; maxMs: number } => {
    const found = table.get(label) ?? { count: 0, totalMs: 0, maxMs: 0 };
    table.set(label, found);
    return found;
  };
  const intervals = phaseIntervals(syncs);
  for (const stall of stalls) {
    if (stall.at < from || stall.at > to) continue;
    const stallEnd = stall.at + stall.ms;
    const overlaps = new Map<string, number>();
    let covered = 0;
    for (const interval of intervals) {
      const overlap = Math.min(stallEnd, interval.to) - Math.max(stall.at, interval.from);
      if (overlap <= 0) continue;
      overlaps.set(interval.label, (overlaps.get(interval.label) ?? 0) + overlap);
      covered += overlap;
    }
    if (covered < stall.ms) overlaps.set('between syncs', stall.ms - covered);
    let dominant = 'between syncs';
    let most = -1;
    for (const [label, overlap] of overlaps) {
      entry(label).totalMs += overlap;
      if (overlap > most) [dominant, most] = [label, overlap];
    }
    const counted = entry(dominant);
    counted.count++;
    counted.maxMs = Math.max(counted.maxMs, stall.ms);
  }
  return table;
}

function stallTable(table: Map<string, { count: number; totalMs: number; maxMs: number }>): string {
  const order = [startLabel, ...syncPhases, 'between syncs'];
  const rows = [...table.entries()]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(
      ([phase, entry]) =>
        `| ${phase} | ${entry.count} | ${int(entry.totalMs)} | ${entry.count === 0 ? '–' : int(entry.maxMs)} |`,
    );
  if (rows.length === 0) return '(none)\n';
  return `| sync phase | stalls (counted here) | stalled time here (ms) | longest (ms) |\n|---|---:|---:|---:|\n${rows.join('\n')}\n`;
}

function syncRow(label: string, syncs: readonly SyncRun[]): string {
  const done = syncs.filter((sync) => sync.error === undefined);
  const walls = done.map((sync) => sync.wallMs);
  const phase = (name: (typeof syncPhases)[number]): string =>
    ms(median(done.map((sync) => sync.phasesMs?.[name] ?? Number.NaN)));
  const failed = syncs.length - done.length;
  const range = walls.length > 1 ? ` (${int(Math.min(...walls))}–${int(Math.max(...walls))})` : '';
  return `| ${label} | ${syncs.length}${failed > 0 ? ` (${failed} failed)` : ''} | ${int(median(walls))}${range} | ${phase('scan')} | ${phase('parse')} | ${phase('resolve')} | ${phase('write')} |`;
}

function cores(cpuMs: number, wallMs: number): number {
  return cpuMs / Math.max(1, wallMs);
}

interface CpuRow {
  readonly label: string;
  readonly server?: ProbeSnapshot;
  readonly client: ClientWatch;
  readonly ping: Ping;
  readonly wallMs: number;
  readonly loadAverage: number;
}

function cpuRow(row: CpuRow, machineCores: number): string {
  const server = row.server;
  const serverCores =
    server === undefined ? Number.NaN : cores(server.cpuUserMs + server.cpuSystemMs, server.wallMs);
  const clientCores = cores(row.client.cpuMs, row.wallMs);
  const machine = row.client.machineBusy * machineCores;
  const others = Math.max(0, machine - serverCores - clientCores);
  const delay =
    server === undefined
      ? '–'
      : `${ms(server.delay.p50)} / ${ms(server.delay.p99)} / ${ms(server.delay.max)}`;
  return `| ${row.label} | ${serverCores.toFixed(2)} | ${server === undefined ? '–' : percent(server.elu)} | ${delay} | ${ms(row.ping.p50)} / ${ms(row.ping.p99)} / ${ms(row.ping.max)} | ${clientCores.toFixed(2)} | ${ms(row.client.loopDelayP99)} | ${machine.toFixed(2)} | ${others.toFixed(2)} | ${row.loadAverage.toFixed(1)} |`;
}

function gcRow(label: string, server: ProbeSnapshot | undefined): string {
  const gc = server?.gc;
  if (server === undefined || gc === undefined) return `| ${label} | – | – | – | – | – | – | – |`;
  const paused = gc.minor.totalMs + gc.major.totalMs + gc.other.totalMs;
  return `| ${label} | ${int(gc.minor.count)} | ${int(gc.minor.totalMs)} / ${ms(gc.minor.maxMs)} | ${int(gc.minor.long)} | ${int(gc.major.count)} | ${int(gc.major.totalMs)} / ${ms(gc.major.maxMs)} | ${int(gc.major.long)} | ${percent(paused / Math.max(1, server.wallMs))} |`;
}

export function renderReport(report: ServerReport): string {
  const s = report.settings;
  const machineCores = Number(/^(\d+)/.exec(report.machine)?.[1] ?? 2);
  const idle = report.phases.find((phase) => phase.name === 'idle');
  const sync = report.phases.find((phase) => phase.name === 'sync');
  const base = report.inProcess;
  const resultRows = report.phases.map((phase) => {
    const l = phase.load;
    const syncs = phase.syncs === undefined ? '' : ` (${phase.syncs.length} syncs)`;
    const verdict = phase.name === 'sync' ? (l.latency.p99 < targetP99Ms ? '✓' : '✗') : '';
    return `| ${phaseTitle(phase.name)}${syncs} | ${l.clients} | ${l.seconds.toFixed(1)} s | ${int(l.completed)} | ${int(l.throughput)} | ${ms(l.latency.p50)} | ${ms(l.latency.p90)} | ${ms(l.latency.p99)} | ${ms(l.latency.max)} | ${errorText(l.errors)} | ${verdict} |`;
  });
  const single = report.phases.find((phase) => phase.name === 'single');
  const measured = [single, idle, sync];
  const latencyRow = (label: string, inProc: Latency, pick: (phase: PhaseReport) => Latency): string => {
    const cells = measured.map((phase) => (phase === undefined ? undefined : pick(phase)));
    return `| ${label} | ${ms(inProc.p50)} | ${ms(inProc.p99)} | ${cells.map((cell) => `${ms(cell?.p50 ?? Number.NaN)} | ${ms(cell?.p99 ?? Number.NaN)}`).join(' | ')} |`;
  };
  const ratioRow = (label: string, inProc: Latency, pick: (phase: PhaseReport) => Latency): string => {
    const cells = measured.map((phase) => (phase === undefined ? undefined : pick(phase)));
    return `| ${label} | ${cells.map((cell) => `${times((cell?.p50 ?? Number.NaN) / inProc.p50)} | ${times((cell?.p99 ?? Number.NaN) / inProc.p99)}`).join(' | ')} |`;
  };
  const rowsOf = (render: typeof latencyRow): string[] => [
    render('**the mix**', base.overall, (phase) => phase.load.latency),
    ...mixKinds.map((kind) => render(`${kind}`, base.byKind[kind], (phase) => phase.load.byKind[kind])),
  ];
  const latencyRows = rowsOf(latencyRow);
  const ratioRows = rowsOf(ratioRow);
  const queueRows = report.phases.map((phase) => {
    const l = phase.load;
    const cpuPerRequest =
      phase.server === undefined
        ? Number.NaN
        : (phase.server.cpuUserMs + phase.server.cpuSystemMs) / Math.max(1, l.completed);
    return `| ${phaseTitle(phase.name)} | ${l.clients} | ${int(l.throughput)} | ${ms((l.clients / l.throughput) * 1000)} | ${ms(l.latency.mean)} | ${ms(1000 / l.throughput)} | ${ms(cpuPerRequest)} | ${ms(base.overall.mean)} |`;
  });
  const gcRows = [
    ...report.phases.map((phase) => gcRow(phaseTitle(phase.name), phase.server)),
    gcRow('sync alone (pings only)', report.syncOnly.server),
  ];
  const cpuRows = [
    ...report.phases.map((phase) =>
      cpuRow(
        {
          label: phaseTitle(phase.name),
          ...(phase.server === undefined ? {} : { server: phase.server }),
          client: phase.client,
          ping: phase.ping,
          wallMs: phase.endedAt - phase.startedAt,
          loadAverage: phase.loadAverage,
        },
        machineCores,
      ),
    ),
    cpuRow(
      {
        label: 'sync alone (pings only)',
        ...(report.syncOnly.server === undefined ? {} : { server: report.syncOnly.server }),
        client: report.syncOnly.client,
        ping: report.syncOnly.ping,
        wallMs: report.syncOnly.endedAt - report.syncOnly.startedAt,
        loadAverage: report.syncOnly.loadAverage,
      },
      machineCores,
    ),
  ];
  // Under load the syncs are few and differ a lot (how each one's scan interleaves with the
  // queries), so each gets a row; alone, the median of all.
  const syncRows = [
    ...(sync?.syncs ?? []).map((run, index) =>
      syncRow(`with the ${s.clients}-client query load, sync ${index + 1}`, [run]),
    ),
    syncRow('alone (pings only), median', report.syncOnly.syncs),
  ];
  const lastSyncEnd = (syncs: readonly SyncRun[] | undefined, fallback: number): number =>
    Math.max(fallback, ...(syncs ?? []).map((run) => run.startedAt + run.wallMs));
  const stallsAlone = stallsBySyncPhase(
    report.stalls,
    report.syncOnly.startedAt,
    lastSyncEnd(report.syncOnly.syncs, report.syncOnly.endedAt),
    report.syncOnly.syncs,
  );
  const stallsLoaded =
    sync === undefined
      ? new Map<string, { count: number; totalMs: number; maxMs: number }>()
      : stallsBySyncPhase(report.stalls, sync.startedAt, sync.endedAt, sync.syncs ?? []);
  const stallsIdle =
    idle === undefined
      ? new Map<string, { count: number; totalMs: number; maxMs: number }>()
      : stallsBySyncPhase(report.stalls, idle.startedAt, idle.endedAt, []);
  const idleStalls = stallsIdle.get('between syncs') ?? { count: 0, totalMs: 0, maxMs: 0 };
  const bytesRow = mixKinds
    .map((kind) => `${kind} ${int(report.inProcess.answerBytes[kind] / 1024)} KiB`)
    .join(', ');
  const linked =
    report.graph.linkedWorkspaces.length === 0
      ? 'It is not a linked workspace (no registry record: it was written through `Database.write`, not `kausal link`), which queries do not need; their answers report its freshness as unknown.'
      : `Linked workspaces in it before the run: ${report.graph.linkedWorkspaces.join(', ')}.`;
  const totalErrors = report.phases.reduce((sum, phase) => sum + errorTotal(phase.load.errors), 0);

  return `# Server load benchmark

Generated by \`${report.command}\` on ${report.date.slice(0, 16).replace('T', ' ')} UTC.
Machine: ${report.machine}; load average (1, 5, 15 min) ${report.loadAverageAtStart.map((value) => value.toFixed(2)).join(' ')} at the start, ${report.loadAverageAtEnd.map((value) => value.toFixed(2)).join(' ')} at the end.
Code: commit ${report.git.commit}${report.git.dirtySourceFiles > 0 ? ` with ${report.git.dirtySourceFiles} files under \`src/\` modified in the working tree (other work in progress)` : ''}; \`dist/\` ${report.build}.

Read absolute numbers with care: this is a shared ${machineCores}-core VM where other engineers'
builds and benchmarks run at the same time (the last columns of "Where the time goes" show how
much CPU other processes took), and the server, the ${s.clients} clients and the sync's parse
workers all share those ${machineCores} cores. Ratios to the in-process baseline, measured just
before and just after on the same database, are steadier than absolute values; repeated runs of
this benchmark differed by up to 2.5× in idle throughput and 3.5× in idle p99.

## Setup

- **Graph**: the query benchmark's synthetic codebase (\`bench/query/graph-model.ts\`, seed ${s.seed}):
  ${int(report.graph.entities)} functions and methods, ${int(report.graph.calls)} \`calls\` edges with a power-law degree
  distribution, ${int(report.graph.blocks)} blocks and ${int(report.graph.edges)} edges in all; ${report.graph.source}, copied
  afresh for every run because the syncs write into it. ${linked}
- **Server**: \`node bin/kausal.js server start --foreground --data-dir … --port … --cache-mb ${s.cacheMiB}\`
  on 127.0.0.1 (a ${s.cacheMiB} MiB block cache${s.cacheMiB * 2 ** 20 === limits.serverBlockCacheBytesDefault ? ", the server's default" : ''}, and the
  ${limits.entityCacheBytesDefault / 2 ** 20} MiB of decoded entities every server shares between queries), a separate process; it opened the database and listened
  ${int(report.serverStartMs)} ms after being spawned. A probe preloaded with \`node --import\`
  (\`bench/server/loop-probe.mjs\`) samples its event loop from inside; the server code is unchanged.
- **Clients**: ${s.clients} connections from the benchmark process (\`KausalClient\`), each a closed loop:
  send one request, await the answer, send the next. Latency is measured in the client from send
  to parsed answer. The mix, drawn from a seed over ${int(s.poolSize)} uniformly random entities (hubs and
  leaves as often as the graph has them): 40 % ${mixDescription.find}, 20 % ${mixDescription.callers},
  20 % ${mixDescription.callees}, 20 % ${mixDescription.trace3}; targets by block id.
  Mean answer size (JSON): ${bytesRow}.
- **Phases**: a ${s.warmupSeconds} s warm-up (${int(report.warmup.completed)} requests, errors: ${errorText(report.warmup.errors)}), ${s.singleSeconds} s with one client (a reference
  without queueing), then ${s.phaseSeconds} s idle with all ${s.clients},
  then ${s.phaseSeconds} s while \`sync --force\` of another workspace runs back to back (one at a time,
  from a separate connection, the next sent as soon as the previous answers, so the window is
  covered by syncing), then ${s.syncOnlySeconds} s of the same syncs with no query load (only the ping probe).
  A ping on its own connection every ${s.pingIntervalMs} ms measures the round trip throughout.
- **The other workspace**: ${report.corpus.name} (\`${report.corpus.path}\`): ${int(report.corpus.files)} files,
  ${int(report.corpus.blocks)} blocks, ${int(report.corpus.edges)} edges, linked through the server in ${int(report.corpus.linkMs)} ms before the warm-up.
- **Bounds**: at most ${int(s.requestsMax)} requests per phase, ${s.requestTimeoutMs / 1000} s per request (counted as a
  TIMEOUT error), a deadline for the whole run; the server is stopped with SIGTERM at the end and
  killed if anything fails.

## Results

| phase | clients | window | requests | throughput (req/s) | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | errors | p99 < ${targetP99Ms} ms |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|
${resultRows.join('\n')}

Target: zero errors (${totalErrors === 0 ? 'met' : `missed: ${totalErrors}`}); query p99 during a sync under ${targetP99Ms} ms (${sync === undefined ? 'not measured' : sync.load.latency.p99 < targetP99Ms ? 'met' : `missed: ${ms(sync.load.latency.p99)} ms`}).
Answers whose status was not \`ok\`: ${report.phases.map((phase) => `${phase.name} ${phase.load.notOk}`).join(', ')} (every target exists, so none are expected).
The server answered ${int(report.serverRequests)} requests in all. Shut down with SIGTERM: exit code ${report.shutdown.code ?? `none (signal ${report.shutdown.signal ?? '?'})`} after ${int(report.shutdown.ms)} ms${report.shutdown.killed ? ' (it had to be killed)' : ''}.

## Server against in process

In process: the same mix (another draw of the same seeded generator, after a warm-up) run one
query at a time with the query functions on \`Database.open\` of the same database (with the
same ${s.cacheMiB} MiB block cache as the server, and the same shared entity cache), once before the server was started and once after it stopped (it holds
the lock meanwhile); the ratios use both runs pooled (${int(base.queries)} queries). How far the two runs
differ shows how much the machine moved under us:

| baseline run | queries | p50 (ms) | p99 (ms) | mean (ms) | its CPU (cores) | machine busy (cores) |
|---|---:|---:|---:|---:|---:|---:|
${base.runs.map((run) => `| ${run.label} | ${int(run.latency.count)} | ${ms(run.latency.p50)} | ${ms(run.latency.p99)} | ${ms(run.latency.mean)} | ${run.ownCores.toFixed(2)} | ${run.machineCores.toFixed(2)} |`).join('\n')}

Through the server, latency includes the wire, JSON encoding and decoding and, with more than
one client, the wait for the other clients' requests. The one-client phase (${s.singleSeconds} s) shows the
server's own cost without that wait.

Latency (ms):

| query | in process p50 | in process p99 | 1 client p50 | 1 client p99 | ${s.clients} idle p50 | ${s.clients} idle p99 | ${s.clients} sync p50 | ${s.clients} sync p99 |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${latencyRows.join('\n')}

Ratio to in process:

| query | 1 client p50 | 1 client p99 | ${s.clients} idle p50 | ${s.clients} idle p99 | ${s.clients} sync p50 | ${s.clients} sync p99 |
|---|---:|---:|---:|---:|---:|---:|
${ratioRows.join('\n')}

Queries: ${mixKinds.map((kind) => `${kind} = ${mixDescription[kind]}`).join('; ')}.

## Queueing

With N clients in a closed loop and no pause between requests, the mean latency is N ÷ throughput
by construction (Little's law), so what decides latency is the server's time per request
(1 ÷ throughput); the server's CPU per request is the CPU time it used (all threads) over the
requests it answered.

| phase | clients | throughput (req/s) | clients ÷ throughput (ms) | measured mean (ms) | server time per request (ms) | server CPU per request (ms) | in-process mean (ms) |
|---|---:|---:|---:|---:|---:|---:|---:|
${queueRows.join('\n')}

## Where the time goes

Server CPU and event-loop numbers come from the probe inside the server process (CPU includes its
parse worker threads); "bench" is this benchmark's process (the clients); "machine" is the busy
share of all ${machineCores} cores over the phase, and "others" what neither took. Event-loop delay is how
late a 5 ms timer fired (p50 / p99 / max); with ${s.clients} requests queued, one turn of the loop answers
many of them before timers run, so under load it measures queueing as much as stalls.

| phase | server CPU (cores) | server event-loop busy | server loop delay ms (p50 / p99 / max) | ping ms (p50 / p99 / max) | bench CPU (cores) | bench loop delay p99 (ms) | machine busy (cores) | others (cores) | load avg |
|---|---:|---:|---|---|---:|---:|---:|---:|---:|
${cpuRows.join('\n')}

The server's garbage collector, from the same probe: its pauses of the main thread, when every
waiting query waits too. A scavenge (minor) copies what is still alive in the young generation, so
its length follows what the thread holds between two of them, not how much it allocated; a
mark-compact (major) marks mostly on other threads and pauses to finish.

| phase | scavenges | their pauses ms (total / longest) | ≥ 8 ms | mark-compacts | their pauses ms (total / longest) | ≥ 8 ms | share of the phase paused |
|---|---:|---|---:|---:|---|---:|---:|
${gcRows.join('\n')}

### The syncs

\`sync --force\` re-parses (in ${s.syncWorkers === 1 ? 'one parse worker thread' : `${s.syncWorkers} parse worker threads`}, the server's default on ${machineCores} cores), re-resolves and rewrites every file of ${report.corpus.name}.
Wall time as the client saw it, and the server's own phase times (ms):

| syncs | count | wall ms (min–max) | scan | parse | resolve | write |
|---|---:|---|---:|---:|---:|---:|
${syncRows.join('\n')}

Event-loop stalls of at least ${s.stallMs} ms (the probe's timer that late), by the sync phase they
fell in: phase boundaries are the progress frames as the client received them; a stall's
milliseconds are split over the phases it overlaps, and it is counted (with its length) in the
phase it overlaps most. With the syncs alone:

${stallTable(stallsAlone)}
During the ${s.phaseSeconds} s with the query load (where queueing alone also delays the timer):

${stallTable(stallsLoaded)}
For comparison, the idle phase had ${idleStalls.count} such delays (longest ${int(idleStalls.maxMs)} ms): queueing, no sync.

## Why

${analysis(report, idle, sync, stallsAlone, stallsLoaded)}
`;
}

function serverCores(phase: { readonly server?: ProbeSnapshot }): number {
  const server = phase.server;
  return server === undefined
    ? Number.NaN
    : (server.cpuUserMs + server.cpuSystemMs) / Math.max(1, server.wallMs);
}

function analysis(
  report: ServerReport,
  idle: PhaseReport | undefined,
  sync: PhaseReport | undefined,
  stallsAlone: Map<string, { count: number; totalMs: number; maxMs: number }>,
  stallsLoaded: Map<string, { count: number; totalMs: number; maxMs: number }>,
): string {
  if (idle === undefined || sync === undefined) return 'Incomplete run: no analysis.';
  const s = report.settings;
  const cores = report.machine.split(' ')[0] ?? '2';
  const base = report.inProcess.overall;
  const single = report.phases.find((phase) => phase.name === 'single');
  const perRequestIdle = 1000 / idle.load.throughput;
  const perRequestSync = 1000 / sync.load.throughput;
  const drop = 1 - sync.load.throughput / idle.load.throughput;
  const worstPhase = [...stallsAlone.entries()].sort(([, a], [, b]) => b.maxMs - a.maxMs)[0];
  const clientIdleCores = idle.client.cpuMs / Math.max(1, idle.endedAt - idle.startedAt);
  const budgetMs = targetP99Ms / s.clients;
  const starvedLoop = (idle.server?.elu ?? Number.NaN) / serverCores(idle);
  const cpuPerRequestIdle =
    idle.server === undefined
      ? Number.NaN
      : (idle.server.cpuUserMs + idle.server.cpuSystemMs) / Math.max(1, idle.load.completed);
  const meanBytes =
    report.inProcess.answerBytes.find * 0.4 +
    report.inProcess.answerBytes.callers * 0.2 +
    report.inProcess.answerBytes.callees * 0.2 +
    report.inProcess.answerBytes.trace3 * 0.2;
  const paragraphs: string[] = [];
  paragraphs.push(
    `**With ${s.clients} clients, latency is queueing.** The server answers one request at a time and ${s.clients} closed-loop clients keep about ${s.clients} requests waiting, so each waits for the other ${s.clients - 1}: idle it served ${int(idle.load.throughput)} req/s, ${ms(perRequestIdle)} ms per request, and the mean latency was ${ms(idle.load.latency.mean)} ms ≈ ${s.clients} × ${ms(perRequestIdle)} ms. The ${times(idle.load.latency.p50 / base.p50)} p50 ratio to in process is that wait, not a slower query` +
      (single === undefined
        ? '.'
        : `: with one client the ratio is ${times(single.load.latency.p50 / base.p50)} at p50 and ${times(single.load.latency.p99 / base.p99)} at p99 (${ms(single.load.latency.p50)} ms and ${ms(single.load.latency.p99)} ms against ${ms(base.p50)} ms and ${ms(base.p99)} ms), which is the wire, JSON and the client's own decoding${single.load.latency.p99 < base.p99 ? " (a p99 below the baseline's says how noisy tails are on this machine)" : ''}.`) +
      ` Since the mean latency is ${s.clients} × the time per request and p99 lies above the mean, a p99 under ${targetP99Ms} ms needs a time per request well under ${ms(budgetMs)} ms` +
      (base.mean >= budgetMs
        ? `; the mix costs ${ms(base.mean)} ms on average even in process (trace depth 3 alone ${ms(report.inProcess.byKind.trace3.mean)} ms, find ${ms(report.inProcess.byKind.find.mean)} ms), so on one thread this target is out of reach at this concurrency whatever a sync does. Meeting it takes answering queries in parallel (worker threads over a shared read-only view of the tables) or a much cheaper mix.`
        : `; the mix costs ${ms(base.mean)} ms on average in process, so the target is within reach only while the server's time per request (${ms(perRequestIdle)} ms idle here) stays well below that and nothing holds the event loop for long.`),
  );
  paragraphs.push(
    `**What a request costs the server.** Idle with ${s.clients} clients its time per request was ${ms(perRequestIdle)} ms and its CPU per request ${ms(cpuPerRequestIdle)} ms, against an in-process mean of ${ms(base.mean)} ms for the same mix (${report.inProcess.runs.map((run) => `${ms(run.latency.mean)} ms ${run.label}`).join(', ')}). On top of the query, the server encodes each answer as JSON (the mix's answers average ${int(meanBytes / 1024)} KiB, trace depth 3 ${int(report.inProcess.answerBytes.trace3 / 1024)} KiB), decodes requests and writes to sockets; the one-client phase puts that at ${times((single?.load.latency.p50 ?? Number.NaN) / base.p50)} the in-process time at p50, a fraction of a millisecond.` +
      (starvedLoop > 1.1
        ? ` The machine adds the rest: the server's main thread was busy ${percent(idle.server?.elu ?? Number.NaN)} of the idle window but the process got only ${serverCores(idle).toFixed(2)} cores of CPU (the clients took ${clientIdleCores.toFixed(2)}, other processes the "others" column, on ${cores} cores with a load average of ${idle.loadAverage.toFixed(1)}); an event loop that is busy but not on a CPU is waiting to be scheduled, so an unshared machine could do the same work in up to ${times(starvedLoop)} less wall time${base.mean >= budgetMs ? ` — still far from what ${s.clients} clients need for the target` : ''}.`
        : ` The server process got ${serverCores(idle).toFixed(2)} cores of CPU for an event loop busy ${percent(idle.server?.elu ?? Number.NaN)} of the time, so in this window it was not short of CPU.`),
  );
  const syncs = sync.syncs ?? [];
  const phaseMedian = (runs: readonly SyncRun[], phase: (typeof syncPhases)[number]): number =>
    median(runs.filter((run) => run.error === undefined).map((run) => run.phasesMs?.[phase] ?? Number.NaN));
  const phaseMax = (runs: readonly SyncRun[], phase: (typeof syncPhases)[number]): number =>
    Math.max(...runs.map((run) => run.phasesMs?.[phase] ?? Number.NaN));
  const starved = syncPhases
    .map((phase) => ({
      phase,
      loaded: phaseMax(syncs, phase),
      alone: phaseMedian(report.syncOnly.syncs, phase),
    }))
    .filter((row) => row.loaded > 1000 && row.loaded > 5 * row.alone)
    .sort((a, b) => b.loaded - a.loaded)[0];
  const heavyMs = syncs.reduce(
    (sum, run) =>
      sum + (run.phasesMs === undefined ? 0 : run.phasesMs.parse + run.phasesMs.resolve + run.phasesMs.write),
    0,
  );
  const throughputText =
    drop > 0.03
      ? `throughput fell by ${percent(drop)} (${ms(perRequestSync)} ms per request)`
      : `throughput did not fall (${int(sync.load.throughput)} against ${int(idle.load.throughput)} req/s idle)`;
  const syncCount =
    syncs.length === 1
      ? `one sync${(syncs[0]?.wallMs ?? 0) > s.phaseSeconds * 1000 ? ', which outlasted the window' : ''}`
      : `${syncs.length} syncs back to back`;
  const p99Ratio = sync.load.latency.p99 / idle.load.latency.p99;
  const noise = p99Ratio > 0.75 && p99Ratio < 1.33 ? ", within this machine's run-to-run noise" : '';
  let text = `**During the syncs** (${syncCount}) ${throughputText}, and p99 went from ${ms(idle.load.latency.p99)} ms to ${ms(sync.load.latency.p99)} ms (${times(p99Ratio)}${noise}); errors stayed at ${errorTotal(sync.load.errors)}.`;
  if (starved !== undefined) {
    const why =
      starved.phase === 'parse'
        ? `A server's parse workers run below the priority of its query thread (nice ${limits.serverParseWorkerNice}, on Linux), so while the queries keep the cores busy, parsing gets what they leave: queries first, by design.`
        : `That phase runs on the event loop in steps: while queries arrive its yield budget is ${limits.yieldBudgetMsContended} ms (${limits.yieldBudgetMsDefault} ms otherwise), so it gets about one step per turn of the loop, and between two steps the server answers every query already waiting — about ${s.clients} × ${ms(perRequestIdle)} ms ≈ ${int(s.clients * perRequestIdle)} ms a turn: queries first, by design.`;
    text += ` But the sync was slowed down: ${syncs.length === 1 ? 'its' : 'the slowest'} ${starved.phase} phase took ${int(starved.loaded)} ms under the query load, against ${int(starved.alone)} ms alone (median). ${why} The syncs spent ${int(heavyMs)} ms in all parsing, resolving or writing. Under steady query traffic a sync of a large tree takes correspondingly longer.`;
  } else {
    text += ` A sync takes CPU from the queries in two ways: its parse workers compete for the same ${cores} cores as the server's main thread and the clients (server CPU rose to ${serverCores(sync).toFixed(2)} cores, workers included), and whatever parts of it run on the main thread between yields hold every waiting query for their whole length.`;
  }
  text +=
    worstPhase === undefined
      ? ` With the syncs alone no event-loop stall of ${s.stallMs} ms or more was seen, so what queries lose to a sync is CPU, not the sync holding the loop.`
      : ` With the syncs alone (no query load, ${report.syncOnly.syncs.length} syncs) the ping round trip was ${ms(report.syncOnly.ping.p50)} ms at p50, ${ms(report.syncOnly.ping.p99)} ms at p99 and ${ms(report.syncOnly.ping.max)} ms at worst, and the probe's longest stall, ${int(worstPhase[1].maxMs)} ms, fell in the ${worstPhase[0]} phase (${worstPhase[1].count} ${worstPhase[1].count === 1 ? 'stall' : 'stalls'} of ≥ ${s.stallMs} ms there; the table above has the rest): that is how long a sync can delay a query's start on this machine.`;
  const aloneElu = report.syncOnly.server?.elu ?? Number.NaN;
  if (worstPhase !== undefined && aloneElu < 0.5 && worstPhase[1].maxMs >= 100) {
    text += ` Yet the event loop was busy only ${percent(aloneElu)} of that time, so the long stalls are mostly the thread waiting for a core (${s.syncWorkers === 1 ? 'its parse worker' : `${s.syncWorkers} parse workers`} and the other processes on ${cores} cores) rather than the sync's own work on the thread.`;
  }
  // On a saturated machine the parse workers' CPU comes out of the main thread's share.
  const machineBusy = sync.client.machineBusy * Number(cores);
  const longestLoaded = [...stallsLoaded.entries()].sort(([, a], [, b]) => b.maxMs - a.maxMs)[0];
  if (
    serverCores(sync) <= serverCores(idle) * 1.1 &&
    machineBusy >= Number(cores) * 0.95 &&
    longestLoaded !== undefined
  ) {
    text += ` Under the query load, though, the tail grew: the server process as a whole got no more CPU during the syncs than idle (${serverCores(sync).toFixed(2)} cores against ${serverCores(idle).toFixed(2)}, parse workers included) because the machine was saturated (${machineBusy.toFixed(2)} of ${cores} cores busy), so the workers' parsing came out of the main thread's share and a turn of its loop — the ${s.clients} queued queries — took longer in wall time; the longest, ${int(longestLoaded[1].maxMs)} ms, fell in the ${longestLoaded[0]} phase. (\`--profile\` writes a CPU profile of the server in which such stretches can be looked up by the stall records' monotonic times.)`;
  }
  const gcIdle = idle.server?.gc;
  const gcSync = sync.server?.gc;
  if (gcIdle !== undefined && gcSync !== undefined && gcSync.minor.totalMs > 1.5 * gcIdle.minor.totalMs) {
    text += ` The garbage collector adds to the tail: during the syncs its scavenges paused the server ${int(gcSync.minor.totalMs)} ms in all (${int(gcSync.minor.long)} of them 8 ms or more, the longest ${ms(gcSync.minor.maxMs)} ms), against ${int(gcIdle.minor.totalMs)} ms idle (${int(gcIdle.minor.long)}; the longest ${ms(gcIdle.minor.maxMs)} ms). A scavenge copies what is alive in the young generation, and a sync keeps the facts it parsed and resolves alive across several of them; every query waiting meanwhile waits as long.`;
  }
  paragraphs.push(text);
  return paragraphs.join('\n\n');
}
