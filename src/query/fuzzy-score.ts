// Scores a candidate name against a fuzzy query, case-insensitively. Higher is better; undefined
// means "not a match". The tiers keep the ranking explainable: exact, prefix, substring,
// subsequence (abbreviations like `calcval`), then small edit distances (typos).
export const fuzzyScores = {
  exact: 1000,
  prefix: 900,
  substring: 800,
  subsequence: 600,
  typo: 500,
} as const;

/** Edits tolerated for a query of this length: one per four characters, at least one. */
export function typoBudget(length: number): number {
  return Math.max(1, Math.floor(length / 4));
}

export function fuzzyScore(candidate: string, query: string): number | undefined {
  const name = candidate.toLowerCase();
  const wanted = query.toLowerCase();
  if (name === wanted) return fuzzyScores.exact;
  // Within a tier, shorter candidates (closer to the query) rank first.
  const lengthPenalty = Math.min(99, Math.abs(name.length - wanted.length));
  if (name.startsWith(wanted)) return fuzzyScores.prefix - lengthPenalty;
  if (name.includes(wanted)) return fuzzyScores.substring - lengthPenalty;
  if (wanted.length >= 3 && isSubsequence(wanted, name)) return fuzzyScores.subsequence - lengthPenalty;
  const budget = typoBudget(wanted.length);
  const distance = boundedEditDistance(name, wanted, budget);
  if (distance <= budget) return fuzzyScores.typo - distance * 10 - Math.min(9, lengthPenalty);
  return undefined;
}

function isSubsequence(needle: string, haystack: string): boolean {
  let position = 0;
  for (let index = 0; index < haystack.length && position < needle.length; index++) {
    if (haystack[index] === needle[position]) position++;
  }
  return position === needle.length;
}

/**
 * Optimal-string-alignment distance (adjacent swaps count as one edit), computed only while it
 * can stay within `bound`; returns bound + 1 as soon as it cannot.
 */
export function boundedEditDistance(left: string, right: string, bound: number): number {
  if (Math.abs(left.length - right.length) > bound) return bound + 1;
  let previousPrevious: number[] = [];
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    let rowMinimum = row;
    for (let column = 1; column <= right.length; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let value = Math.min(
        (previous[column] ?? 0) + 1,
        (current[column - 1] ?? 0) + 1,
        (previous[column - 1] ?? 0) + cost,
      );
      const swapped =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (swapped) value = Math.min(value, (previousPrevious[column - 2] ?? 0) + 1);
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > bound) return bound + 1;
    previousPrevious = previous;
    previous = current;
  }
  return previous[right.length] ?? bound + 1;
}
