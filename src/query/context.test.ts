import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limits } from '../core/limits.js';
import {
  GraphFixture,
  acceptanceGraph,
  constructedClassGraph,
  openMemoryDatabase,
} from '../testing/graph-fixture.js';
import { buildContext, type ContextAnswer, type ContextRequest } from './context.js';
import { estimateTokens } from './token-budget.js';

function ok(db: ReturnType<typeof openMemoryDatabase>, request: ContextRequest): ContextAnswer {
  const answer = buildContext({ graph: db }, request);
  assert.equal(answer.status, 'ok');
  return answer as ContextAnswer;
}

/** A function with many callers and callees of assorted sizes, some edges guessed by name. */
function busyGraph(): ReturnType<typeof openMemoryDatabase> {
  const db = openMemoryDatabase();
  const fixture = new GraphFixture('w');
  const body = (name: string, lines: number): string =>
    `def ${name}():\n${Array.from({ length: lines }, (_, index) => `    step_${index}()  # ${name}`).join('\n')}\n`;
  const target = fixture.entity({
    file: 'core.py',
    kind: 'function',
    name: 'process',
    line: 10,
    lineEnd: 70,
    content: body('process', 60),
  });
  for (let index = 0; index < 20; index++) {
    const callee = fixture.entity({
      file: `lib${index}.py`,
      kind: 'function',
      name: `callee_${index}`,
      line: 1,
      content: body(`callee_${index}`, index * 3),
    });
    fixture.call(target, callee, {
      line: 11 + index,
      ...(index % 5 === 0 ? { resolution: 'name-only', confidence: 0.5 } : {}),
    });
    const caller = fixture.entity({
      file: `app${index}.py`,
      kind: 'function',
      name: `caller_${index}`,
      line: 1,
      content: body(`caller_${index}`, 5),
    });
    fixture.call(caller, target, { line: 2 });
  }
  fixture.write(db);
  return db;
}

describe('context', () => {
  it("lists the callers of a class's constructor among the callers of the class", () => {
    const db = openMemoryDatabase();
    constructedClassGraph().fixture.write(db);
    const answer = ok(db, { target: 'Decoder', budgetTokens: 2_000 });
    assert.match(answer.text, /## Called by\n- loads \(function\) json\.py:1/);
    assert.match(answer.text, /- make \(function\) json\.py:9/);
    assert.doesNotMatch(answer.text, /## Called by[^#]*__init__/, 'the constructor is not its own caller');
  });

  it('bundles the source of main, its callees with their signatures and sources', () => {
    const db = openMemoryDatabase();
    acceptanceGraph().fixture.write(db);
    const answer = ok(db, { target: 'main' });
    assert.match(answer.text, /^# Context: main \(function\) main\.py:10-14 \[demo\]/);
    assert.match(answer.text, /## Source\n\n### main — main\.py:10-14\n```py\ndef main\(\):/);
    assert.match(
      answer.text,
      /## Calls\n- helper_function \(function\) main\.py:4; call at main\.py:11 \(lexical 1\.00\)/,
    );
    assert.match(
      answer.text,
      /- utility_function \(function\) utils\.py:4; call at main\.py:12 \(import 0\.95\)/,
    );
    assert.match(answer.text, /## Source of callees/);
    assert.deepEqual(answer.omitted, []);
    assert.equal(answer.usedTokens, estimateTokens(answer.text));
  });

  it('never exceeds the budget, whatever the budget', () => {
    const db = busyGraph();
    for (const budgetTokens of [
      limits.contextBudgetTokensMin,
      150,
      250,
      400,
      800,
      1500,
      3000,
      6000,
      20_000,
    ]) {
      const answer = ok(db, { target: 'process', budgetTokens });
      assert.ok(answer.usedTokens <= budgetTokens, `${answer.usedTokens} > ${budgetTokens}`);
      assert.ok(answer.text.length <= budgetTokens * limits.contextCharsPerToken);
      assert.ok(answer.text.startsWith('# Context: process'), 'the header always comes first');
    }
  });

  it('ranks exact edges before guesses, and summarises what was left out', () => {
    const db = busyGraph();
    const answer = ok(db, { target: 'process', budgetTokens: 1000 });
    const callees = answer.included
      .filter((item) => item.section === 'callees')
      .map((item) => item.entity.name);
    assert.ok(callees.length > 0);
    const firstGuess = callees.findIndex((name) =>
      ['callee_0', 'callee_5', 'callee_10', 'callee_15'].includes(name),
    );
    if (firstGuess >= 0) {
      assert.ok(
        callees
          .slice(firstGuess)
          .every((name) => ['callee_0', 'callee_5', 'callee_10', 'callee_15'].includes(name)),
      );
    }
    assert.ok(answer.omitted.length > 0);
    assert.match(answer.text, /## Left out\n- \d+ from /);
    const omittedSources = answer.omitted.find((group) => group.section === 'callerSources');
    assert.ok(omittedSources !== undefined && omittedSources.count > 0 && omittedSources.tokens > 0);
    assert.equal(answer.honesty.nameOnlyEdges, 4);
  });

  it('cuts a target source too large for the budget at a line boundary, keeping room for signatures', () => {
    const db = busyGraph();
    const answer = ok(db, { target: 'process', budgetTokens: 600 });
    const source = answer.included.find((item) => item.section === 'source');
    assert.equal(source?.truncated, true);
    assert.match(answer.text, /\(… \d+ more lines cut to fit the budget\)/);
    assert.ok(
      answer.included.some((item) => item.section === 'callees'),
      'signatures still fit',
    );
  });

  it('fences code that itself contains backticks', () => {
    const db = openMemoryDatabase();
    const fixture = new GraphFixture('w');
    fixture.entity({
      file: 'doc.ts',
      kind: 'function',
      name: 'md',
      line: 1,
      content: 'const fence = "```";\n',
    });
    fixture.write(db);
    const answer = ok(db, { target: 'md' });
    assert.match(answer.text, /\n````ts\nconst fence = "```";\n````\n/);
  });
});
