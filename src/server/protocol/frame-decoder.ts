// Cuts a byte stream into frames. Bytes arrive in arbitrary pieces (one frame over many reads,
// many frames in one read); the decoder keeps what it has not used and never holds more than one
// frame's worth. A header it cannot trust (bad magic, an unknown version, a length over the limit)
// is fatal: the stream cannot be resynchronised. An unknown type with a sane length is skipped
// and reported, so the connection survives it.
import { Buffer } from 'node:buffer';
import {
  frameHeaderBytes,
  frameMagic,
  isMessageType,
  protocolVersion,
  type Frame,
  type FrameViolation,
} from './frame.js';

export type DecodedItem =
  | { readonly kind: 'frame'; readonly frame: Frame }
  | { readonly kind: 'violation'; readonly violation: FrameViolation };

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed = false;

  /** `payloadBytesMax`: the largest payload accepted; a larger one is a fatal violation. */
  constructor(private readonly payloadBytesMax: number) {}

  /** Adds bytes and returns every complete frame (or violation) they finish, in order. */
  push(bytes: Buffer): DecodedItem[] {
    if (this.failed) return [];
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    const items: DecodedItem[] = [];
    for (;;) {
      const item = this.next();
      if (item === undefined) break;
      items.push(item);
      if (item.kind === 'violation' && item.violation.fatal) {
        this.failed = true;
        this.pending = [];
        this.pendingBytes = 0;
        break;
      }
    }
    return items;
  }

  /** Bytes received but not yet part of a whole frame (a truncated frame at a close). */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private next(): DecodedItem | undefined {
    if (this.pendingBytes === 0) return undefined;
    // Magic is checked as soon as its bytes arrive, so random bytes are refused at once.
    const head = this.peek(Math.min(this.pendingBytes, frameHeaderBytes));
    const magicBytes = Math.min(head.length, frameMagic.length);
    if (!head.subarray(0, magicBytes).equals(frameMagic.subarray(0, magicBytes))) {
      return violation(true, 0, 'bad_magic', 'the stream does not start a KAUL frame here');
    }
    if (head.length < frameHeaderBytes) return undefined;
    const version = head.readUInt8(4);
    const type = head.readUInt8(5);
    const flags = head.readUInt16BE(6);
    const requestId = head.readUInt32BE(8);
    const length = head.readUInt32BE(12);
    if (version !== protocolVersion) {
      return violation(
        true,
        requestId,
        'unsupported_version',
        `protocol version ${version} is not supported (this server speaks ${protocolVersion})`,
      );
    }
    if (length > this.payloadBytesMax) {
      return violation(
        true,
        requestId,
        'frame_too_large',
        `frame payload is ${length} bytes; the limit is ${this.payloadBytesMax} bytes`,
      );
    }
    if (this.pendingBytes < frameHeaderBytes + length) return undefined;
    const whole = this.take(frameHeaderBytes + length);
    const payload = whole.subarray(frameHeaderBytes);
    if (flags !== 0) {
      return violation(
        false,
        requestId,
        'bad_flags',
        `flags must be 0 in protocol version ${protocolVersion}`,
      );
    }
    if (!isMessageType(type))
      return violation(false, requestId, 'unknown_type', `unknown message type ${type}`);
    return { kind: 'frame', frame: { type, requestId, payload } };
  }

  /** The first `count` buffered bytes, without consuming them. */
  private peek(count: number): Buffer {
    const first = this.pending[0] as Buffer;
    if (first.length >= count) return first.subarray(0, count);
    this.pending = [Buffer.concat(this.pending)];
    return (this.pending[0] as Buffer).subarray(0, count);
  }

  private take(count: number): Buffer {
    const joined = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    const taken = joined.subarray(0, count);
    const rest = joined.subarray(count);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return taken;
  }
}

function violation(
  fatal: boolean,
  requestId: number,
  reason: FrameViolation['reason'],
  message: string,
): DecodedItem {
  return { kind: 'violation', violation: { fatal, requestId, reason, message } };
}
