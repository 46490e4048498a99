import { limits } from '../../core/limits.js';
import type { Command } from '../command.js';
import { integerOption, parseOptions } from '../options.js';
import { outputFormat, requiredText } from '../output-format.js';
import { queryRequest } from '../backend-session.js';
import { pathText } from '../render/path-text.js';
import { reportUnresolved } from '../render/unresolved-text.js';
import { printAnswer, queryScope, targetQueryOptions } from './query-output.js';
import { missingRequired } from './required.js';

export const pathCommand: Command = {
  name: 'path',
  summary: 'Shortest call paths from one entity to another',
  help: `Usage: kausal path --from A --to B [options]

  --from A           where the calls start: a name, Store.get, file:name, or block id
  --to B             where they should arrive
  --max-depth N      calls in a path, 1 to ${limits.traceDepthMax} (default ${limits.pathDepthDefault})
  --max-paths N      paths shown, 1 to ${limits.pathCountMax} (default ${limits.pathCountDefault})
  --workspace W      only this workspace
  --all              when a name matches several entities, use them all
  --format F         text (default), json;  --json is --format json
  --data-dir DIR     database directory

Every path listed has the minimal length. "No call path … within depth N" is an answer
(exit 0), as is a search that stopped at its visit cap (it says so).
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      ...targetQueryOptions,
      from: { type: 'string' },
      to: { type: 'string' },
      'max-depth': { type: 'string' },
      'max-paths': { type: 'string' },
    });
    missingRequired(parsed, ['from', 'to']);
    const from = requiredText(parsed, 'from');
    const to = requiredText(parsed, 'to');
    const maxDepth = integerOption(parsed, 'max-depth', limits.pathDepthDefault, 1, limits.traceDepthMax);
    const maxPaths = integerOption(parsed, 'max-paths', limits.pathCountDefault, 1, limits.pathCountMax);
    const format = outputFormat(parsed, ['text', 'json']);
    const answer = await queryRequest(parsed, context, 'path', {
      from,
      to,
      maxDepth,
      maxPaths,
      ...queryScope(parsed),
    });
    if (answer.status !== 'ok') {
      return reportUnresolved(answer, format, context.io, 'kausal.path/1', `--${answer.side}`);
    }
    return printAnswer(answer, format, context, { schema: 'kausal.path/1', text: pathText });
  },
};
