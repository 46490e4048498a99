import { closeSync, mkdirSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KausalError } from '../../core/errors.js';
import { packagePath } from '../../package-root.js';
import { limits } from '../../core/limits.js';
import { connectToServer } from '../../server/remote-backend.js';
import { readServerEndpoint, serverFiles, type ServerEndpoint } from '../../server/server-files.js';
import type { PingResult } from '../../service/requests.js';
import { processExists } from '../../vfs/node-lock.js';
import type { Command, CommandContext } from '../command.js';
import { resolveDataDirectory } from '../data-dir.js';
import { jsonText } from '../output-format.js';
import { flag, integerOption, optionalString, parseOptions, type ParsedOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

const MiB = 1024 * 1024;
const actions = ['start', 'stop', 'restart', 'status'] as const;
type Action = (typeof actions)[number];

const binary = packagePath('bin/kausal.js');
/** How long `start` waits for the detached server to answer, and `stop` for it to exit. */
const startWaitMs = 20_000;
const stopWaitMs = 40_000;

export const serverCommand: Command = {
  name: 'server',
  summary: 'Run a server that owns the database: start, stop, restart, status',
  help: `Usage: kausal server start|stop|restart|status [options]

A server owns one data directory (the single writer) and answers the CLI, MCP and other
clients over TCP. While it runs, every kausal command for that directory goes through it
automatically; when it is not running, commands open the directory themselves.

  --data-dir DIR         the directory the server owns (default as for every command)
  --host H               address to listen on (default 127.0.0.1; the protocol has no
                         authentication, so listen beyond loopback only on a trusted network)
  --port N               1 to 65535 (default ${limits.defaultPort})
  --foreground           stay attached (logs on stderr); default: start detached, with the
                         log in DIR/server.log and the process id in DIR/server.pid
  --max-connections N    default ${limits.connectionsMax}
  --idle-timeout S       seconds before an idle connection is closed (default ${limits.idleTimeoutMsDefault / 1000})
  --cache-mb N           block cache in MiB, 1 to 65536 (default ${limits.serverBlockCacheBytesDefault / MiB})
  --json                 machine-readable output (status, start)

stop sends SIGTERM: the server refuses new requests, finishes a running write, flushes,
releases the lock and removes its pid file.
`,
  async run(args, context) {
    const parsed = parseOptions(
      args,
      {
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        foreground: { type: 'boolean' },
        'max-connections': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'cache-mb': { type: 'string' },
        json: { type: 'boolean' },
      },
      1,
    );
    const action = parsed.positionals[0];
    if (action === undefined)
      throw new UsageError('Missing required argument: start, stop, restart or status');
    if (!(actions as readonly string[]).includes(action)) {
      throw new UsageError(`Invalid argument: server action must be one of ${actions.join(', ')}`);
    }
    const directory = resolveDataDirectory(optionalString(parsed, 'data-dir'), context.env, context.cwd);
    return runAction(action as Action, parsed, directory, context);
  },
};

async function runAction(
  action: Action,
  parsed: ParsedOptions,
  directory: string,
  context: CommandContext,
): Promise<number> {
  switch (action) {
    case 'start':
      return start(parsed, directory, context);
    case 'stop':
      return stop(directory, context, true);
    case 'restart': {
      // Unless told otherwise, the new server listens where the old one did.
      const previous = runningServer(directory);
      await stop(directory, context, false);
      return start(parsed, directory, context, previous);
    }
    case 'status':
      return status(directory, context, flag(parsed, 'json'));
  }
}

interface StartSettings {
  readonly host: string;
  readonly port: number;
  readonly connectionsMax: number;
  readonly idleTimeoutMs: number;
  readonly blockCacheBytes: number;
}

function startSettings(parsed: ParsedOptions, previous: ServerEndpoint | undefined): StartSettings {
  const host = optionalString(parsed, 'host') ?? previous?.host ?? '127.0.0.1';
  if (host.trim() === '' || host.length > 255) {
    throw new UsageError('Invalid argument: --host must be a host name or address');
  }
  return {
    host,
    port: integerOption(parsed, 'port', previous?.port ?? limits.defaultPort, 1, 65_535),
    connectionsMax: integerOption(parsed, 'max-connections', limits.connectionsMax, 1, 10_000),
    idleTimeoutMs:
      integerOption(parsed, 'idle-timeout', limits.idleTimeoutMsDefault / 1000, 1, 86_400) * 1000,
    blockCacheBytes:
      integerOption(parsed, 'cache-mb', limits.serverBlockCacheBytesDefault / MiB, 1, 65_536) * MiB,
  };
}

/** The running server of `directory`, when its recorded process is alive. */
function runningServer(directory: string): ServerEndpoint | undefined {
  const endpoint = readServerEndpoint(directory);
  return endpoint !== undefined && processExists(endpoint.pid) ? endpoint : undefined;
}

async function start(
  parsed: ParsedOptions,
  directory: string,
  context: CommandContext,
  previous?: ServerEndpoint,
): Promise<number> {
  const settings = startSettings(parsed, previous);
  const running = runningServer(directory);
  if (running !== undefined) {
    throw new KausalError(
      'ALREADY_EXISTS',
      `a kausal server is already running for ${directory} (pid ${running.pid} on ${running.host}:${running.port}); stop it with 'kausal server stop'`,
    );
  }
  if (flag(parsed, 'foreground')) {
    const { runForeground } = await import('../../server/foreground.js');
    return runForeground({ dataDirectory: directory, ...settings });
  }
  const endpoint = await startDetached(directory, settings);
  if (flag(parsed, 'json')) context.io.stdout(jsonText({ started: true, ...endpoint }));
  else {
    context.io.stdout(
      `✓ Server started (pid ${endpoint.pid}) on ${endpoint.host}:${endpoint.port} for ${directory}\n` +
        `  log: ${serverFiles(directory).log}\n`,
    );
  }
  return 0;
}

/** Starts `kausal server start --foreground` as a detached process and waits until it answers. */
async function startDetached(directory: string, settings: StartSettings): Promise<ServerEndpoint> {
  mkdirSync(directory, { recursive: true });
  const logPath = serverFiles(directory).log;
  const log = openSync(logPath, 'a');
  // Loaded here, not at the top: every command loads this module, and child_process (with the
  // stream and net modules it pulls in) is a few milliseconds of a short query process's start.
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [
      binary,
      'server',
      'start',
      '--foreground',
      '--data-dir',
      directory,
      '--host',
      settings.host,
      '--port',
      String(settings.port),
      '--max-connections',
      String(settings.connectionsMax),
      '--idle-timeout',
      String(settings.idleTimeoutMs / 1000),
      '--cache-mb',
      String(settings.blockCacheBytes / MiB),
    ],
    { detached: true, stdio: ['ignore', log, log], env: process.env },
  );
  closeSync(log);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });
  child.unref();
  const deadline = Date.now() + startWaitMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new KausalError(
        'UNAVAILABLE',
        `the server exited at once (code ${exitCode}); see ${logPath} for why`,
      );
    }
    const endpoint = readServerEndpoint(directory);
    if (endpoint !== undefined && endpoint.pid === child.pid) {
      const backend = await connectToServer(directory);
      if (backend !== undefined) {
        await backend.close();
        return endpoint;
      }
    }
    await sleep(50);
  }
  throw new KausalError(
    'TIMEOUT',
    `the server did not answer within ${startWaitMs / 1000} s; see ${logPath}`,
  );
}

async function stop(directory: string, context: CommandContext, mustBeRunning: boolean): Promise<number> {
  const running = runningServer(directory);
  if (running === undefined) {
    if (!mustBeRunning) return 0;
    throw new KausalError('NOT_FOUND', `no kausal server is running for ${directory}`);
  }
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + stopWaitMs;
  while (processExists(running.pid)) {
    if (Date.now() > deadline) {
      throw new KausalError(
        'TIMEOUT',
        `the server (pid ${running.pid}) did not stop within ${stopWaitMs / 1000} s; see ${serverFiles(directory).log}`,
      );
    }
    await sleep(50);
  }
  context.io.stdout(`✓ Server stopped (pid ${running.pid})\n`);
  return 0;
}

async function status(directory: string, context: CommandContext, json: boolean): Promise<number> {
  const backend = await connectToServer(directory);
  if (backend === undefined) {
    if (json) context.io.stdout(jsonText({ running: false, dataDirectory: directory }));
    else context.io.stdout(`No kausal server is running for ${directory}\n`);
    return 0;
  }
  let pong: PingResult;
  try {
    pong = await backend.request('ping', {});
  } finally {
    await backend.close();
  }
  if (json) {
    context.io.stdout(jsonText({ running: true, ...backend.endpoint, ...pong }));
    return 0;
  }
  const server = pong.server;
  const lines = [
    `Server running (pid ${pong.pid}, v${pong.version}) on ${backend.endpoint.host}:${backend.endpoint.port}`,
    `  data directory: ${pong.dataDirectory}`,
    `  up ${formatDuration(pong.uptimeMs)}`,
  ];
  if (server !== undefined) {
    lines.push(`  ${server.connections} connection(s), ${server.requests} request(s) served`);
    lines.push(
      server.writeRunning === undefined
        ? '  no write running'
        : `  running: ${server.writeRunning} (${server.writesQueued} more queued)`,
    );
  }
  context.io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
