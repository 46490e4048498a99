import { limits } from '../../core/limits.js';
import { relationNames, relations } from '../../query/relations.js';
import type { Command } from '../command.js';
import { choiceOption, integerOption, parseOptions } from '../options.js';
import { outputFormat, requiredText } from '../output-format.js';
import { queryRequest } from '../backend-session.js';
import { showCsvHeader, showCsvRows, showText } from '../render/show-text.js';
import { reportUnresolved } from '../render/unresolved-text.js';
import { printAnswer, queryScope, targetQueryOptions } from './query-output.js';
import { missingRequired } from './required.js';

const relationLines = relationNames
  .map((name) => `    ${name.padEnd(15)} ${relations[name].meaning}`)
  .join('\n');

export const showCommand: Command = {
  name: 'show',
  summary: 'Show a relation of a target: callers, callees, imports, …',
  help: `Usage: kausal show --relation R --target T [options]

  --relation R       one of:
${relationLines}
  --target T         a name (helper), qualified name (Store.get), file:name, or block id
  --workspace W      only this workspace
  --max-depth N      1 to ${limits.traceDepthMax} (default ${limits.showDepthDefault}): follow the relation further
  --max-results N    1 to ${limits.resultCountMax} (default ${limits.showResultsDefault})
  --all              when the target matches several entities, use them all
  --format F         text (default), json, csv;  --json is --format json
  --data-dir DIR     database directory

A target that matches several entities is not guessed: the candidates are listed with
the exact --target that selects each. Exit codes: 0 answered, 1 runtime error or an
ambiguous / unknown target, 2 usage error.
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      ...targetQueryOptions,
      relation: { type: 'string' },
      target: { type: 'string' },
      'max-depth': { type: 'string' },
      'max-results': { type: 'string' },
    });
    missingRequired(parsed, ['relation', 'target']);
    const relation = choiceOption(parsed, 'relation', relationNames, 'callers');
    const target = requiredText(parsed, 'target');
    const maxDepth = integerOption(parsed, 'max-depth', limits.showDepthDefault, 1, limits.traceDepthMax);
    const maxResults = integerOption(
      parsed,
      'max-results',
      limits.showResultsDefault,
      1,
      limits.resultCountMax,
    );
    const format = outputFormat(parsed, ['text', 'json', 'csv']);
    const answer = await queryRequest(parsed, context, 'show', {
      target,
      relation,
      maxDepth,
      maxResults,
      ...queryScope(parsed),
    });
    if (answer.status !== 'ok') return reportUnresolved(answer, format, context.io, 'kausal.show/1');
    return printAnswer(answer, format, context, {
      schema: 'kausal.show/1',
      text: showText,
      csv: { header: showCsvHeader, rows: showCsvRows },
    });
  },
};
