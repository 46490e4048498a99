// What a user types to name an entity: a simple name (`init`), a qualified name
// (`StorageEngine.init`, `utils.add_numbers`, `Store::get`), or either scoped to a file
// (`src/db.ts:open`). A single `:` separates the file; `::` is a qualifier, as in Rust and C++.
import { invalidArgument } from '../core/errors.js';
import { limits } from '../core/limits.js';
import { moduleStemOf, splitQualified } from './name-keys.js';

export interface NameSelector {
  /** The text as given (trimmed). */
  readonly text: string;
  /** A path or path suffix the entity's file must equal or end with (`db.ts`, `src/db.ts`). */
  readonly file?: string;
  /** Segments before the name (`['StorageEngine']` for `StorageEngine.init`). */
  readonly qualifier: readonly string[];
  /** The last segment: the simple name. */
  readonly name: string;
}

/** Index of the last `:` that is not part of a `::`, or -1. */
function fileSeparatorOf(text: string): number {
  for (let index = text.length - 1; index >= 0; index--) {
    if (text[index] !== ':') continue;
    if (text[index - 1] === ':' || text[index + 1] === ':') {
      index--; // skip the pair
      continue;
    }
    return index;
  }
  return -1;
}

export function checkQueryText(text: string, what: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw invalidArgument(`${what} must not be empty`);
  if (trimmed.length > limits.queryTextCharsMax) {
    throw invalidArgument(`${what} is longer than ${limits.queryTextCharsMax} characters`);
  }
  return trimmed;
}

export function parseNameSelector(input: string): NameSelector {
  const text = checkQueryText(input, 'name');
  const separator = fileSeparatorOf(text);
  const file = separator > 0 ? text.slice(0, separator).replace(/^\.\//, '') : undefined;
  const rest = separator >= 0 ? text.slice(separator + 1) : text;
  const segments = splitQualified(rest);
  const name = segments[segments.length - 1];
  if (name === undefined) throw invalidArgument(`name ${JSON.stringify(text.slice(0, 80))} has no name part`);
  return {
    text,
    ...(file === undefined || file === '' ? {} : { file }),
    qualifier: segments.slice(0, -1),
    name,
  };
}

export function qualifiedTextOf(selector: NameSelector): string {
  return [...selector.qualifier, selector.name].join('.');
}

export function fileMatches(file: string, wanted: string | undefined): boolean {
  return wanted === undefined || file === wanted || file.endsWith(`/${wanted}`);
}

function endsWith(segments: readonly string[], tail: readonly string[]): boolean {
  if (tail.length > segments.length) return false;
  const offset = segments.length - tail.length;
  return tail.every((segment, index) => segments[offset + index] === segment);
}

/**
 * True when an entity's qualified name carries the selector's qualifier right before its last
 * segment, counting the module stem as an outer segment (`utils.add_numbers`).
 */
export function qualifierMatches(
  entity: { readonly qualifiedName: string; readonly file: string },
  qualifier: readonly string[],
): boolean {
  if (qualifier.length === 0) return true;
  const segments = splitQualified(entity.qualifiedName).slice(0, -1);
  if (endsWith(segments, qualifier)) return true;
  return endsWith([...splitQualified(moduleStemOf(entity.file)), ...segments], qualifier);
}
