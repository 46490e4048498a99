// The payloads of the frames: a request names its kind and carries its parameters; an error
// carries a stable code (the same codes KausalError uses), a finer reason, and a message a user
// can act on. Payload parsing refuses anything that is not the documented shape.
import type { Buffer } from 'node:buffer';
import { isKausalError, KausalError, type ErrorCode } from '../../core/errors.js';
import { isRequestKind, type RequestKind } from '../../service/requests.js';

export interface RequestPayload {
  readonly kind: RequestKind;
  readonly params: unknown;
}

export interface ErrorPayload {
  readonly code: ErrorCode;
  /** Finer than the code, for limits and protocol violations (e.g. `frame_too_large`). */
  readonly reason?: string;
  readonly message: string;
}

const errorCodes: ReadonlySet<string> = new Set<ErrorCode>([
  'INVALID_ARGUMENT',
  'LIMIT_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CORRUPTION',
  'IO_ERROR',
  'NO_SPACE',
  'LOCKED',
  'CLOSED',
  'FAIL_STOP',
  'CRASHED',
  'AMBIGUOUS',
  'UNSUPPORTED',
  'PROTOCOL_ERROR',
  'UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
]);

function parseJson(payload: Buffer, what: string): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    throw new KausalError('PROTOCOL_ERROR', `the ${what} payload is not valid JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseRequestPayload(payload: Buffer): RequestPayload {
  const value = parseJson(payload, 'request');
  if (!isObject(value)) throw new KausalError('PROTOCOL_ERROR', 'a request payload must be a JSON object');
  const kind = value['kind'];
  if (!isRequestKind(kind)) {
    const shown = typeof kind === 'string' ? JSON.stringify(kind.slice(0, 40)) : typeof kind;
    throw new KausalError('INVALID_ARGUMENT', `unknown request kind ${shown}`);
  }
  return { kind, params: value['params'] };
}

export function parseErrorPayload(payload: Buffer): ErrorPayload {
  const value = parseJson(payload, 'error');
  if (!isObject(value) || typeof value['message'] !== 'string' || typeof value['code'] !== 'string') {
    throw new KausalError('PROTOCOL_ERROR', 'an error payload must carry a code and a message');
  }
  const code = errorCodes.has(value['code']) ? (value['code'] as ErrorCode) : 'INTERNAL';
  const reason = typeof value['reason'] === 'string' ? value['reason'] : undefined;
  return { code, message: value['message'], ...(reason === undefined ? {} : { reason }) };
}

/** The error frame's payload for anything a request threw; a bug is reported without its stack. */
export function errorPayloadOf(error: unknown): ErrorPayload {
  if (isKausalError(error)) return { code: error.code, message: error.message };
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `internal error in the server: ${detail}` };
}

/** The error a client raises for an error frame: the server's code and message, unchanged. */
export function errorFromPayload(payload: ErrorPayload): KausalError {
  return new KausalError(payload.code, payload.message);
}

/** Said to every client, and to a new connection, when the server is stopping. */
export const shuttingDownPayload: ErrorPayload = {
  code: 'UNAVAILABLE',
  reason: 'shutting_down',
  message: 'the server is shutting down',
};
