// Text helpers shared by every language: decoding file bytes, cutting block content at the limit,
// and the signature (header) of a declaration.
import { limits } from '../../core/limits.js';
import type { LanguageId } from '../facts.js';

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

/** Languages whose sources are shipped minified. */
const minifiedLanguages: ReadonlySet<LanguageId> = new Set(['javascript']);

/**
 * The average line length of a minified or bundled JavaScript file (webpack, esbuild, terser
 * output), when `bytes` of a file in `language` look like one; undefined otherwise: ingestion
 * skips such a file. It declares mangled names (`function e(t){…}`) that only add noise to a code
 * graph, while costing more to parse than all the readable files around it: GitHub's Linguist
 * treats such files as generated code for the same reason. Counting stops once enough line breaks
 * prove the lines short.
 */
export function looksMinified(language: LanguageId, bytes: Uint8Array): number | undefined {
  if (!minifiedLanguages.has(language) || bytes.length < limits.minifiedFileBytesMin) return undefined;
  // More line breaks than this means an average line at or below the threshold.
  const breaksMax = Math.floor(bytes.length / limits.minifiedLineCharsMin);
  let breaks = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) {
    if (++breaks > breaksMax) return undefined;
  }
  return Math.round(bytes.length / (breaks + 1));
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

/**
 * A declaration's header, without the body, trimmed and capped: its first line, continued over
 * the next lines while a parameter list or bracket opened there is still open, so that a header
 * formatted one parameter per line (`function f(\n  a: A,\n  b: B,\n): R {`) reads
 * `function f(a: A, b: B): R` instead of `function f(`. It ends at `bodyStart` when the grammar
 * says where the body begins.
 */
export function signatureOf(
  source: string,
  startIndex: number,
  endIndex: number,
  bodyStart = endIndex,
): string {
  const max = limits.ingestSignatureCharsMax;
  const limit = Math.min(endIndex, bodyStart, startIndex + max * 2);
  let end = limit;
  let depth = 0;
  let joined = false;
  for (let index = startIndex; index < limit; index++) {
    const code = source.charCodeAt(index);
    if (code === 0x28 || code === 0x5b)
      depth++; // ( [
    else if (code === 0x29 || code === 0x5d)
      depth--; // ) ]
    else if (code === 0x0a) {
      if (depth <= 0) {
        end = index;
        break;
      }
      joined = true;
    }
  }
  let header = source.slice(startIndex, end);
  if (joined) {
    header = header
      .replace(/\s+/g, ' ')
      .replace(/([([]) /g, '$1')
      .replace(/,? ([)\]])/g, '$1');
  }
  header = header.trim();
  // A body opened on the header's last line adds nothing to it.
  if (header.endsWith('{')) header = header.slice(0, -1).trimEnd();
  return header.length > max ? `${header.slice(0, max - 1)}…` : header;
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
