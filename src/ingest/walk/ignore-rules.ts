// Nested ignore files (.gitignore and .kausalignore) with git's precedence: rules of a deeper
// directory come later and win, a `!pattern` can re-include, and nothing below an ignored
// directory is visited at all (so it cannot be re-included, as in git).
import ignore, { type Ignore } from 'ignore';

export const ignoreFileNames = ['.gitignore', '.kausalignore'] as const;

interface RuleSet {
  /** The directory the rules were read in, relative to the root ('' for the root). */
  readonly base: string;
  readonly matcher: Ignore;
}

export class IgnoreRules {
  private constructor(private readonly sets: readonly RuleSet[]) {}

  static empty(): IgnoreRules {
    return new IgnoreRules([]);
  }

  /** These rules plus those read in `base` (the text of its ignore files, in order). */
  with(base: string, texts: readonly string[]): IgnoreRules {
    if (texts.length === 0) return this;
    const matcher = ignore({ allowRelativePaths: true });
    for (const text of texts) matcher.add(text);
    return new IgnoreRules([...this.sets, { base, matcher }]);
  }

  /** Whether `path` (relative to the root) is ignored; directories are tested with a trailing slash. */
  ignores(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const set of this.sets) {
      const relative = set.base === '' ? path : path.slice(set.base.length + 1);
      const result = set.matcher.test(isDirectory ? `${relative}/` : relative);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }
}
