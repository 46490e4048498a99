// Encoding of stored values. A block value is three length-prefixed UTF-8 strings
// (sourceUri, metadata JSON, content); an edge value is its properties (edge-properties.ts).
// Lengths are u32 little-endian. Decoding checks every length against the bytes it has.
import { KausalError } from '../core/errors.js';
import type { JsonObject } from '../core/types.js';

/** Writes a u32-length-prefixed UTF-8 string at `offset`; returns the offset after it. */
export function writeString(target: Buffer, offset: number, text: string): number {
  // Skipping the native call for empty strings matters: most blocks have one or two.
  const written = text.length === 0 ? 0 : target.utf8Write(text, offset + 4);
  target.writeUInt32LE(written, offset);
  return offset + 4 + written;
}

export function writeBlockValue(
  target: Buffer,
  offset: number,
  sourceUri: string,
  metadataJson: string,
  content: string,
): number {
  offset = writeString(target, offset, sourceUri);
  offset = writeString(target, offset, metadataJson);
  return writeString(target, offset, content);
}

export interface DecodedBlockValue {
  readonly sourceUri: string;
  readonly metadataJson: string;
  readonly content: string;
}

export function readBlockValue(source: Buffer, start: number, end: number, where: string): DecodedBlockValue {
  let offset = start;
  const next = (): string => {
    if (offset + 4 > end) throw valueCorrupt(where);
    const length = source.readUInt32LE(offset);
    const stringEnd = offset + 4 + length;
    if (stringEnd > end) throw valueCorrupt(where);
    const text = source.utf8Slice(offset + 4, stringEnd);
    offset = stringEnd;
    return text;
  };
  const sourceUri = next();
  const metadataJson = next();
  const content = next();
  if (offset !== end) throw valueCorrupt(where);
  return { sourceUri, metadataJson, content };
}

/** Parses stored JSON that must be an object (block metadata, edge properties in JSON form). */
export function parseJsonObject(json: string, where: string): JsonObject {
  if (json === '{}') return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new KausalError('CORRUPTION', `stored JSON in ${where} does not parse`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KausalError('CORRUPTION', `stored JSON in ${where} is not an object`);
  }
  return value as JsonObject;
}

function valueCorrupt(where: string): KausalError {
  return new KausalError('CORRUPTION', `malformed block value in ${where}`);
}
