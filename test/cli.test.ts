// Black-box tests of the kausal binary: it must be built first (npm test builds before testing).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
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

  it('takes --data-dir and --json before the command too, and says where other options go', () => {
    const data = mkdtempSync(join(tmpdir(), 'kausal-leading-'));
    try {
      const fixture = fileURLToPath(new URL('./fixtures/typescript/acceptance', import.meta.url));
      const linked = kausal(['--data-dir', data, 'link', '--path', fixture, '--name', 'acc']);
      assert.equal(linked.code, 0, linked.stderr);
      const found = kausal([`--data-dir=${data}`, '--json', 'find', '--name', 'helper_function']);
      assert.equal(found.code, 0, found.stderr);
      const answer = JSON.parse(found.stdout) as { results: { entity: { name: string } }[] };
      assert.deepEqual(
        answer.results.map((result) => result.entity.name),
        ['helper_function'],
      );
      // The same as written after the command.
      const after = kausal(['find', '--name', 'helper_function', '--json', '--data-dir', data]);
      assert.equal(after.stdout, found.stdout);
      // A command without the option refuses it wherever it was written.
      assert.match(kausal(['--json', 'version']).stderr, /^Unknown option: --json\n/);
      const misplaced = kausal(['--name', 'x', 'find']);
      assert.equal(misplaced.code, 2);
      assert.match(
        misplaced.stderr,
        /^Unknown option before the command: --name \(only --data-dir and --json/,
      );
      assert.match(kausal(['--data-dir']).stderr, /^Missing value for --data-dir\n/);
      assert.match(kausal(['--data-dir', data]).stderr, /^Missing command after the options\n/);
      assert.equal(kausal(['--data-dir', data, '--version']).code, 0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
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
