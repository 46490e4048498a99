// How the MCP server reaches the database, one tool call at a time. It never holds the database
// between calls: without a server, each call opens the directory, answers and closes it (so CLIs
// and other agents can take turns with the lock); with a server running for the directory, calls go
// to it over one cached connection, and a connection that has gone away (the server stopped or
// restarted) is dropped and the call retried through a fresh discovery.
import { isKausalError } from '../core/errors.js';
import { openBackend } from '../server/open-backend.js';
import type { Backend } from '../service/backend.js';

export type BackendMode = Backend['mode'];

export interface SessionOptions {
  readonly dataDirectory: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
}

export class BackendSession {
  private remote: Backend | undefined;
  /** Embedded calls run one at a time: two opens of the directory in one process would contend. */
  private embeddedTail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: SessionOptions) {}

  get dataDirectory(): string {
    return this.options.dataDirectory;
  }

  /** Runs `action` against the server when one owns the directory, else in this process. */
  async run<T>(action: (backend: Backend) => Promise<T>): Promise<{ value: T; mode: BackendMode }> {
    if (this.remote !== undefined) {
      const remote = this.remote;
      try {
        return { value: await action(remote), mode: 'server' };
      } catch (error) {
        if (!isKausalError(error, 'UNAVAILABLE')) throw error;
        this.options.log(`the server connection is gone (${error.message}); finding the database again`);
        if (this.remote === remote) this.remote = undefined;
        await remote.close().catch(() => undefined);
      }
    }
    const backend = await openBackend(this.options.dataDirectory, this.options.env, this.options.log);
    if (backend.mode === 'server') {
      if (this.remote === undefined && !this.closed) {
        this.remote = backend;
        this.options.log(`client mode: a kausal server owns ${this.options.dataDirectory}`);
        return { value: await action(backend), mode: 'server' };
      }
      // Another call connected meanwhile, or the session is closing: use this connection once.
      try {
        return { value: await action(backend), mode: 'server' };
      } finally {
        await backend.close();
      }
    }
    const run = this.embeddedTail.then(async () => {
      try {
        return await action(backend);
      } finally {
        await backend.close();
      }
    });
    this.embeddedTail = run.catch(() => undefined);
    return { value: await run, mode: 'embedded' };
  }

  /** Closes the cached server connection, if any. */
  async close(): Promise<void> {
    this.closed = true;
    const remote = this.remote;
    this.remote = undefined;
    await remote?.close().catch(() => undefined);
  }
}
