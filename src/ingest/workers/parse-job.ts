// One unit of parsing work, the same in a worker thread and in the main thread: read the file,
// refuse it if it grew past the size limit or is binary, extract its facts. Every failure is an
// outcome with a reason, never an exception, so one bad file cannot stop a run.
import { readFileSync } from 'node:fs';
import type { FileFacts, LanguageId } from '../facts.js';
import { extractLoaded, prepareLanguages } from '../parse/extract-file.js';
import { looksBinary, looksMinified } from '../parse/source-text.js';

export interface ParseJob {
  readonly path: string;
  readonly absolutePath: string;
  readonly language: LanguageId;
  /** The file's size when known: the pool balances batches by bytes as well as by count. */
  readonly bytes?: number;
}

export type ParseStatus = 'parsed' | 'binary' | 'minified' | 'too-large' | 'unreadable' | 'failed';

export type ParseOutcome =
  | { readonly path: string; readonly status: 'parsed'; readonly facts: FileFacts; readonly parseMs: number }
  | { readonly path: string; readonly status: Exclude<ParseStatus, 'parsed'>; readonly reason: string };

export async function runParseJob(job: ParseJob, fileBytesMax: number): Promise<ParseOutcome> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(job.absolutePath);
  } catch (error) {
    return { path: job.path, status: 'unreadable', reason: messageOf(error) };
  }
  if (bytes.length > fileBytesMax) {
    return {
      path: job.path,
      status: 'too-large',
      reason: `${bytes.length} bytes; the limit is ${fileBytesMax} bytes`,
    };
  }
  if (looksBinary(bytes)) return { path: job.path, status: 'binary', reason: 'contains a NUL byte' };
  const lineChars = looksMinified(job.language, bytes);
  if (lineChars !== undefined) {
    const reason = `minified or bundled: lines average ${lineChars} characters`;
    return { path: job.path, status: 'minified', reason };
  }
  const started = performance.now();
  try {
    await prepareLanguages([job.language]);
    const facts = extractLoaded(job.language, job.path, bytes);
    return { path: job.path, status: 'parsed', facts, parseMs: performance.now() - started };
  } catch (error) {
    return { path: job.path, status: 'failed', reason: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
