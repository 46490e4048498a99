// A client of the server: one TCP connection, requests pipelined by id, progress delivered as it
// streams, chunked answers reassembled. Used by the CLI and the MCP server in client mode, by the
// load benchmark and by tests.
import { Buffer } from 'node:buffer';
import { connect, type Socket } from 'node:net';
import { KausalError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { ParamsOf, ProgressEvent, RequestKind, ResultOf } from '../service/requests.js';
import { FrameDecoder } from './protocol/frame-decoder.js';
import { encodeJsonFrame, frameHeaderBytes, MessageType, type Frame } from './protocol/frame.js';
import { errorFromPayload, parseErrorPayload } from './protocol/messages.js';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress: ((event: ProgressEvent) => void) | undefined;
  chunks: Buffer[];
  bytes: number;
}

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs?: number;
}

const requestIdMax = 0xffff_ffff;

export class KausalClient {
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new FrameDecoder(limits.responseFrameBytesMax);
  private nextId = 1;
  private closedBy: KausalError | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => this.receive(bytes));
    socket.on('error', (error) =>
      this.fail(new KausalError('UNAVAILABLE', `connection error: ${error.message}`)),
    );
    socket.on('close', () => this.fail(new KausalError('UNAVAILABLE', 'the server closed the connection')));
  }

  static connect(options: ConnectOptions): Promise<KausalClient> {
    const timeoutMs = options.timeoutMs ?? limits.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new KausalError('TIMEOUT', `no answer from ${options.host}:${options.port} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new KausalClient(socket));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new KausalError(
            'UNAVAILABLE',
            `cannot connect to ${options.host}:${options.port}: ${error.code ?? error.message}`,
          ),
        );
      });
    });
  }

  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  request<K extends RequestKind>(
    kind: K,
    params: ParamsOf<K>,
    options: { onProgress?: (event: ProgressEvent) => void } = {},
  ): Promise<ResultOf<K>> {
    if (this.closedBy !== undefined) return Promise.reject(this.closedBy);
    const id = this.allocateId();
    const frame = encodeJsonFrame(MessageType.request, id, { kind, params });
    if (frame.length - frameHeaderBytes > limits.requestFrameBytesMax) {
      return Promise.reject(
        new KausalError(
          'LIMIT_EXCEEDED',
          `the ${kind} request is ${frame.length - frameHeaderBytes} bytes; the limit is ${limits.requestFrameBytesMax} bytes`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: options.onProgress,
        chunks: [],
        bytes: 0,
      });
      this.socket.write(frame);
    });
  }

  /** Writes raw bytes (tests and the fuzzer use it to send what no well-behaved client would). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      // A server that does not close its side is not waited for.
      setTimeout(() => this.socket.destroy(), 1_000).unref();
    });
  }

  private allocateId(): number {
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= requestIdMax ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
  }

  private receive(bytes: Buffer): void {
    for (const item of this.decoder.push(bytes)) {
      if (item.kind === 'violation') {
        this.fail(
          new KausalError('PROTOCOL_ERROR', `the server sent a bad frame: ${item.violation.message}`),
        );
        this.socket.destroy();
        return;
      }
      this.handle(item.frame);
    }
  }

  private handle(frame: Frame): void {
    if (frame.type === MessageType.error && frame.requestId === 0) {
      this.fail(errorFromPayload(safeErrorPayload(frame.payload)));
      return;
    }
    const pending = this.pending.get(frame.requestId);
    if (pending === undefined) return;
    switch (frame.type) {
      case MessageType.progress:
        pending.onProgress?.(JSON.parse(frame.payload.toString('utf8')) as ProgressEvent);
        return;
      case MessageType.chunk:
        this.append(frame.requestId, pending, frame.payload);
        return;
      case MessageType.result: {
        if (!this.append(frame.requestId, pending, frame.payload)) return;
        this.pending.delete(frame.requestId);
        const text = Buffer.concat(pending.chunks).toString('utf8');
        try {
          pending.resolve(JSON.parse(text));
        } catch {
          pending.reject(new KausalError('PROTOCOL_ERROR', 'the server sent an answer that is not JSON'));
        }
        return;
      }
      case MessageType.error:
        this.pending.delete(frame.requestId);
        pending.reject(errorFromPayload(safeErrorPayload(frame.payload)));
        return;
      default:
        return;
    }
  }

  private append(id: number, pending: Pending, payload: Buffer): boolean {
    pending.bytes += payload.length;
    if (pending.bytes > limits.responseBytesMax) {
      this.pending.delete(id);
      pending.reject(
        new KausalError(
          'LIMIT_EXCEEDED',
          `the answer is over ${limits.responseBytesMax} bytes; ask for fewer results`,
        ),
      );
      return false;
    }
    pending.chunks.push(payload);
    return true;
  }

  private fail(error: KausalError): void {
    this.closedBy ??= error;
    for (const pending of this.pending.values()) pending.reject(this.closedBy);
    this.pending.clear();
  }
}

function safeErrorPayload(payload: Buffer): ReturnType<typeof parseErrorPayload> {
  try {
    return parseErrorPayload(payload);
  } catch (error) {
    return { code: 'PROTOCOL_ERROR', message: (error as Error).message };
  }
}
