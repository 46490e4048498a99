import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commands } from './index.js';

describe('command registry', () => {
  it('lists each command once, with the name and summary of the module it loads', async () => {
    assert.equal(new Set(commands.map((entry) => entry.name)).size, commands.length);
    for (const entry of commands) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(command.summary, entry.summary, entry.name);
      assert.match(command.help, /^Usage: kausal /, entry.name);
    }
  });
});
