// What the query commands about named targets (show, trace, path, context) share: the --workspace
// and --all scope of the request, and printing an answer in the format asked for.
import type { CommandContext } from '../command.js';
import { colourEnabled } from '../io.js';
import { flag, type OptionSpec, type ParsedOptions } from '../options.js';
import { csvText, jsonText, optionalText, queryOptions, type OutputFormat } from '../output-format.js';
import { makeStyle, type Style } from '../render/style.js';

/** The options of every query, and --all (take every entity a name matches). */
export const targetQueryOptions = {
  ...queryOptions,
  all: { type: 'boolean' },
} as const satisfies OptionSpec;

/** --all and --workspace as request fields; the workspace is left out when not given. */
export function queryScope(parsed: ParsedOptions): { all: boolean; workspace?: string } {
  const workspace = optionalText(parsed, 'workspace');
  return { all: flag(parsed, 'all'), ...(workspace === undefined ? {} : { workspace }) };
}

export interface AnswerPrinters<Answer> {
  /** The JSON schema name (docs/cli.md). */
  readonly schema: string;
  readonly text: (answer: Answer, style: Style) => string;
  readonly csv?: {
    readonly header: readonly string[];
    readonly rows: (answer: Answer) => readonly (readonly (string | number | boolean | undefined)[])[];
  };
}

/** Prints an answer as JSON, CSV (when the command has it) or text, and returns the exit code. */
export function printAnswer<Answer extends object>(
  answer: Answer,
  format: OutputFormat,
  context: CommandContext,
  printers: AnswerPrinters<Answer>,
): number {
  if (format === 'json') context.io.stdout(jsonText({ schema: printers.schema, ...answer }));
  else if (format === 'csv' && printers.csv !== undefined) {
    context.io.stdout(csvText(printers.csv.header, printers.csv.rows(answer)));
  } else context.io.stdout(printers.text(answer, makeStyle(colourEnabled(context.io, context.env))));
  return 0;
}
