// The acceptance scenario, in Zig, TypeScript and Python: `main` calls `helper_function` and
// `utils.utility_function` (a separate module), `helper_function` calls `calculate_value`,
// `utility_function` calls `add_numbers`. The calls edges must be exactly these four.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingestFixture } from '../test-support.js';

const scenarios = [
  {
    language: 'python',
    names: [
      'main.main',
      'main.helper_function',
      'main.calculate_value',
      'utils.utility_function',
      'utils.add_numbers',
    ],
  },
  {
    language: 'zig',
    names: [
      'main.main',
      'main.helper_function',
      'main.calculate_value',
      'utils.utility_function',
      'utils.add_numbers',
    ],
  },
  {
    language: 'typescript',
    names: ['main', 'helper_function', 'calculate_value', 'utility_function', 'add_numbers'],
  },
] as const;

describe('acceptance scenario', () => {
  for (const { language, names } of scenarios) {
    it(`${language}: exactly the four calls edges, each resolved`, async () => {
      const graph = await ingestFixture(`${language}/acceptance`);
      const [main, helper, calculate, utility, add] = names;
      assert.deepEqual(
        [...graph.pairs('calls')].sort(),
        [
          `${main} -> ${helper}`,
          `${main} -> ${utility}`,
          `${helper} -> ${calculate}`,
          `${utility} -> ${add}`,
        ].sort(),
      );
      assert.equal(graph.resolution(main, utility), 'import');
      assert.equal(graph.resolution(main, helper), 'lexical');
      assert.equal(graph.resolution(utility, add), 'lexical');
      // The builtin call (console.log, print, std.debug.print) is counted, never an edge.
      const helperBlock = graph.block(helper);
      assert.equal(helperBlock?.metadata['callSites'], 2);
      const notResolved =
        Number(helperBlock?.metadata['externalCalls']) + Number(helperBlock?.metadata['unresolvedCalls']);
      assert.equal(notResolved, 1);
    });
  }
});
