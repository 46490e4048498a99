// One client connection: frames in, requests dispatched, answers out. Requests may be pipelined
// (each carries its id; answers can come back in any order), up to a cap beyond which the
// connection stops reading until answers drain. Anything malformed is answered with an error
// frame; what leaves the stream unreadable also closes this connection, and only this one.
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { limits } from '../core/limits.js';
import type { ProgressEvent, RequestKind } from '../service/requests.js';
import { FrameDecoder } from './protocol/frame-decoder.js';
import { encodeFrame, encodeJsonFrame, frameHeader, MessageType, type Frame } from './protocol/frame.js';
import { errorPayloadOf, parseRequestPayload, type ErrorPayload } from './protocol/messages.js';

export interface ConnectionLimits {
  readonly requestFrameBytesMax: number;
  readonly responseFrameBytesMax: number;
  readonly idleTimeoutMs: number;
  readonly pipelinedRequestsMax: number;
  readonly backlogBytesMax: number;
}

/** What a connection asks of the server: run one request, streaming progress if it has any. */
export type Dispatch = (
  kind: RequestKind,
  params: unknown,
  onProgress: (event: ProgressEvent) => void,
) => Promise<unknown>;

/** Progress frames are sent at most this often per request (and on every phase change). */
const progressIntervalMs = 100;

export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly inFlight = new Set<number>();
  private closing = false;

  constructor(
    private readonly socket: Socket,
    private readonly dispatch: Dispatch,
    private readonly connectionLimits: ConnectionLimits,
    private readonly log: (line: string) => void,
  ) {
    this.decoder = new FrameDecoder(connectionLimits.requestFrameBytesMax);
    socket.setNoDelay(true);
    socket.setTimeout(connectionLimits.idleTimeoutMs);
    socket.on('data', (bytes: Buffer) => this.receive(bytes));
    socket.on('timeout', () => this.idle());
    socket.on('error', () => {
      // A reset by the peer: nothing to answer; the close handler below cleans up.
    });
    socket.on('end', () => {
      if (this.decoder.bufferedBytes > 0) this.log('connection closed with a truncated frame');
      if (this.inFlight.size === 0) socket.end();
      this.closing = true;
    });
  }

  /** Refuses the connection politely: one error frame, then close. */
  static refuse(socket: Socket, payload: ErrorPayload): void {
    socket.on('error', () => undefined);
    socket.end(encodeJsonFrame(MessageType.error, 0, payload));
  }

  /** Ends the connection after telling the peer why (shutdown). */
  close(payload: ErrorPayload): void {
    if (this.socket.destroyed) return;
    this.closing = true;
    this.socket.end(encodeJsonFrame(MessageType.error, 0, payload));
  }

  /** Cuts the connection at once (the end of a shutdown). */
  destroy(): void {
    this.socket.destroy();
  }

  private receive(bytes: Buffer): void {
    for (const item of this.decoder.push(bytes)) {
      if (item.kind === 'violation') {
        const { violation } = item;
        const code = violation.reason === 'frame_too_large' ? 'LIMIT_EXCEEDED' : 'PROTOCOL_ERROR';
        this.send(MessageType.error, violation.requestId, {
          code,
          reason: violation.reason,
          message: violation.message,
        });
        if (violation.fatal) {
          this.closing = true;
          this.socket.end();
          return;
        }
        continue;
      }
      this.handleFrame(item.frame);
    }
  }

  private handleFrame(frame: Frame): void {
    const id = frame.requestId;
    if (frame.type !== MessageType.request) {
      this.sendError(id, 'PROTOCOL_ERROR', 'unexpected_type', `a client may only send request frames`);
      return;
    }
    if (id === 0) {
      this.sendError(id, 'PROTOCOL_ERROR', 'reserved_id', 'request id 0 is reserved for the connection');
      return;
    }
    if (this.inFlight.has(id)) {
      this.sendError(id, 'PROTOCOL_ERROR', 'duplicate_id', `request id ${id} is already in flight`);
      return;
    }
    let request;
    try {
      request = parseRequestPayload(frame.payload);
    } catch (error) {
      this.send(MessageType.error, id, { ...errorPayloadOf(error), reason: 'invalid_payload' });
      return;
    }
    this.inFlight.add(id);
    if (this.inFlight.size >= this.connectionLimits.pipelinedRequestsMax) this.socket.pause();
    void this.run(id, request.kind, request.params);
  }

  private async run(id: number, kind: RequestKind, params: unknown): Promise<void> {
    let lastProgress = 0;
    let lastPhase = '';
    const onProgress = (event: ProgressEvent): void => {
      const now = performance.now();
      const final = event.total !== undefined && event.done >= event.total;
      if (event.phase === lastPhase && !final && now - lastProgress < progressIntervalMs) return;
      lastProgress = now;
      lastPhase = event.phase;
      this.send(MessageType.progress, id, event);
    };
    try {
      const result = await this.dispatch(kind, params, onProgress);
      this.sendResult(id, result);
    } catch (error) {
      const payload = errorPayloadOf(error);
      if (payload.code === 'INTERNAL') this.log(`request ${kind} failed: ${String(error)}`);
      this.send(MessageType.error, id, payload);
    } finally {
      this.inFlight.delete(id);
      if (this.socket.isPaused() && this.inFlight.size < this.connectionLimits.pipelinedRequestsMax) {
        this.socket.resume();
      }
      if (this.closing && this.inFlight.size === 0) this.socket.end();
    }
  }

  /** An answer larger than one frame goes as chunk frames and a final result frame. */
  private sendResult(id: number, result: unknown): void {
    const text = JSON.stringify(result ?? null);
    const step = this.connectionLimits.responseFrameBytesMax;
    // Most answers fit one frame; a string's UTF-8 length is at most three bytes per UTF-16 unit.
    if (text.length * 3 <= step) {
      // The header, then the text as it is: the socket encodes it into memory it frees as soon
      // as the write is done, instead of a frame buffer the garbage collector frees much later
      // (a trace answer of 250 KB: 460–500 µs to encode and write, against 525–625).
      this.socket.cork();
      this.write(frameHeader(MessageType.result, id, Buffer.byteLength(text, 'utf8')));
      this.write(text);
      this.socket.uncork();
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    for (; bytes.length - offset > step; offset += step) {
      this.write(encodeFrame(MessageType.chunk, id, bytes.subarray(offset, offset + step)));
    }
    this.write(encodeFrame(MessageType.result, id, bytes.subarray(offset)));
  }

  private sendError(id: number, code: ErrorPayload['code'], reason: string, message: string): void {
    this.send(MessageType.error, id, { code, reason, message });
  }

  private send(type: (typeof MessageType)[keyof typeof MessageType], id: number, value: unknown): void {
    this.write(encodeJsonFrame(type, id, value));
  }

  private write(frame: Buffer | string): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(frame, 'utf8');
    // A peer that never reads would make the server hold every answer in memory.
    if (this.socket.writableLength > this.connectionLimits.backlogBytesMax) {
      this.log(
        `closing a connection that does not read its answers (${this.socket.writableLength} bytes queued)`,
      );
      this.socket.destroy();
    }
  }

  private idle(): void {
    // A long sync may keep a request in flight for minutes: that is not idleness.
    if (this.inFlight.size > 0) return;
    this.close({
      code: 'TIMEOUT',
      reason: 'idle_timeout',
      message: `closed after ${this.connectionLimits.idleTimeoutMs} ms without a request`,
    });
  }
}

export function defaultConnectionLimits(overrides: Partial<ConnectionLimits> = {}): ConnectionLimits {
  return {
    requestFrameBytesMax: limits.requestFrameBytesMax,
    responseFrameBytesMax: limits.responseFrameBytesMax,
    idleTimeoutMs: limits.idleTimeoutMsDefault,
    pipelinedRequestsMax: limits.pipelinedRequestsMax,
    backlogBytesMax: limits.connectionBacklogBytesMax,
    ...overrides,
  };
}
