// Encoding of stored values. A block value is three length-prefixed UTF-8 strings
// (sourceUri, metadata JSON, content); an edge value is its properties (edge-properties.ts).
// Lengths are u32 little-endian. Decoding checks every length against the bytes it has.
import { isAscii } from 'node:buffer';
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

export interface DecodedBlockHeader {
  readonly sourceUri: string;
  readonly metadataJson: string;
  /** The content's length in UTF-16 code units, as `content.length` of the decoded string. */
  readonly contentLength: number;
}

/** Where the next length-prefixed string of a value lies; throws when it overruns `end`. */
function stringBounds(source: Buffer, offset: number, end: number, where: string): number {
  if (offset + 4 > end) throw valueCorrupt(where);
  const stringEnd = offset + 4 + source.readUInt32LE(offset);
  if (stringEnd > end) throw valueCorrupt(where);
  return stringEnd;
}

/** The ends of a block value's source URI and metadata, its content filling the rest exactly. */
function blockValueBounds(source: Buffer, start: number, end: number, where: string): [number, number] {
  const uriEnd = stringBounds(source, start, end, where);
  const metadataEnd = stringBounds(source, uriEnd, end, where);
  if (stringBounds(source, metadataEnd, end, where) !== end) throw valueCorrupt(where);
  return [uriEnd, metadataEnd];
}

export function readBlockValue(source: Buffer, start: number, end: number, where: string): DecodedBlockValue {
  const [uriEnd, metadataEnd] = blockValueBounds(source, start, end, where);
  return {
    sourceUri: source.utf8Slice(start + 4, uriEnd),
    metadataJson: source.utf8Slice(uriEnd + 4, metadataEnd),
    content: source.utf8Slice(metadataEnd + 4, end),
  };
}

/**
 * The value without its content, whose length is counted instead: for ASCII (nearly all source
 * code) that is its byte length, checked natively without making a string; anything else is
 * decoded, so the count matches `content.length` exactly (replacement characters included).
 */
export function readBlockHeader(
  source: Buffer,
  start: number,
  end: number,
  where: string,
): DecodedBlockHeader {
  const [uriEnd, metadataEnd] = blockValueBounds(source, start, end, where);
  const contentStart = metadataEnd + 4;
  const ascii = contentStart === end || isAscii(source.subarray(contentStart, end));
  return {
    sourceUri: source.utf8Slice(start + 4, uriEnd),
    metadataJson: source.utf8Slice(uriEnd + 4, metadataEnd),
    contentLength: ascii ? end - contentStart : source.utf8Slice(contentStart, end).length,
  };
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
