// Option parsing for commands, on node:util parseArgs, with the error messages of the original
// CLI: "Unknown option: --x", "Missing required argument: --target", "Invalid argument: --depth
// must be an integer between 1 and 100".
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';
import { printable } from '../core/printable.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedOptions {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

export function parseOptions(
  args: readonly string[],
  options: OptionSpec,
  allowPositionals = 0,
): ParsedOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeNumbers(args, options),
      options,
      allowPositionals: allowPositionals > 0,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  if (parsed.positionals.length > allowPositionals) {
    throw new UsageError(`Unexpected argument: ${printable(parsed.positionals[allowPositionals] ?? '')}`);
  }
  return { values: parsed.values as ParsedOptions['values'], positionals: parsed.positionals };
}

/**
 * `--depth -1` reads to parseArgs as an option missing its value. A negative number is a value
 * here, so it is joined (`--depth=-1`) and the option's own range check can name the problem.
 */
function joinNegativeNumbers(args: readonly string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const next = args[index + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      index++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']*)'/.exec(message);
  if (unknown) return `Unknown option: ${printable(unknown[1] ?? '')}`;
  const missingValue = /Option '([^']*?)(?: <value>)?' argument missing/.exec(message);
  if (missingValue) return `Missing value for ${printable((missingValue[1] ?? '').replace(/^-\w, /, ''))}`;
  const unexpected = /Unexpected argument '([^']*)'/.exec(message);
  if (unexpected) return `Unexpected argument: ${printable(unexpected[1] ?? '')}`;
  return `Invalid arguments: ${printable(message)}`;
}

export function requiredString(parsed: ParsedOptions, name: string): string {
  const value = optionalString(parsed, name);
  if (value === undefined) throw new UsageError(`Missing required argument: --${name}`);
  // Given but blank (an unset shell variable, say): saying it is missing would mislead.
  if (value.trim() === '') throw new UsageError(`Invalid argument: --${name} must not be empty`);
  return value;
}

export function optionalString(parsed: ParsedOptions, name: string): string | undefined {
  const value = parsed.values[name];
  if (Array.isArray(value)) return optionalStringOf(value[value.length - 1]);
  return optionalStringOf(value);
}

function optionalStringOf(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function flag(parsed: ParsedOptions, name: string): boolean {
  return parsed.values[name] === true;
}

/** An integer option within [min, max], or the default when absent. */
export function integerOption(
  parsed: ParsedOptions,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = optionalString(parsed, name);
  if (text === undefined) return fallback;
  const value = /^[+-]?\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`Invalid argument: --${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

/** One of a fixed set of words, or the default when absent. */
export function choiceOption<T extends string>(
  parsed: ParsedOptions,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const text = optionalString(parsed, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`Invalid argument: --${name} must be one of ${choices.join(', ')}`);
  }
  return text as T;
}
