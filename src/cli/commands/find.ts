import { limits } from '../../core/limits.js';
import { kindFilters } from '../../query/kinds.js';
import { matchModes } from '../../query/name-match.js';
import type { Command } from '../command.js';
import { colourEnabled } from '../io.js';
import { choiceOption, integerOption, optionalString, parseOptions } from '../options.js';
import {
  csvText,
  jsonText,
  optionalText,
  outputFormat,
  queryOptions,
  requiredText,
} from '../output-format.js';
import { queryRequest } from '../backend-session.js';
import { findCsvHeader, findCsvRows, findText } from '../render/find-text.js';
import { makeStyle } from '../render/style.js';
import { UsageError } from '../usage-error.js';

const languagePattern = /^[a-z][a-z0-9_+-]{0,31}$/;

export const findCommand: Command = {
  name: 'find',
  summary: 'Find entities by name (simple, qualified or file:name)',
  help: `Usage: kausal find --name N [options]

Finds functions, methods, classes and other entities by name, in every workspace
unless --workspace is given.

  --name N           init, StorageEngine.init, utils.add_numbers, or src/db.ts:open
  --type T           ${kindFilters.join(', ')} (default any); --kind T is the same
  --match M          exact (default; 'mai' does not find 'main'), prefix, fuzzy
  --workspace W      only this workspace
  --language L       only this language (typescript, python, go, …)
  --max-results N    1 to ${limits.resultCountMax} (default ${limits.findResultsDefault})
  --format F         text (default), json, csv;  --json is --format json
  --data-dir DIR     database directory

Exit codes: 0 answered (even with no match), 1 runtime error, 2 usage error.
`,
  async run(args, context) {
    const parsed = parseOptions(args, {
      ...queryOptions,
      name: { type: 'string' },
      type: { type: 'string' },
      kind: { type: 'string' }, // the answers' field is `kind`: people type that too
      match: { type: 'string' },
      language: { type: 'string' },
      'max-results': { type: 'string' },
    });
    const name = requiredText(parsed, 'name');
    if (optionalString(parsed, 'type') !== undefined && optionalString(parsed, 'kind') !== undefined) {
      throw new UsageError('Invalid argument: give --type or --kind (the same filter), not both');
    }
    const kind =
      optionalString(parsed, 'kind') === undefined
        ? choiceOption(parsed, 'type', kindFilters, 'any')
        : choiceOption(parsed, 'kind', kindFilters, 'any');
    const match = choiceOption(parsed, 'match', matchModes, 'exact');
    const maxResults = integerOption(
      parsed,
      'max-results',
      limits.findResultsDefault,
      1,
      limits.resultCountMax,
    );
    const workspace = optionalText(parsed, 'workspace');
    const language = optionalText(parsed, 'language');
    if (language !== undefined && !languagePattern.test(language)) {
      throw new UsageError(
        'Invalid argument: --language must be a language name such as typescript or python',
      );
    }
    const format = outputFormat(parsed, ['text', 'json', 'csv']);
    const answer = await queryRequest(parsed, context, 'find', {
      name,
      kind,
      match,
      maxResults,
      ...(workspace === undefined ? {} : { workspace }),
      ...(language === undefined ? {} : { language }),
    });
    if (format === 'json') context.io.stdout(jsonText({ schema: 'kausal.find/1', ...answer }));
    else if (format === 'csv') context.io.stdout(csvText(findCsvHeader, findCsvRows(answer)));
    else context.io.stdout(findText(answer, makeStyle(colourEnabled(context.io, context.env))));
    return 0;
  },
};
