// The files a running server leaves in the data directory it owns: `server.json` says where it
// listens (so a CLI in that directory finds it), `server.pid` holds its process id (for scripts
// and service managers), and `server.log` collects its output when it runs detached. The storage
// engine ignores files it did not create, so these live beside the tables safely.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerEndpoint {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly startedAt: string;
  readonly dataDirectory: string;
}

export function serverFiles(dataDirectory: string): { endpoint: string; pid: string; log: string } {
  return {
    endpoint: join(dataDirectory, 'server.json'),
    pid: join(dataDirectory, 'server.pid'),
    log: join(dataDirectory, 'server.log'),
  };
}

/** Written to a temporary name and renamed, so a reader never sees half a file. */
export function writeServerFiles(endpoint: ServerEndpoint): void {
  const files = serverFiles(endpoint.dataDirectory);
  writeAtomically(files.endpoint, `${JSON.stringify(endpoint, null, 2)}\n`);
  writeAtomically(files.pid, `${endpoint.pid}\n`);
}

export function removeServerFiles(dataDirectory: string, pid: number): void {
  const files = serverFiles(dataDirectory);
  // Only our own: a newer server may already have replaced them.
  if (readServerEndpoint(dataDirectory)?.pid !== pid) return;
  rmSync(files.endpoint, { force: true });
  rmSync(files.pid, { force: true });
}

/** The endpoint a server recorded, or undefined when there is none (or it is unreadable). */
export function readServerEndpoint(dataDirectory: string): ServerEndpoint | undefined {
  const path = serverFiles(dataDirectory).endpoint;
  if (!existsSync(path)) return undefined;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<ServerEndpoint>;
    if (
      typeof value.pid !== 'number' ||
      typeof value.host !== 'string' ||
      typeof value.port !== 'number' ||
      typeof value.dataDirectory !== 'string'
    ) {
      return undefined;
    }
    return value as ServerEndpoint;
  } catch {
    return undefined;
  }
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
