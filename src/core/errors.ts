// Operating errors: bad input, corrupt files, a full disk, a held lock. Each carries a stable
// uppercase `code` that callers (CLI, server, tests) switch on, and an actionable message.

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'LIMIT_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CORRUPTION'
  | 'IO_ERROR'
  | 'NO_SPACE'
  | 'LOCKED'
  | 'CLOSED'
  | 'FAIL_STOP'
  | 'CRASHED'
  | 'AMBIGUOUS'
  | 'UNSUPPORTED'
  /** A peer broke the wire protocol (bad magic, unknown version, malformed payload). */
  | 'PROTOCOL_ERROR'
  /** The server cannot take the request now (too many connections, shutting down, gone). */
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  /** A bug on the other side of a connection, reported without its stack. */
  | 'INTERNAL';

export class KausalError extends Error {
  override readonly name = 'KausalError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isKausalError(error: unknown, code?: ErrorCode): error is KausalError {
  return error instanceof KausalError && (code === undefined || error.code === code);
}

export function invalidArgument(message: string): KausalError {
  return new KausalError('INVALID_ARGUMENT', message);
}

export function limitExceeded(what: string, actual: number, max: number, unit = 'bytes'): KausalError {
  return new KausalError('LIMIT_EXCEEDED', `${what} is ${actual} ${unit}; the limit is ${max} ${unit}`);
}

export function corruption(file: string, offset: number, detail: string): KausalError {
  return new KausalError('CORRUPTION', `corrupt data in ${file} at offset ${offset}: ${detail}`);
}
