// The server: owns one data directory (the single writer) and answers requests from many clients
// over TCP. All database state lives on this thread. Queries run as soon as they arrive; requests
// that write (link, unlink, sync, reindex) run one at a time, and because a sync yields to the
// event loop between bounded steps, queries keep being answered while it runs.
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism } from 'node:os';
import { withDeadline } from '../core/deadline.js';
import { KausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import { Database } from '../database.js';
import { parseWorkersYieldToQueries } from '../ingest/workers/worker-priority.js';
import { Service } from '../service/service.js';
import {
  writeRequestKinds,
  type ProgressEvent,
  type RequestKind,
  type ServerStats,
} from '../service/requests.js';
import { version } from '../version.js';
import { Connection, defaultConnectionLimits, type ConnectionLimits } from './connection.js';
import { errorFromPayload, shuttingDownPayload } from './protocol/messages.js';
import { removeServerFiles, writeServerFiles, type ServerEndpoint } from './server-files.js';

export interface ServerOptions {
  readonly dataDirectory: string;
  /** Loopback unless told otherwise: the protocol has no authentication. */
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port?: number;
  readonly connectionsMax?: number;
  readonly connectionLimits?: Partial<ConnectionLimits>;
  readonly blockCacheBytes?: number;
  /** Record the endpoint in the data directory so CLIs find this server (default true). */
  readonly advertise?: boolean;
  readonly log?: (line: string) => void;
}

/** How long a shutdown waits for a running write (a large sync) before closing anyway. */
const shutdownWriteWaitMs = 30_000;

/** A server's parse workers: every core but one, which stays with the thread that answers queries. */
export function serverParseWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class KausalServer {
  private readonly connections = new Set<Connection>();
  private writeTail: Promise<unknown> = Promise.resolve();
  private writesQueued = 0;
  private writeRunning: RequestKind | undefined;
  private requests = 0;
  private connectionsRefused = 0;
  private stopping: Promise<void> | undefined;
  private readonly limitsInUse: ConnectionLimits;
  private readonly connectionsMax: number;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly db: Database,
    private readonly service: Service,
    private readonly listener: Server,
    readonly endpoint: ServerEndpoint,
    private readonly options: ServerOptions,
  ) {
    this.limitsInUse = defaultConnectionLimits(options.connectionLimits);
    this.connectionsMax = options.connectionsMax ?? limits.connectionsMax;
    this.log = options.log ?? (() => undefined);
    listener.on('connection', (socket) => this.accept(socket));
  }

  /** Opens (or creates) the database, takes its lock and listens. */
  static async start(options: ServerOptions): Promise<KausalServer> {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? limits.defaultPort;
    const db = Database.open(options.dataDirectory, {
      blockCacheBytes: options.blockCacheBytes ?? limits.serverBlockCacheBytesDefault,
    });
    const listener = createServer({ pauseOnConnect: false });
    try {
      await listen(listener, host, port);
    } catch (error) {
      db.close();
      throw error;
    }
    const address = listener.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    const startedAt = Date.now();
    const endpoint: ServerEndpoint = {
      pid: process.pid,
      host,
      port: actualPort,
      version,
      startedAt: new Date(startedAt).toISOString(),
      dataDirectory: db.directory,
    };
    parseWorkersYieldToQueries();
    const service = new Service(db, {
      mode: 'server',
      startedAt,
      freshnessTtlMs: limits.serverFreshnessTtlMs,
      parseWorkers: serverParseWorkers(),
    });
    const server = new KausalServer(db, service, listener, endpoint, options);
    if (options.advertise !== false) writeServerFiles(endpoint);
    server.log(`listening on ${host}:${actualPort} for ${db.directory} (pid ${process.pid})`);
    return server;
  }

  get stats(): ServerStats {
    return {
      connections: this.connections.size,
      connectionsRefused: this.connectionsRefused,
      requests: this.requests,
      writesQueued: this.writesQueued,
      ...(this.writeRunning === undefined ? {} : { writeRunning: this.writeRunning }),
    };
  }

  /**
   * Stops accepting, refuses queued writes, lets a running write finish (within a bound), tells
   * every client why it is disconnected, then flushes and closes the database (releasing its
   * lock) and removes the endpoint files. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.log('shutting down');
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    await withDeadline(this.writeTail, shutdownWriteWaitMs).catch(() => undefined);
    for (const connection of this.connections) {
      connection.close(shuttingDownPayload);
    }
    // Give the goodbye frames a moment, then cut whatever is left.
    await sleep(50);
    for (const connection of this.connections) connection.destroy();
    await closed;
    this.db.close();
    if (this.options.advertise !== false) removeServerFiles(this.endpoint.dataDirectory, this.endpoint.pid);
    this.log('stopped');
  }

  private accept(socket: Socket): void {
    if (this.stopping !== undefined || this.connections.size >= this.connectionsMax) {
      this.connectionsRefused++;
      Connection.refuse(
        socket,
        this.stopping !== undefined
          ? shuttingDownPayload
          : {
              code: 'LIMIT_EXCEEDED',
              reason: 'too_many_connections',
              message: `the server already has ${this.connectionsMax} connections; try again later`,
            },
      );
      return;
    }
    const connection = new Connection(
      socket,
      (kind, params, onProgress) => this.dispatch(kind, params, onProgress),
      this.limitsInUse,
      this.log,
    );
    this.connections.add(connection);
    socket.on('close', () => {
      this.connections.delete(connection);
    });
  }

  private async dispatch(
    kind: RequestKind,
    params: unknown,
    onProgress: (event: ProgressEvent) => void,
  ): Promise<unknown> {
    if (this.stopping !== undefined) throw errorFromPayload(shuttingDownPayload);
    this.requests++;
    if (!writeRequestKinds.has(kind)) {
      const result = await this.service.execute(kind, params);
      return kind === 'ping' ? { ...(result as object), server: this.stats } : result;
    }
    return this.exclusive(kind, () => this.service.execute(kind, params, { onProgress }));
  }

  /** Runs writes one after another, in arrival order. */
  private exclusive<T>(kind: RequestKind, run: () => Promise<T>): Promise<T> {
    this.writesQueued++;
    const result = this.writeTail.then(async () => {
      this.writesQueued--;
      if (this.stopping !== undefined) throw errorFromPayload(shuttingDownPayload);
      this.writeRunning = kind;
      try {
        return await run();
      } finally {
        this.writeRunning = undefined;
      }
    });
    this.writeTail = result.catch(() => undefined);
    return result;
  }
}

function listen(listener: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      listener.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new KausalError(
            'ALREADY_EXISTS',
            `port ${port} on ${host} is already in use (another kausal server?); choose another with --port`,
          ),
        );
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new KausalError('INVALID_ARGUMENT', `cannot listen on ${host}: no such local address`));
      } else if (error.code === 'EACCES') {
        reject(
          new KausalError('IO_ERROR', `not allowed to listen on ${host}:${port}; choose a port above 1023`),
        );
      } else {
        reject(new KausalError('IO_ERROR', `cannot listen on ${host}:${port}: ${error.message}`));
      }
    };
    const onListening = (): void => {
      listener.off('error', onError);
      resolve();
    };
    listener.once('error', onError);
    listener.once('listening', onListening);
    listener.listen(port, host);
  });
}
