import { limits } from '../../core/limits.js';
import type { Command } from '../command.js';
import { integerOption, parseOptions } from '../options.js';
import { outputFormat, requiredText } from '../output-format.js';
import { queryRequest } from '../backend-session.js';
import { reportUnresolved } from '../render/unresolved-text.js';
import { printAnswer, queryScope, targetQueryOptions } from './query-output.js';

export const contextCommand: Command = {
  name: 'context',
  summary: 'The context an LLM needs to work on a target, within a token budget',
  help: `Usage: kausal context --target T [options]

Prints a Markdown bundle: the target's source, the signatures and locations of its
callees and callers (exact edges before guesses), its enclosing type and supertypes,
then callee and caller sources while the budget allows, and a summary of what was
left out. Tokens are estimated as characters / ${limits.contextCharsPerToken}.

  --target T          a name, qualified name (Store.get), file:name, or block id
  --budget-tokens N   ${limits.contextBudgetTokensMin} to ${limits.contextBudgetTokensMax} (default ${limits.contextBudgetTokensDefault})
  --workspace W       only this workspace
  --all               when the target matches several entities, bundle them all
  --format F          text (default: the bundle), json;  --json is --format json
  --data-dir DIR      database directory
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      ...targetQueryOptions,
      target: { type: 'string' },
      'budget-tokens': { type: 'string' },
    });
    const target = requiredText(parsed, 'target');
    const budgetTokens = integerOption(
      parsed,
      'budget-tokens',
      limits.contextBudgetTokensDefault,
      limits.contextBudgetTokensMin,
      limits.contextBudgetTokensMax,
    );
    const format = outputFormat(parsed, ['text', 'json']);
    const answer = await queryRequest(parsed, context, 'context', {
      target,
      budgetTokens,
      ...queryScope(parsed),
    });
    if (answer.status !== 'ok') return reportUnresolved(answer, format, context.io, 'kausal.context/1');
    // The bundle is Markdown for a model, not terminal text: it is printed as built, uncoloured.
    return printAnswer(answer, format, context, {
      schema: 'kausal.context/1',
      text: (bundle) => bundle.text,
    });
  },
};
