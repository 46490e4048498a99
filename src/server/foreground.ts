// `kausal server start --foreground`: runs the server in this process until SIGTERM or SIGINT,
// then shuts it down cleanly (exit 0). A second signal while shutting down exits at once.
import { KausalServer } from './server.js';

export interface ForegroundOptions {
  readonly dataDirectory: string;
  readonly host: string;
  readonly port: number;
  readonly connectionsMax: number;
  readonly idleTimeoutMs: number;
  readonly blockCacheBytes: number;
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

export async function runForeground(options: ForegroundOptions): Promise<number> {
  const server = await KausalServer.start({
    dataDirectory: options.dataDirectory,
    host: options.host,
    port: options.port,
    connectionsMax: options.connectionsMax,
    connectionLimits: { idleTimeoutMs: options.idleTimeoutMs },
    blockCacheBytes: options.blockCacheBytes,
    log,
  });
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log(`${signal} again: exiting without a clean shutdown`);
        process.exit(1);
      }
      stopping = true;
      log(`${signal} received`);
      // Something left open (a stuck client socket, say) must not keep a stopped server alive.
      const exitSoon = (code: number): void => {
        setTimeout(() => process.exit(code), 2_000).unref();
        resolve(code);
      };
      server.stop().then(
        () => exitSoon(0),
        (error: unknown) => {
          log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          exitSoon(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
