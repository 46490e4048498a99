// The server under test, as a separate process: `node --import loop-probe.mjs bin/kausal.js server
// start --foreground` on a loopback port, its stderr kept in a log file. Stopped with SIGTERM (the
// exit code is checked) and killed outright if anything goes wrong, so no process outlives the
// benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { readServerEndpoint, type ServerEndpoint } from '../../src/server/server-files.js';
import { benchDirectory } from '../peers.js';
import type { Latency } from './load.js';

const repository = join(benchDirectory, '..');
const binary = join(repository, 'bin', 'kausal.js');
const probeModule = pathToFileURL(join(benchDirectory, 'server', 'loop-probe.mjs')).href;
const startWaitMs = 120_000;
const stopWaitMs = 60_000;

export interface ProbeSnapshot {
  readonly label: string;
  readonly at: number;
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Event-loop utilisation (0..1) over the interval. */
  readonly elu: number;
  /** Event-loop delay beyond the 5 ms sampling timer, in ms. */
  readonly delay: Latency;
  /** The main thread's garbage-collection pauses over the interval (absent from older probes). */
  readonly gc?: {
    readonly minor: GcPauses;
    readonly major: GcPauses;
    readonly other: GcPauses;
  };
}

export interface GcPauses {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
  /** Pauses of 8 ms or more. */
  readonly long: number;
}

/** One line of the probe's file: a snapshot or a stall. */
type ProbeRecord = { readonly kind: string; readonly label?: string } & Readonly<Record<string, unknown>>;

export interface Stall {
  /** Epoch ms the probe's timer was due, and how late it fired. */
  readonly at: number;
  readonly ms: number;
  /** When it was due on the monotonic clock of CPU profiles, in µs. */
  readonly monotonicUs?: number;
}

export class ServerProcess {
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: ServerEndpoint,
    private readonly probeFile: string,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.exit = { code: child.exitCode, signal: child.signalCode };
        resolve();
        return;
      }
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  /** Spawns the server and waits until it has recorded its endpoint (the database is open). */
  static async start(options: {
    readonly dataDirectory: string;
    readonly port: number;
    readonly workDirectory: string;
    readonly stallMs: number;
    readonly cacheMiB: number;
    /** Write a V8 CPU profile of the server (\`node --cpu-prof\`) into this directory. */
    readonly profileDirectory?: string;
  }): Promise<ServerProcess> {
    const probeFile = join(options.workDirectory, 'probe.jsonl');
    const logFile = join(options.workDirectory, 'server.log');
    rmSync(probeFile, { force: true });
    rmSync(`${probeFile}.label`, { force: true });
    const log = openSync(logFile, 'w');
    const child = spawn(
      process.execPath,
      [
        ...(options.profileDirectory === undefined
          ? []
          : ['--cpu-prof', `--cpu-prof-dir=${options.profileDirectory}`]),
        '--import',
        probeModule,
        binary,
        'server',
        'start',
        '--foreground',
        '--data-dir',
        options.dataDirectory,
        '--host',
        '127.0.0.1',
        '--port',
        String(options.port),
        '--cache-mb',
        String(options.cacheMiB),
      ],
      {
        stdio: ['ignore', log, log],
        env: {
          ...process.env,
          KAUSAL_BENCH_PROBE: probeFile,
          KAUSAL_BENCH_STALL_MS: String(options.stallMs),
        },
      },
    );
    closeSync(log);
    // Whatever happens to the benchmark, the server goes with it (a no-op once it has exited).
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    let exitCode: number | null | undefined;
    child.once('exit', (code) => {
      exitCode = code;
    });
    const deadline = Date.now() + startWaitMs;
    while (Date.now() < deadline) {
      if (exitCode !== undefined) {
        throw new Error(`the server exited at once (code ${exitCode}): ${readFileSync(logFile, 'utf8')}`);
      }
      const endpoint = readServerEndpoint(options.dataDirectory);
      if (endpoint !== undefined && endpoint.pid === child.pid) {
        return new ServerProcess(child, endpoint, probeFile, logFile);
      }
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`the server did not start within ${startWaitMs / 1000} s; see ${logFile}`);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Asks the probe for its numbers since the previous snapshot (and resets them). */
  async snapshot(label: string, timeoutMs = 30_000): Promise<ProbeSnapshot | undefined> {
    if (!this.alive) return undefined;
    writeFileSync(`${this.probeFile}.label`, label);
    this.child.kill('SIGUSR2');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.records().find((record) => record.kind === 'snapshot' && record.label === label);
      if (found !== undefined) return found as ProbeRecord & ProbeSnapshot;
      await sleep(20);
    }
    return undefined;
  }

  /** Every event-loop stall the probe saw (timer late by at least the threshold). */
  stalls(): Stall[] {
    return this.records()
      .filter((record) => record.kind === 'stall')
      .map((record) => ({
        at: Number(record['at']),
        ms: Number(record['ms']),
        ...(record['monotonicUs'] === undefined ? {} : { monotonicUs: Number(record['monotonicUs']) }),
      }));
  }

  private records(): ProbeRecord[] {
    if (!existsSync(this.probeFile)) return [];
    return readFileSync(this.probeFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ProbeRecord);
  }

  /** SIGTERM, then waits for the exit; SIGKILL if it does not come in time. */
  async stop(): Promise<{ code: number | null; signal: string | null; ms: number; killed: boolean }> {
    const started = performance.now();
    if (this.alive) this.child.kill('SIGTERM');
    const inTime = await Promise.race([this.exited.then(() => true), sleep(stopWaitMs).then(() => false)]);
    if (!inTime) {
      this.kill();
      await this.exited;
    }
    return {
      code: this.exit?.code ?? null,
      signal: this.exit?.signal ?? null,
      ms: performance.now() - started,
      killed: !inTime,
    };
  }

  /** SIGKILL if still running (cleanup on failure; synchronous, so usable in an exit handler). */
  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }
}
