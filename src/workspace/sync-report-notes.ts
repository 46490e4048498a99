// Text about a sync report that both the CLI and the MCP server print. Kept apart from sync.ts,
// which loads the whole ingestion pipeline: the CLI renders reports without loading it.
import type { SyncReport } from './sync.js';

/**
 * The note on files a sync did not index whole: skipped ones (binary, minified, too large,
 * unreadable) and ones with syntax errors, of which what the parser recovered is indexed.
 * Undefined when there are none.
 */
export function filesNotIndexedNote(files: SyncReport['files']): string | undefined {
  if (files.skipped === 0 && files.withSyntaxErrors === 0) return undefined;
  const skipped = `${files.skipped} ${files.skipped === 1 ? 'file' : 'files'} skipped`;
  return `${skipped} (binary, minified, too large, unreadable), ${files.withSyntaxErrors} with syntax errors (partly indexed)`;
}
