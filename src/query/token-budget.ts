// Token estimates and a document that fills up to a budget. A token is estimated as
// `contextCharsPerToken` (4) characters, the usual rule of thumb for code and English with common
// tokenizers; it is an estimate, so the budget is kept in characters and never exceeded by it.
import { assert } from '../core/assert.js';
import { limits } from '../core/limits.js';

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / limits.contextCharsPerToken);
}

/**
 * Sections in a fixed order, filled in any order: an item is accepted only if it fits together
 * with its section's heading (counted once, when the section gets its first item).
 */
export class BudgetedDocument<Section extends string> {
  private readonly sections = new Map<Section, string[]>();
  private used = 0;

  constructor(
    private readonly budgetChars: number,
    private readonly order: readonly Section[],
    private readonly headings: Readonly<Record<Section, string>>,
  ) {}

  get usedChars(): number {
    return this.used;
  }

  get remainingChars(): number {
    return this.budgetChars - this.used;
  }

  costOf(section: Section, text: string): number {
    return text.length + (this.sections.has(section) ? 0 : this.headings[section].length);
  }

  fits(section: Section, text: string): boolean {
    return this.costOf(section, text) <= this.remainingChars;
  }

  /** Adds the item when it fits; returns whether it did. */
  tryAdd(section: Section, text: string): boolean {
    if (!this.fits(section, text)) return false;
    this.used += this.costOf(section, text);
    const items = this.sections.get(section);
    if (items === undefined) this.sections.set(section, [text]);
    else items.push(text);
    return true;
  }

  render(): string {
    const parts: string[] = [];
    for (const section of this.order) {
      const items = this.sections.get(section);
      if (items === undefined) continue;
      parts.push(this.headings[section], ...items);
    }
    const text = parts.join('');
    assert(text.length === this.used, 'rendered bundle differs from its accounting');
    return text;
  }
}

/** A code fence longer than any run of backticks inside `code`, so the code cannot close it. */
export function fenceFor(code: string): string {
  let longest = 0;
  for (const match of code.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The first lines of `code` that fit in `chars`, with a note of how many lines were cut. */
export function cutToChars(code: string, chars: number): { text: string; cutLines: number } {
  if (code.length <= chars) return { text: code, cutLines: 0 };
  const lines = code.split('\n');
  let kept = 0;
  let length = 0;
  for (const line of lines) {
    if (length + line.length + 1 > chars) break;
    length += line.length + 1;
    kept++;
  }
  return { text: lines.slice(0, kept).join('\n'), cutLines: lines.length - kept };
}
