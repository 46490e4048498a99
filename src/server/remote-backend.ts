// The backend that sends requests to a running server, and the discovery that decides whether
// one is running for a data directory: an endpoint file written by a live process, a connection
// that succeeds, and a ping that names the same directory. Anything less means "no server", and
// the caller opens the directory itself.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { withDeadline } from '../core/deadline.js';
import { limits } from '../core/limits.js';
import type { Backend, BackendRequestOptions } from '../service/backend.js';
import type { ParamsOf, RequestKind, ResultOf } from '../service/requests.js';
import type { KausalClient } from './client.js';
import { processExists } from '../vfs/node-lock.js';
import { readServerEndpoint, type ServerEndpoint } from './server-files.js';

export class RemoteBackend implements Backend {
  readonly mode = 'server';

  constructor(
    private readonly client: KausalClient,
    readonly dataDirectory: string,
    readonly endpoint: ServerEndpoint,
  ) {}

  request<K extends RequestKind>(
    kind: K,
    params: ParamsOf<K>,
    options: BackendRequestOptions = {},
  ): Promise<ResultOf<K>> {
    return this.client.request(kind, params, options);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** The server that owns `dataDirectory`, connected and verified, or undefined when none runs. */
export async function connectToServer(
  dataDirectory: string,
  timeoutMs: number = limits.connectTimeoutMs,
): Promise<RemoteBackend | undefined> {
  const endpoint = readServerEndpoint(dataDirectory);
  if (endpoint === undefined || !processExists(endpoint.pid)) return undefined;
  // Loaded only when a server may run: a command without one does not pay for loading `net`.
  const { KausalClient } = await import('./client.js');
  let client: KausalClient;
  try {
    client = await KausalClient.connect({ host: endpoint.host, port: endpoint.port, timeoutMs });
  } catch {
    return undefined;
  }
  try {
    const pong = await withDeadline(client.request('ping', {}), timeoutMs);
    // The port may now belong to a server of another directory.
    if (canonical(pong.dataDirectory) !== canonical(dataDirectory)) {
      await client.close();
      return undefined;
    }
  } catch {
    await client.close();
    return undefined;
  }
  return new RemoteBackend(client, dataDirectory, endpoint);
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
