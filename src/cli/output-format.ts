// Output formats of the query commands: text for people (the default), JSON with a stable schema
// (docs/cli.md), CSV for tabular answers. `--json` is shorthand for `--format json`.
import { limits } from '../core/limits.js';
import {
  choiceOption,
  flag,
  optionalString,
  requiredString,
  type OptionSpec,
  type ParsedOptions,
} from './options.js';
import { UsageError } from './usage-error.js';

export type OutputFormat = 'text' | 'json' | 'csv';

export const queryOptions = {
  'data-dir': { type: 'string' },
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
} as const satisfies OptionSpec;

export function outputFormat(parsed: ParsedOptions, allowed: readonly OutputFormat[]): OutputFormat {
  const chosen = choiceOption(parsed, 'format', allowed, allowed[0] ?? 'text');
  if (!flag(parsed, 'json')) return chosen;
  if (optionalString(parsed, 'format') !== undefined && chosen !== 'json') {
    throw new UsageError(`Invalid argument: --json conflicts with --format ${chosen}`);
  }
  return 'json';
}

function checkText(name: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`Invalid argument: --${name} must not be empty`);
  if (value.length > limits.queryTextCharsMax) {
    throw new UsageError(
      `Invalid argument: --${name} must be at most ${limits.queryTextCharsMax} characters`,
    );
  }
  return value;
}

/** A required name or target, refused when empty or longer than any real identifier. */
export function requiredText(parsed: ParsedOptions, name: string): string {
  return checkText(name, requiredString(parsed, name));
}

export function optionalText(parsed: ParsedOptions, name: string): string | undefined {
  const value = optionalString(parsed, name);
  return value === undefined ? undefined : checkText(name, value);
}

/** JSON output: two-space indentation and a final newline, so it reads and diffs well. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function csvField(value: string | number | boolean | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV: a header row, then one row per item, CRLF line ends. */
export function csvText(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | undefined)[])[],
): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
