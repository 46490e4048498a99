// Event-loop stalls during a link: a server runs link and sync on the thread that answers
// queries, so no synchronous stretch of a link may be long. This links a directory into a fresh
// temporary database while probes watch the event loop, and prints per run:
//   link ms      the link's total time, and the CPU time it took (worker threads included)
//   hist         perf_hooks' event-loop delay histogram (resolution 1 ms): max and p99
//   gap          the gaps between firings of a 1 ms timer: max, p99, and "wait p99", the p99 of
//                the wait a request arriving at a random moment of the link would see
//   cpu gap      the CPU time this process spent between two firings, once parsing is over (no
//                worker threads then): what the gap would be on an idle machine, so this one is
//                meaningful on a busy one too
// and the phases each stall of 20 ms or more fell in.
//   node --import tsx bench/sync-stalls.ts [--path DIR] [--runs N] [--yield-ms MS|off] [--json]
// --path defaults to node_modules/rxjs/src; `--path stdlib` means this python3's standard library
// without site-packages (copied once to the temporary directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Database } from '../src/database.js';
import { copyPythonStdlib } from './ingest/corpora.js';
import { linkWorkspace, type SyncPhase } from '../src/workspace/index.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

/** The standard library without site-packages (as bench/sync.bench.ts uses it), copied once. */
function stdlibCopy(): string {
  return copyPythonStdlib(join(tmpdir(), 'kausal-stalls-stdlib'));
}

function corpusPath(): string {
  const path = argument('--path') ?? join(projectRoot, 'node_modules/rxjs/src');
  return path === 'stdlib' ? stdlibCopy() : path;
}

/** `--yield-ms off` links without yielding; a number sets the budget; absent: the default. */
function yieldOption(): { yieldEveryMs?: number } {
  const value = argument('--yield-ms');
  if (value === undefined) return {};
  return { yieldEveryMs: value === 'off' ? Number.POSITIVE_INFINITY : Number(value) };
}

interface RunResult {
  readonly linkMs: number;
  /** CPU time of the whole process (worker threads included) during the link. */
  readonly linkCpuMs: number;
  readonly histogramMaxMs: number;
  readonly histogramP99Ms: number;
  readonly gapMaxMs: number;
  readonly gapP99Ms: number;
  readonly waitP99Ms: number;
  readonly gapsOver50Ms: number;
  readonly cpuGapMaxMs: number;
  readonly cpuGapP99Ms: number;
  readonly cpuWaitP99Ms: number;
  readonly stallsByPhase: Record<string, { count: number; maxMs: number }>;
  readonly blocks: number;
  readonly edges: number;
  readonly phasesMs: Readonly<Record<SyncPhase, number>>;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/**
 * A request arriving during a gap of length g waits between 0 and g (uniformly), so over the run
 * P(wait > w) = Σ max(0, g − w) / Σ g. Returns the w where that falls to 1 % (by bisection).
 */
function waitP99(gaps: readonly number[]): number {
  const total = gaps.reduce((sum, gap) => sum + gap, 0);
  const over = (wait: number): number => gaps.reduce((sum, gap) => sum + Math.max(0, gap - wait), 0) / total;
  let low = 0;
  let high = Math.max(0, ...gaps);
  for (let round = 0; round < 50; round++) {
    const middle = (low + high) / 2;
    if (over(middle) > 0.01) low = middle;
    else high = middle;
  }
  return high;
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Watches the event loop with a 1 ms timer: wall gaps always, CPU gaps once parsing is over. */
class LoopProbe {
  readonly gaps: number[] = [];
  readonly cpuGaps: number[] = [];
  readonly stallsByPhase: Record<string, { count: number; maxMs: number }> = {};
  phase: SyncPhase | 'start' = 'start';
  /** Phases seen since the probe last fired: a stall is charged to all of them. */
  private phases = new Set<string>(['start']);
  private last = performance.now();
  private lastCpu = cpuMs();
  private readonly timer = setInterval(() => this.fire(), 1);

  enter(phase: SyncPhase): void {
    this.phase = phase;
    this.phases.add(phase);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private fire(): void {
    const now = performance.now();
    const cpu = cpuMs();
    const gap = now - this.last;
    this.gaps.push(gap);
    if (this.phase === 'resolve' || this.phase === 'write') this.cpuGaps.push(cpu - this.lastCpu);
    if (gap >= 20) {
      const entry = (this.stallsByPhase[[...this.phases].join('+')] ??= { count: 0, maxMs: 0 });
      entry.count++;
      entry.maxMs = Math.max(entry.maxMs, gap);
    }
    this.phases = new Set([this.phase]);
    this.last = now;
    this.lastCpu = cpu;
  }
}

async function linkOnce(corpus: string): Promise<RunResult> {
  const data = mkdtempSync(join(tmpdir(), 'kausal-stalls-'));
  const db = Database.open(data);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const probe = new LoopProbe();
  histogram.enable();
  try {
    const started = performance.now();
    const startedCpu = cpuMs();
    const report = await linkWorkspace(db, corpus, 'corpus', {
      ...yieldOption(),
      onProgress: (progress) => probe.enter(progress.phase),
    });
    const linkMs = performance.now() - started;
    const linkCpuMs = cpuMs() - startedCpu;
    // The stretch that ends the link is only seen when the probes fire once more.
    await new Promise((resolve) => setTimeout(resolve, 20));
    probe.stop();
    histogram.disable();
    const gaps = [...probe.gaps].sort((a, b) => a - b);
    const cpuGaps = [...probe.cpuGaps].sort((a, b) => a - b);
    return {
      linkMs,
      linkCpuMs,
      histogramMaxMs: histogram.max / 1e6,
      histogramP99Ms: histogram.percentile(99) / 1e6,
      gapMaxMs: gaps[gaps.length - 1] ?? 0,
      gapP99Ms: percentile(gaps, 99),
      waitP99Ms: waitP99(gaps),
      gapsOver50Ms: gaps.filter((gap) => gap > 50).length,
      cpuGapMaxMs: cpuGaps[cpuGaps.length - 1] ?? 0,
      cpuGapP99Ms: percentile(cpuGaps, 99),
      cpuWaitP99Ms: waitP99(cpuGaps),
      stallsByPhase: probe.stallsByPhase,
      blocks: report.blocks.total,
      edges: report.edges.total,
      phasesMs: report.phasesMs,
    };
  } finally {
    probe.stop();
    histogram.disable();
    db.close();
    rmSync(data, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const corpus = corpusPath();
  const runs = Number(argument('--runs') ?? 3) || 3;
  const results: RunResult[] = [];
  for (let run = 0; run < runs; run++) results.push(await linkOnce(corpus));
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ corpus, option: yieldOption(), results }, null, 2));
    return;
  }
  const fixed = (value: number): string => value.toFixed(1).padStart(8);
  console.log(`corpus ${corpus}, yield ${argument('--yield-ms') ?? 'default'}, ${runs} runs`);
  console.log(
    '  link ms      cpu |      hist max  p99 |       gap max       p99  wait p99  >50ms |   cpu gap max       p99  wait p99',
  );
  for (const result of results) {
    console.log(
      `${fixed(result.linkMs)} ${fixed(result.linkCpuMs)} | ${fixed(result.histogramMaxMs)} ${fixed(result.histogramP99Ms)} | ` +
        `${fixed(result.gapMaxMs)}  ${fixed(result.gapP99Ms)}  ${fixed(result.waitP99Ms)} ` +
        `${String(result.gapsOver50Ms).padStart(5)} | ${fixed(result.cpuGapMaxMs)}  ` +
        `${fixed(result.cpuGapP99Ms)}  ${fixed(result.cpuWaitP99Ms)}`,
    );
    console.log(
      `  ${result.blocks} blocks, ${result.edges} edges; phases ms ${JSON.stringify(result.phasesMs)}`,
    );
    console.log(`  stalls ≥ 20 ms by phase: ${JSON.stringify(result.stallsByPhase)}`);
  }
}

await main();
