// Entity texts sent from a parse worker as ranges of the module's text come back exactly as
// extracted, whatever the file: nested classes, repeated texts, Windows line ends, characters
// outside the BMP, a module text cut short, and a damaged range refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limits } from '../../core/limits.js';
import type { LanguageId } from '../facts.js';
import { extractFile } from '../parse/extract-file.js';
import type { ParseOutcome } from './parse-job.js';
import { packOutcome, unpackOutcome } from './shared-content.js';

async function parsed(language: LanguageId, path: string, text: string): Promise<ParseOutcome> {
  const facts = await extractFile(language, path, Buffer.from(text, 'utf8'));
  return { path, status: 'parsed', facts, parseMs: 1 };
}

/** Packs and unpacks through a structured clone, as the message between threads does. */
function roundTrip(outcome: ParseOutcome): { message: ReturnType<typeof packOutcome>; back: ParseOutcome } {
  const message = structuredClone(packOutcome(outcome));
  return { message, back: unpackOutcome(structuredClone(message)) };
}

function contentsOf(outcome: ParseOutcome): (string | undefined)[] {
  return outcome.status === 'parsed' ? outcome.facts.entities.map((entity) => entity.content) : [];
}

const body = (name: string): string =>
  `  ${name}(value: number): number {\n    const doubled = value * 2; // a body long enough to share\n    return doubled + 1;\n  }\n`;

describe('entity texts between a parse worker and the pool', () => {
  it('sends nested texts as ranges of the module text and restores them exactly', async () => {
    const text = [
      'export class Outer {\n',
      body('first'),
      body('second'),
      '}\n',
      'export class Twin {\n',
      body('first'), // the same text as Outer.first: either place serves
      '}\n',
      "export function emoji(): string {\n  return '😀 ünïcödé text that is long enough to be shared';\n}\n",
    ].join('');
    const outcome = await parsed('typescript', 'src/nested.ts', text);
    const { message, back } = roundTrip(outcome);
    assert.ok(message.status === 'parsed' && message.contentRanges !== undefined);
    const sent = contentsOf(message);
    assert.ok(sent.filter((content) => content === '').length >= 5, 'classes, methods and the function');
    assert.deepStrictEqual(back, outcome);
  });

  it('restores texts under Windows line ends and after a module text cut short', async () => {
    const crlf = await parsed('python', 'win.py', body('def f').replace(/\n/g, '\r\n'));
    assert.deepStrictEqual(roundTrip(crlf).back, crlf);

    const filler = `# ${'x'.repeat(100)}\n`.repeat(Math.ceil(limits.ingestContentBytesMax / 100));
    const late = `${filler}def late_function(value):\n    return value * 2  # beyond the module text's cut\n`;
    const cut = await parsed('python', 'long.py', late);
    assert.ok(cut.status === 'parsed' && cut.facts.entities[0]?.contentLength !== undefined);
    const { message, back } = roundTrip(cut);
    assert.ok(contentsOf(message).at(-1)?.startsWith('def late_function'), 'sent as it is');
    assert.deepStrictEqual(back, cut);
  });

  it('passes other outcomes through and refuses a range outside the module text', async () => {
    const binary: ParseOutcome = { path: 'b.bin', status: 'binary', reason: 'contains a NUL byte' };
    assert.deepStrictEqual(roundTrip(binary).back, binary);

    const outcome = await parsed('typescript', 'src/a.ts', `export class A {\n${body('m')}}\n`);
    const message = packOutcome(outcome);
    assert.ok(message.status === 'parsed' && message.contentRanges !== undefined);
    const damaged = { ...message, contentRanges: Int32Array.from([1, 1_000_000, 10]) };
    assert.throws(() => unpackOutcome(damaged), /content range outside src\/a\.ts/);
  });
});
