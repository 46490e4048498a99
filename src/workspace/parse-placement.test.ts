// Where a sync parses its changed files: in the calling thread only when that cannot hold a
// yielding caller (a server answering queries) for long; otherwise in workers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limits } from '../core/limits.js';
import type { LanguageId } from '../ingest/index.js';
import { parsesInThread } from './sync.js';

const small = { size: 2_000, language: 'typescript' as LanguageId };
const large = { size: limits.syncInThreadParseFileBytesMax + 1, language: 'typescript' as LanguageId };
const none = new Set<LanguageId>();
const typescript = new Set<LanguageId>(['typescript']);

describe('parse placement', () => {
  it('a sync that does not yield parses a few files here, whatever their size or language', () => {
    assert.equal(parsesInThread([small, large], Number.POSITIVE_INFINITY, none), true);
  });

  it('a sync that does not yield parses here what ingestion would: up to a few hundred small files', () => {
    // Starting a worker compiles the grammar and warms the JIT again; for a link of rxjs's 252
    // files that made the parse phase about 40 % slower than parsing them here.
    const batch = Array.from({ length: limits.ingestBatchFiles }, () => small);
    assert.equal(parsesInThread(batch, Number.POSITIVE_INFINITY, none), true);
    const most = Array.from({ length: limits.ingestInThreadFilesMax }, () => ({ ...small, size: 10 }));
    assert.equal(parsesInThread(most, Number.POSITIVE_INFINITY, none), true);
    assert.equal(parsesInThread([...most, small], Number.POSITIVE_INFINITY, none), false);
    const heavy = { size: limits.ingestInThreadBytesMax / 2 + 1, language: 'typescript' as LanguageId };
    assert.equal(parsesInThread([heavy, heavy], Number.POSITIVE_INFINITY, typescript), false);
  });

  it('a yielding sync sends a batch of files or more to workers', () => {
    const many = Array.from({ length: limits.ingestBatchFiles }, () => small);
    assert.equal(parsesInThread(many, 8, typescript), false);
  });

  it('a yielding sync never pays for a language this thread has not parsed yet', () => {
    // Loading the grammar and compiling its queries is one step that cannot yield.
    assert.equal(parsesInThread([small], 8, none), false);
    assert.equal(parsesInThread([small, { size: 10, language: 'python' }], 8, typescript), false);
  });

  it('a yielding sync parses small files of warm languages here, and sends large ones away', () => {
    assert.equal(parsesInThread([small, small], 8, typescript), true);
    assert.equal(parsesInThread([small, large], 8, typescript), false);
  });
});
