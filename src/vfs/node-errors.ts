// Maps a node:fs failure to a KausalError with a stable code and a message in the Vfs style. The
// errno decides the code; the original error stays attached as `cause`.
import type { ErrorCode, KausalError } from '../core/errors.js';
import { vfsError } from './vfs-error.js';

const codeByErrno: Readonly<Record<string, ErrorCode>> = {
  ENOENT: 'NOT_FOUND',
  EEXIST: 'ALREADY_EXISTS',
  ENOSPC: 'NO_SPACE',
  EDQUOT: 'NO_SPACE',
};

const hintByErrno: Readonly<Record<string, string>> = {
  ENOSPC: '; free some disk space and retry',
  EDQUOT: '; free some space within your quota and retry',
  EACCES: '; check the permissions of the path',
  EPERM: '; check the permissions of the path',
  EMFILE: '; raise the open-file limit (ulimit -n)',
};

export function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function fromNodeError(error: unknown, operation: string, path: string): KausalError {
  const errno = errnoOf(error);
  const code = (errno === undefined ? undefined : codeByErrno[errno]) ?? 'IO_ERROR';
  return vfsError(code, operation, path, describe(error, errno), error);
}

function describe(error: unknown, errno: string | undefined): string {
  if (!(error instanceof Error)) return String(error);
  // Node formats syscall errors as "ENOENT: no such file or directory, open '/x'"; the path is
  // already in our message, so keep only the description.
  const match = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message);
  const description = match?.[1] ?? error.message;
  if (errno === undefined) return description;
  return `${description} (${errno})${hintByErrno[errno] ?? ''}`;
}
