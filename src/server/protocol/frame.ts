// The wire format: every message is one frame, a fixed 16-byte header and a payload.
//
//   offset  size  field
//   0       4     magic "KAUL"
//   4       1     protocol version (1)
//   5       1     message type (see MessageType)
//   6       2     flags, big-endian; none are defined in version 1, so they must be 0
//   8       4     request id, big-endian; 0 is the connection itself (errors not tied to a request)
//   12      4     payload length in bytes, big-endian
//   16      n     payload: UTF-8 JSON (docs/protocol.md lists each type's shape)
//
// The header carries everything needed to skip a frame the receiver cannot use, so an unknown
// type or a bad payload costs one error frame, not the connection.
import { Buffer } from 'node:buffer';

export const frameMagic = Buffer.from('KAUL', 'latin1');
export const protocolVersion = 1;
export const frameHeaderBytes = 16;

export const MessageType = {
  /** client → server: `{ "kind": RequestKind, "params": {…} }` */
  request: 1,
  /** server → client: the answer's JSON, or its last part after chunk frames */
  result: 2,
  /** server → client: a part of an answer too large for one frame; concatenate, then parse */
  chunk: 3,
  /** server → client: `{ workspace?, phase, done, total? }` while a link or sync runs */
  progress: 4,
  /** server → client: `{ code, reason, message }`; ends the request (or, with id 0, the connection) */
  error: 5,
} as const;

export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];

const knownTypes: ReadonlySet<number> = new Set(Object.values(MessageType));

export function isMessageType(code: number): code is MessageTypeCode {
  return knownTypes.has(code);
}

export interface Frame {
  readonly type: MessageTypeCode;
  readonly requestId: number;
  readonly payload: Buffer;
}

/** The header of a frame whose payload of `payloadBytes` is written apart (see Connection). */
export function frameHeader(type: MessageTypeCode, requestId: number, payloadBytes: number): Buffer {
  return withHeader(Buffer.allocUnsafe(frameHeaderBytes), type, requestId, payloadBytes);
}

/** A frame with its header written and room for a payload of `payloadBytes` after it. */
function frameWithHeader(type: MessageTypeCode, requestId: number, payloadBytes: number): Buffer {
  return withHeader(Buffer.allocUnsafe(frameHeaderBytes + payloadBytes), type, requestId, payloadBytes);
}

function withHeader(frame: Buffer, type: MessageTypeCode, requestId: number, payloadBytes: number): Buffer {
  frameMagic.copy(frame, 0);
  frame.writeUInt8(protocolVersion, 4);
  frame.writeUInt8(type, 5);
  frame.writeUInt16BE(0, 6);
  frame.writeUInt32BE(requestId >>> 0, 8);
  frame.writeUInt32BE(payloadBytes, 12);
  return frame;
}

export function encodeFrame(type: MessageTypeCode, requestId: number, payload: Buffer): Buffer {
  const frame = frameWithHeader(type, requestId, payload.length);
  payload.copy(frame, frameHeaderBytes);
  return frame;
}

/**
 * A frame whose payload is `text` in UTF-8, encoded straight into the frame: a server's answers
 * are mostly one frame of tens of KiB, and encoding to a buffer first cost an allocation and a copy.
 */
export function encodeTextFrame(type: MessageTypeCode, requestId: number, text: string): Buffer {
  const frame = frameWithHeader(type, requestId, Buffer.byteLength(text, 'utf8'));
  frame.write(text, frameHeaderBytes, 'utf8');
  return frame;
}

export function encodeJsonFrame(type: MessageTypeCode, requestId: number, value: unknown): Buffer {
  return encodeTextFrame(type, requestId, JSON.stringify(value));
}

/** Why a peer's bytes were refused; `fatal` ones leave the stream unreadable, so it is closed. */
export interface FrameViolation {
  readonly fatal: boolean;
  /** The request the bad frame claimed, when its header was readable; 0 otherwise. */
  readonly requestId: number;
  readonly reason: ViolationReason;
  readonly message: string;
}

export type ViolationReason =
  | 'bad_magic'
  | 'unsupported_version'
  | 'bad_flags'
  | 'unknown_type'
  | 'frame_too_large';
