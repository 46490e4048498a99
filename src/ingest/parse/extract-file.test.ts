// extractFile on awkward input: invalid UTF-8, empty files, a byte-order mark, deep nesting
// (the walk must not recurse), content beyond the block limit, and determinism.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limits } from '../../core/limits.js';
import { extractFile } from './extract-file.js';
import type { LanguageId } from '../facts.js';
import { countLines, cutContent, signatureOf } from './source-text.js';

describe('extractFile', () => {
  it('replaces invalid UTF-8 and flags it, keeping the rest of the file', async () => {
    const bytes = Buffer.concat([
      Buffer.from('def ok():\n    return "'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"\n'),
    ]);
    const facts = await extractFile('python', 'bad.py', bytes);
    assert.equal(facts.invalidUtf8, true);
    assert.ok(facts.entities.some((entity) => entity.qualifiedName === 'bad.ok'));
  });

  it('yields only the module for an empty file', async () => {
    const facts = await extractFile('typescript', 'empty.ts', new Uint8Array());
    assert.equal(facts.entities.length, 1);
    assert.equal(facts.entities[0]?.kind, 'module');
    assert.equal(facts.lines, 0);
    assert.equal(facts.syntaxErrors, 0);
  });

  it('ignores a byte-order mark', async () => {
    const facts = await extractFile(
      'typescript',
      'bom.ts',
      Buffer.from('\uFEFFexport function f() {}\n', 'utf8'),
    );
    assert.equal(facts.entities[1]?.lineStart, 1);
    assert.equal(facts.syntaxErrors, 0);
  });

  it('walks very deep nesting without recursion', async () => {
    const depth = 5000;
    const source = `export const deep = ${'['.repeat(depth)}f()${']'.repeat(depth)};\n`;
    const facts = await extractFile('typescript', 'deep.ts', source);
    assert.equal(facts.calls.length, 1);
  });

  it('cuts content at the block limit and records the original length', async () => {
    const body = 'x'.repeat(limits.ingestContentBytesMax);
    const facts = await extractFile('typescript', 'long.ts', `export const long = "${body}";\n`);
    const constant = facts.entities.find((entity) => entity.name === 'long');
    assert.ok(constant?.contentLength !== undefined && constant.contentLength > limits.ingestContentBytesMax);
    assert.ok(Buffer.byteLength(constant.content ?? '') <= limits.ingestContentBytesMax);
    assert.ok(constant.content?.startsWith('export const long = "xxx'));
  });

  it('produces identical facts for identical input', async () => {
    const source = 'class A { m() { return b(); } }\nfunction b() { return 1; }\n';
    assert.deepEqual(
      await extractFile('typescript', 'a.ts', source),
      await extractFile('typescript', 'a.ts', source),
    );
  });
});

describe('source text helpers', () => {
  it('cuts multi-byte text on a character boundary', () => {
    const cut = cutContent('é'.repeat(limits.ingestContentBytesMax));
    assert.ok(!cut.text.endsWith('\uFFFD'));
    assert.ok(Buffer.byteLength(cut.text) <= limits.ingestContentBytesMax);
  });

  it('takes the first line of a declaration as its signature, without an opening brace', () => {
    const source = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    assert.equal(signatureOf(source, 0, source.length), 'export function add(a: number, b: number): number');
  });

  it('joins a header whose parameters span lines into one line', () => {
    const typescript =
      'export function merge<T, R>(\n  source: Observable<T>,\n  project: (value: T) => R,\n  limit = [1, 2],\n): Result<R> {\n  return run(source);\n}\n';
    assert.equal(
      signatureOf(typescript, 0, typescript.length),
      'export function merge<T, R>(source: Observable<T>, project: (value: T) => R, limit = [1, 2]): Result<R>',
    );
    const python = 'def fetch(\n    url,\n    timeout=10,\n):\n    return get(url)\n';
    assert.equal(signatureOf(python, 0, python.length), 'def fetch(url, timeout=10):');
    // Balanced on its first line: the lines after are the body, not the header.
    const oneLine = 'def run(a):\n    return (a +\n        1)\n';
    assert.equal(signatureOf(oneLine, 0, oneLine.length), 'def run(a):');
  });

  it('ends the header where the body starts when the grammar says so', () => {
    const cpp = 'int get(int key) override { return cache_->lookup(key); }\n';
    assert.equal(signatureOf(cpp, 0, cpp.length, cpp.indexOf('{')), 'int get(int key) override');
  });

  it('ends a parsed declaration at its body, in every grammar that names one', async () => {
    const cases: [LanguageId, string, string][] = [
      ['cpp', 'class A {\n  int get(int k) { return k; }\n};\n', 'int get(int k)'],
      ['java', 'class A {\n  int get(int k) { return k; }\n}\n', 'int get(int k)'],
      ['typescript', 'export class A {\n  get(k: number) { return k; }\n}\n', 'get(k: number)'],
      ['python', 'class A:\n    def get(self, k): return k\n', 'def get(self, k):'],
    ];
    for (const [language, source, expected] of cases) {
      const facts = await extractFile(language, `a.${language}`, source);
      const method = facts.entities.find((entity) => entity.name === 'get');
      assert.equal(method?.signature, expected, language);
    }
  });

  it('caps a header that never closes at the signature limit', () => {
    const open = `f(${'a,\n'.repeat(limits.ingestSignatureCharsMax)}`;
    const signature = signatureOf(open, 0, open.length);
    assert.equal(signature.length, limits.ingestSignatureCharsMax);
    assert.ok(signature.endsWith('…'));
  });

  it('counts lines, ignoring a final newline', () => {
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\nb'), 2);
  });
});
