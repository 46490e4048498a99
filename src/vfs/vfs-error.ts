// One shape for every Vfs error message, so users and logs see the same style from the real and
// the simulated file system: "<operation> <path> failed: <reason>".
import { KausalError, type ErrorCode } from '../core/errors.js';

export function vfsError(
  code: ErrorCode,
  operation: string,
  path: string,
  reason: string,
  cause?: unknown,
): KausalError {
  const message = `${operation} ${path} failed: ${reason}`;
  return cause === undefined ? new KausalError(code, message) : new KausalError(code, message, { cause });
}

/** The path of a two-path operation such as rename, as it appears in messages. */
export function pathPair(source: string, target: string): string {
  return `${source} -> ${target}`;
}
