// 128-bit block identifiers: 32 lowercase hex characters in the API, 16 bytes on disk. Ingestion
// derives ids from stable keys (workspace + file + kind + qualified name) so that re-ingesting the
// same code yields the same ids instead of duplicating the graph.
import { createHash } from 'node:crypto';
import { invalidArgument } from './errors.js';

export type BlockId = string;

export function isBlockId(value: unknown): value is BlockId {
  if (typeof value !== 'string' || value.length !== 32) return false;
  // A loop over char codes: this runs for every id of every write and read.
  for (let index = 0; index < 32; index++) {
    const code = value.charCodeAt(index);
    if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) return false;
  }
  return true;
}

export function assertBlockId(value: unknown, what = 'block id'): asserts value is BlockId {
  if (!isBlockId(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value;
    throw invalidArgument(`${what} must be 32 lowercase hex characters, got ${shown}`);
  }
}

/** A deterministic id from a string key: the first 16 bytes of its SHA-256. */
export function blockIdFromKey(key: string): BlockId {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);
}
