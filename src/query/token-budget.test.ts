import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedEditDistance, fuzzyScore } from './fuzzy-score.js';
import { BudgetedDocument, cutToChars, estimateTokens, fenceFor } from './token-budget.js';

describe('token budget', () => {
  it('estimates four characters per token, rounding up', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('abcd'), 1);
    assert.equal(estimateTokens('abcde'), 2);
  });

  it('fills a document without ever passing its budget, headings counted once', () => {
    const document = new BudgetedDocument(30, ['a', 'b'] as const, { a: '#A\n', b: '#B\n' });
    assert.equal(document.tryAdd('b', 'x'.repeat(10)), true); // 3 + 10
    assert.equal(document.tryAdd('a', 'y'.repeat(20)), false); // 3 + 20 > 17
    assert.equal(document.tryAdd('b', 'z'.repeat(17)), true); // heading already paid
    assert.equal(document.remainingChars, 0);
    assert.equal(document.render(), `#B\n${'x'.repeat(10)}${'z'.repeat(17)}`);
  });

  it('cuts code at line boundaries and fences code containing backticks', () => {
    assert.deepEqual(cutToChars('one\ntwo\nthree', 8), { text: 'one\ntwo', cutLines: 1 });
    assert.deepEqual(cutToChars('short', 80), { text: 'short', cutLines: 0 });
    assert.equal(fenceFor('no ticks'), '```');
    assert.equal(fenceFor('a ```` b'), '`````');
  });
});

describe('fuzzy score', () => {
  it('orders exact, prefix, substring, abbreviation and typo matches', () => {
    const scores = ['main', 'mainLoop', 'getMain', 'mxaxixn', 'mian'].map((name) => fuzzyScore(name, 'main'));
    assert.deepEqual(
      scores.map((score) => score !== undefined),
      [true, true, true, true, true],
    );
    const [exact, prefix, substring, subsequence, typo] = scores as number[];
    assert.ok((exact ?? 0) > (prefix ?? 0) && (prefix ?? 0) > (substring ?? 0));
    assert.ok((substring ?? 0) > (subsequence ?? 0) && (subsequence ?? 0) > (typo ?? 0));
    assert.equal(fuzzyScore('completely_different', 'main'), undefined);
  });

  it('bounds the edit distance computation', () => {
    assert.equal(boundedEditDistance('kitten', 'sitting', 3), 3);
    assert.equal(boundedEditDistance('abcdef', 'badcfe', 3), 3, 'adjacent swaps count once');
    assert.equal(boundedEditDistance('a'.repeat(50), 'b'.repeat(50), 2), 3);
  });
});
