// The load: closed-loop clients (each sends one request, awaits the answer, sends the next) on
// their own connections for a fixed window, a pinger measuring the server's round trip alongside,
// and a sync driver running `sync --force` back to back. Everything is bounded: a window, a cap on
// requests per phase, a timeout per request.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { withDeadline } from '../../src/core/deadline.js';
import { KausalError } from '../../src/core/errors.js';
import { SeededRng } from '../../src/core/rng.js';
import type { KausalClient } from '../../src/server/client.js';
import type { SyncReport } from '../../src/workspace/index.js';
import { quantile } from '../storage/measure.js';
import { mixKinds, nextQuery, runRemote, type MixKind, type QueryPool } from './mix.js';

export interface Latency {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function latencyOf(times: readonly number[]): Latency {
  const mean = times.reduce((sum, time) => sum + time, 0) / Math.max(1, times.length);
  return {
    count: times.length,
    mean,
    p50: quantile(times, 0.5),
    p90: quantile(times, 0.9),
    p99: quantile(times, 0.99),
    max: quantile(times, 1),
  };
}

export interface LoadResult {
  readonly seconds: number;
  readonly clients: number;
  readonly completed: number;
  readonly throughput: number;
  readonly latency: Latency;
  readonly byKind: Readonly<Record<MixKind, Latency>>;
  /** Failed requests by error code (TIMEOUT for the benchmark's own per-request timeout). */
  readonly errors: Readonly<Record<string, number>>;
  /** Answers whose status was not 'ok' (a target not found, say): not errors, but unexpected here. */
  readonly notOk: number;
  /** True when the request cap, not the window, ended the phase. */
  readonly capped: boolean;
}

export interface LoadOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly pool: QueryPool;
  readonly requestsMax: number;
  readonly timeoutMs: number;
  /** Mean pause between an answer and the client's next request (exponential); 0 for none. */
  readonly thinkMs?: number;
}

function errorCode(error: unknown): string {
  return error instanceof KausalError ? error.code : 'UNKNOWN';
}

/** Every client runs the mix in a closed loop until the window closes (or the cap is reached). */
export async function runLoad(clients: readonly KausalClient[], options: LoadOptions): Promise<LoadResult> {
  const times = new Map<MixKind, number[]>(mixKinds.map((kind) => [kind, []]));
  const all: number[] = [];
  const errors: Record<string, number> = {};
  let notOk = 0;
  let started = 0;
  const begin = performance.now();
  const endsAt = begin + options.seconds * 1000;
  const loop = async (client: KausalClient, index: number): Promise<void> => {
    const rng = new SeededRng(options.seed * 1000 + index);
    while (performance.now() < endsAt && started < options.requestsMax) {
      if (client.closed) {
        errors['UNAVAILABLE'] = (errors['UNAVAILABLE'] ?? 0) + 1;
        return;
      }
      const query = nextQuery(rng, options.pool);
      started++;
      const sent = performance.now();
      try {
        const status = await withDeadline(runRemote(client, query), options.timeoutMs);
        const elapsed = performance.now() - sent;
        all.push(elapsed);
        times.get(query.kind)?.push(elapsed);
        if (status !== 'ok') notOk++;
      } catch (error) {
        const code = errorCode(error);
        errors[code] = (errors[code] ?? 0) + 1;
      }
      const think = options.thinkMs ?? 0;
      if (think > 0) {
        const pause = -Math.log(1 - rng.nextFloat()) * think;
        await new Promise((resolve) => setTimeout(resolve, Math.min(pause, endsAt - performance.now())));
      }
    }
  };
  await Promise.all(clients.map((client, index) => loop(client, index)));
  const seconds = (performance.now() - begin) / 1000;
  const byKind = Object.fromEntries(
    mixKinds.map((kind) => [kind, latencyOf(times.get(kind) ?? [])]),
  ) as Record<MixKind, Latency>;
  return {
    seconds,
    clients: clients.length,
    completed: all.length,
    throughput: all.length / seconds,
    latency: latencyOf(all),
    byKind,
    errors,
    notOk,
    capped: started >= options.requestsMax,
  };
}

/** Pings the server every `intervalMs` on a connection of its own until stopped; round trips in ms. */
export function startPinger(
  client: KausalClient,
  intervalMs: number,
  timeoutMs: number,
): { stop(): Promise<{ times: number[]; errors: number }> } {
  const times: number[] = [];
  let errors = 0;
  let running = true;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (running) {
      const sent = performance.now();
      try {
        await withDeadline(client.request('ping', {}), timeoutMs);
        times.push(performance.now() - sent);
      } catch {
        errors++;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      running = false;
      wake?.();
      await done;
      return { times, errors };
    },
  };
}

export interface SyncRun {
  /** Epoch ms the request was sent, and its wall time as the client saw it. */
  readonly startedAt: number;
  readonly wallMs: number;
  readonly durationMs?: number;
  readonly phasesMs?: SyncReport['phasesMs'];
  readonly files?: number;
  readonly error?: string;
  /** Epoch ms at which each sync phase was first reported (progress frames). */
  readonly phaseStarts: readonly { readonly phase: string; readonly at: number }[];
}

/**
 * Runs `sync --force` of `workspace` back to back while `keepGoing()` says so; one at a time.
 * `workers` (parse worker threads) defaults to the server's own default.
 */
export async function syncBackToBack(
  client: KausalClient,
  workspace: string,
  keepGoing: () => boolean,
  timeoutMs: number,
  workers?: number,
): Promise<SyncRun[]> {
  const runs: SyncRun[] = [];
  while (keepGoing()) {
    const phaseStarts: { phase: string; at: number }[] = [];
    const startedAt = Date.now();
    const sent = performance.now();
    try {
      const [report] = await withDeadline(
        client.request(
          'sync',
          { names: [workspace], force: true, ...(workers === undefined ? {} : { workers }) },
          {
            onProgress: (event) => {
              if (phaseStarts[phaseStarts.length - 1]?.phase !== event.phase) {
                phaseStarts.push({ phase: event.phase, at: Date.now() });
              }
            },
          },
        ),
        timeoutMs,
      );
      runs.push({
        startedAt,
        wallMs: performance.now() - sent,
        ...(report === undefined
          ? {}
          : { durationMs: report.durationMs, phasesMs: report.phasesMs, files: report.files.total }),
        phaseStarts,
      });
    } catch (error) {
      runs.push({
        startedAt,
        wallMs: performance.now() - sent,
        error: `${errorCode(error)}: ${error instanceof Error ? error.message : String(error)}`,
        phaseStarts,
      });
      if (client.closed) break;
    }
  }
  return runs;
}

/** Share of the machine's CPU time that was busy between two readings (all cores, all processes). */
export function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

/** What this (client) process spent and how late its own event loop ran, over one phase. */
export interface ProcessWatch {
  stop(): { cpuMs: number; loopDelayP99: number; loopDelayMax: number; machineBusy: number };
}

export function watchThisProcess(): ProcessWatch {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const cpu = process.cpuUsage();
  const machine = machineCpu();
  return {
    stop() {
      histogram.disable();
      const used = process.cpuUsage(cpu);
      const now = machineCpu();
      const delay = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e6 - 5);
      return {
        cpuMs: (used.user + used.system) / 1000,
        loopDelayP99: delay(histogram.percentile(99)),
        loopDelayMax: delay(histogram.max),
        machineBusy: (now.busy - machine.busy) / Math.max(1, now.total - machine.total),
      };
    },
  };
}
