import { requiredString, type ParsedOptions } from '../options.js';

/** Checks required options in the order the usage line lists them, so the first missing is named. */
export function missingRequired(parsed: ParsedOptions, names: readonly string[]): void {
  for (const name of names) requiredString(parsed, name);
}
