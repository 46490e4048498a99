// Text helpers shared by every language: decoding file bytes, cutting block content at the limit,
// and the one-line signature of a declaration.
import { limits } from '../../core/limits.js';

export interface DecodedSource {
  readonly text: string;
  readonly invalidUtf8: boolean;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false });

/** Decodes UTF-8, replacing invalid sequences rather than failing, and says whether it had to. */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  try {
    return { text: strictDecoder.decode(bytes), invalidUtf8: false };
  } catch {
    return { text: lenientDecoder.decode(bytes), invalidUtf8: true };
  }
}

/** Whether the first `limits.binarySniffBytes` contain a NUL byte, the mark of a binary file. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, limits.binarySniffBytes);
  for (let index = 0; index < end; index++) if (bytes[index] === 0) return true;
  return false;
}

export interface CutText {
  readonly text: string;
  /** The original length in UTF-16 code units when the text was cut. */
  readonly originalLength?: number;
}

/** Cuts `text` so its UTF-8 encoding fits in `limits.ingestContentBytesMax`. */
export function cutContent(text: string): CutText {
  const max = limits.ingestContentBytesMax;
  // Three bytes per UTF-16 unit is the UTF-8 worst case, so short texts need no measuring.
  if (text.length * 3 <= max || Buffer.byteLength(text, 'utf8') <= max) return { text };
  const kept = Buffer.from(text, 'utf8').subarray(0, max).toString('utf8');
  // A multi-byte character split at the cut decodes as U+FFFD; drop it.
  return { text: kept.endsWith('\uFFFD') ? kept.slice(0, -1) : kept, originalLength: text.length };
}

/** The first line of a declaration, trimmed and capped: its header, without the body. */
export function signatureOf(source: string, startIndex: number, endIndex: number): string {
  const max = limits.ingestSignatureCharsMax;
  let end = source.indexOf('\n', startIndex);
  if (end < 0 || end > endIndex) end = endIndex;
  if (end - startIndex > max * 2) end = startIndex + max * 2;
  let line = source.slice(startIndex, end).trim();
  // A body opened on the same line adds nothing to the header.
  if (line.endsWith('{')) line = line.slice(0, -1).trimEnd();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Number of lines in `text` (a trailing newline does not start a new line). */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let lines = 1;
  let index = text.indexOf('\n');
  while (index >= 0) {
    if (index < text.length - 1) lines++;
    index = text.indexOf('\n', index + 1);
  }
  return lines;
}
