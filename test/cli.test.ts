// Black-box tests of the kausal binary: it must be built first (npm test builds before testing).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kausal } from './helpers/kausal.js';

describe('kausal CLI basics', () => {
  it('prints its version', () => {
    const result = kausal(['version']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^KausalDB v\d+\.\d+\.\d+\n$/);
  });

  it('prints help with no arguments and for a topic', () => {
    assert.match(kausal([]).stdout, /Usage: kausal <command>/);
    assert.match(kausal(['help', 'version']).stdout, /Usage: kausal version/);
  });

  it("prints a command's help for --help or -h after it, with exit code 0", () => {
    for (const args of [
      ['show', '--help'],
      ['show', '--relation', 'callers', '-h'],
      ['server', 'start', '--help'],
    ]) {
      const result = kausal(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`Usage: kausal ${args[0] as string}`));
    }
    // After `--` it is an argument like any other, not a request for help.
    assert.notEqual(kausal(['find', '--', '--help']).code, 0);
  });

  it('answers an unknown command with a usage error, exit code 2 and the hint', () => {
    const result = kausal(['frobnicate']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, "Unknown command: frobnicate\nRun 'kausal help' for usage information\n");
  });

  it('never prints a stack trace for hostile input', () => {
    for (const args of [['\u0007\u001b[31m'], ['x'.repeat(100_000)], ['help', '💥'], ['version', '--nope']]) {
      const result = kausal(args);
      assert.equal(result.code, 2, `args ${JSON.stringify(args).slice(0, 40)}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.ok(result.stderr.length < 500);
    }
  });
});
