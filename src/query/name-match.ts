// Matching a name selector against the name index, in one of three modes:
//   exact   the simple name, or the qualified name, exactly (case-sensitive): `mai` is not `main`
//   prefix  names starting with the text, case-insensitively
//   fuzzy   names close to the text: substring, abbreviation (subsequence) or a typo or two
// Hits are filtered (file, qualifier, kind, workspace, language) and scored; no block is read.
import { limits } from '../core/limits.js';
import { fuzzyScore, fuzzyScores } from './fuzzy-score.js';
import type { EntityCache, GraphReader } from './graph-reader.js';
import { qualifiedNameKey, simpleNameKey, trigramsOf } from './name-keys.js';
import { hitsUnder, type NameHit } from './name-lookup.js';
import { namesSharingTrigrams, namesWithPrefix } from './name-vocabulary.js';
import { fileMatches, qualifiedTextOf, qualifierMatches, type NameSelector } from './name-selector.js';

export type MatchMode = 'exact' | 'prefix' | 'fuzzy';
export const matchModes: readonly MatchMode[] = ['exact', 'prefix', 'fuzzy'];

export interface HitFilter {
  /** Kinds accepted; undefined accepts every kind. */
  readonly kinds?: ReadonlySet<string>;
  readonly workspace?: string;
  readonly language?: string;
}

export interface ScoredHit {
  readonly hit: NameHit;
  /** fuzzyScores tiers: 1000 for the exact name, lower for looser matches. */
  readonly score: number;
}

export interface MatchOutcome {
  readonly hits: ScoredHit[];
  /** True when caps stopped the search early: more entities may match. */
  readonly capped: boolean;
}

function accepts(hit: NameHit, selector: NameSelector, filter: HitFilter): boolean {
  if (filter.kinds !== undefined && !filter.kinds.has(hit.kind)) return false;
  if (filter.workspace !== undefined && hit.workspace !== filter.workspace) return false;
  if (filter.language !== undefined && hit.language !== filter.language) return false;
  return fileMatches(hit.file, selector.file) && qualifierMatches(hit, selector.qualifier);
}

export function matchName(
  graph: GraphReader,
  cache: EntityCache,
  selector: NameSelector,
  mode: MatchMode,
  filter: HitFilter,
): MatchOutcome {
  if (mode === 'exact') return exactMatches(graph, cache, selector, filter);
  const scored = mode === 'prefix' ? prefixNames(graph, selector.name) : fuzzyNames(graph, selector.name);
  return hitsOfNames(graph, cache, selector, filter, scored);
}

function exactMatches(
  graph: GraphReader,
  cache: EntityCache,
  selector: NameSelector,
  filter: HitFilter,
): MatchOutcome {
  const key =
    selector.qualifier.length === 0
      ? simpleNameKey(selector.name)
      : qualifiedNameKey(qualifiedTextOf(selector));
  const hits: ScoredHit[] = [];
  for (const hit of hitsUnder(graph, key, selector.name, cache)) {
    if (accepts(hit, selector, filter)) hits.push({ hit, score: fuzzyScores.exact });
  }
  return { hits, capped: false };
}

interface ScoredNames {
  readonly names: { readonly name: string; readonly score: number }[];
  readonly capped: boolean;
}

function prefixNames(graph: GraphReader, text: string): ScoredNames {
  const wanted = text.toLowerCase();
  const names = namesWithPrefix(graph, wanted).map((name) => ({
    name,
    score: name === text ? fuzzyScores.exact : (fuzzyScore(name, wanted) ?? fuzzyScores.prefix),
  }));
  return { names, capped: false };
}

function fuzzyNames(graph: GraphReader, text: string): ScoredNames {
  const trigrams = trigramsOf(text);
  let candidates: string[];
  let capped = false;
  if (trigrams.length === 0) {
    candidates = namesWithPrefix(graph, text.toLowerCase()); // too short for trigrams
  } else {
    // A candidate must share a third of the query's trigrams: enough for a typo or an
    // abbreviation, few enough to skip names that merely share a common syllable.
    const needed = Math.max(1, Math.ceil(trigrams.length / 3));
    const shared = [...namesSharingTrigrams(graph, trigrams)].filter(([, count]) => count >= needed);
    shared.sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : 1));
    capped = shared.length > limits.nameCandidatesMax;
    candidates = shared.slice(0, limits.nameCandidatesMax).map(([name]) => name);
  }
  const names: { name: string; score: number }[] = [];
  for (const name of candidates) {
    const score = name === text ? fuzzyScores.exact + 1 : fuzzyScore(name, text);
    if (score !== undefined) names.push({ name, score });
  }
  return { names, capped };
}

function hitsOfNames(
  graph: GraphReader,
  cache: EntityCache,
  selector: NameSelector,
  filter: HitFilter,
  scored: ScoredNames,
): MatchOutcome {
  const names = [...scored.names].sort(
    (left, right) => right.score - left.score || (left.name < right.name ? -1 : 1),
  );
  let capped = scored.capped || names.length > limits.nameHitReadsMax;
  const hits: ScoredHit[] = [];
  for (const { name, score } of names.slice(0, limits.nameHitReadsMax)) {
    for (const hit of hitsUnder(graph, simpleNameKey(name), name, cache)) {
      if (accepts(hit, selector, filter)) hits.push({ hit, score });
    }
    if (hits.length >= limits.nameMatchesMax) {
      capped = true;
      break;
    }
  }
  return { hits, capped };
}

/** Trigrams a suggestion search reads: the first, middle and last, so one typo leaves two intact. */
function sampleTrigrams(text: string): string[] {
  const all = trigramsOf(text);
  if (all.length <= 3) return all;
  return [all[0] as string, all[Math.floor(all.length / 2)] as string, all[all.length - 1] as string];
}

/**
 * Distinct names close to `text`, best first: the "did you mean" of an empty answer. It reads at
 * most three trigram lists (a full fuzzy search reads one per trigram of the text), because it
 * runs on every miss and must stay cheap.
 */
export function suggestNames(graph: GraphReader, text: string): string[] {
  const trigrams = sampleTrigrams(text);
  const candidates =
    trigrams.length === 0
      ? namesWithPrefix(graph, text.toLowerCase())
      : [...namesSharingTrigrams(graph, trigrams).keys()];
  const names: { name: string; score: number }[] = [];
  for (const name of candidates.slice(0, limits.nameCandidatesMax)) {
    const score = fuzzyScore(name, text);
    if (score !== undefined) names.push({ name, score });
  }
  names.sort((left, right) => right.score - left.score || (left.name < right.name ? -1 : 1));
  return names
    .map((entry) => entry.name)
    .filter((name) => name !== text)
    .slice(0, limits.nameSuggestionsMax);
}
