import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commands } from './index.js';

describe('command registry', () => {
  it('lists each command once, each with a summary and a usage page', () => {
    assert.equal(new Set(commands.map((command) => command.name)).size, commands.length);
    for (const command of commands) {
      assert.ok(command.summary.length > 0, command.name);
      assert.match(command.help, /^Usage: kausal /, command.name);
    }
  });
});
