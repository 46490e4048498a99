// 128-bit block identifiers: 32 lowercase hex characters in the API, 16 bytes on disk. Ingestion
// derives ids from stable keys (workspace + file + kind + qualified name) so that re-ingesting the
// same code yields the same ids instead of duplicating the graph.
import * as crypto from 'node:crypto';
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

/**
 * SHA-256 of bytes or of a string's UTF-8, in hex. The one-shot `crypto.hash` (Node 20.12 and
 * later) is several times quicker than a `Hash` object for short keys, and a link derives hundreds
 * of thousands.
 */
export const sha256Hex: (data: string | Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** A deterministic id from a string key: the first 16 bytes of its SHA-256. */
export function blockIdFromKey(key: string): BlockId {
  return sha256Hex(key).slice(0, 32);
}
