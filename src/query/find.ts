// find: entities by simple, qualified or file-scoped name, exact by default, across every
// workspace unless one is named. The order is stable: match quality, then workspace, file, line,
// qualified name and id. Only the returned page is read from blocks.
import { invalidArgument } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type { QueryContext, SearchedDatabase } from './answer.js';
import { compareText, type Entity } from './entity.js';
import { EntityCache } from './graph-reader.js';
import { HonestyTally, type Honesty } from './honesty.js';
import { kindsOf, type KindFilter } from './kinds.js';
import { searchedDatabase } from './name-index.js';
import { matchName, suggestNames, type MatchMode, type ScoredHit } from './name-match.js';
import { parseNameSelector } from './name-selector.js';

export interface FindRequest {
  readonly name: string;
  readonly kind?: KindFilter;
  readonly workspace?: string;
  readonly language?: string;
  readonly match?: MatchMode;
  readonly maxResults?: number;
}

export type MatchQuality = 'exact' | 'case' | 'prefix' | 'fuzzy';

export interface FindResult {
  readonly entity: Entity;
  readonly match: MatchQuality;
  /** Higher is closer (1000 for the exact name); see fuzzy-score.ts. */
  readonly score: number;
}

export interface FindAnswer extends SearchedDatabase {
  readonly status: 'ok';
  readonly query: {
    readonly name: string;
    readonly kind: KindFilter;
    readonly match: MatchMode;
    readonly maxResults: number;
    readonly workspace?: string;
    readonly language?: string;
  };
  readonly results: readonly FindResult[];
  /** Entities that matched; when `complete` is false, more may exist beyond the search caps. */
  readonly total: number;
  readonly complete: boolean;
  /** True when results holds fewer than `total` entities. */
  readonly truncated: boolean;
  /** Close names when nothing matched (a typo, a case difference, a partial name). */
  readonly suggestions: readonly string[];
  readonly honesty: Honesty;
}

function distinctHits(hits: readonly ScoredHit[]): ScoredHit[] {
  const unique = new Map<string, ScoredHit>();
  for (const scored of hits) if (!unique.has(scored.hit.id)) unique.set(scored.hit.id, scored);
  return [...unique.values()];
}

/**
 * The first `count` of `items` in `compare` order, sorted, in one pass that keeps the best so far
 * (most items lose to the current last with one comparison) instead of sorting them all.
 */
export function firstSorted<T>(items: readonly T[], count: number, compare: (a: T, b: T) => number): T[] {
  if (items.length <= count * 4) return [...items].sort(compare).slice(0, count);
  const best: T[] = [];
  for (const item of items) {
    if (best.length === count && compare(item, best[count - 1] as T) >= 0) continue;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(best[middle] as T, item) <= 0) low = middle + 1;
      else high = middle;
    }
    best.splice(low, 0, item);
    if (best.length > count) best.pop();
  }
  return best;
}

function compareHits(left: ScoredHit, right: ScoredHit): number {
  const a = left.hit;
  const b = right.hit;
  return (
    right.score - left.score ||
    compareText(a.workspace, b.workspace) ||
    compareText(a.file, b.file) ||
    a.line - b.line ||
    compareText(a.qualifiedName, b.qualifiedName) ||
    compareText(a.id, b.id)
  );
}

function qualityOf(entity: Entity, text: string, score: number, mode: MatchMode): MatchQuality {
  if (mode === 'exact' || entity.name === text) return 'exact';
  if (entity.name.toLowerCase() === text.toLowerCase()) return 'case';
  return mode === 'prefix' || score >= 900 ? 'prefix' : 'fuzzy';
}

function checkMaxResults(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > limits.resultCountMax) {
    throw invalidArgument(`maxResults must be an integer from 1 to ${limits.resultCountMax}`);
  }
  return value;
}

export function find(context: QueryContext, request: FindRequest): FindAnswer {
  const selector = parseNameSelector(request.name);
  const mode = request.match ?? 'exact';
  const kind = request.kind ?? 'any';
  const maxResults = checkMaxResults(request.maxResults ?? limits.findResultsDefault);
  const cache = new EntityCache(context.graph, context.entities);
  const kinds = kindsOf(kind);
  const outcome = matchName(context.graph, cache, selector, mode, {
    ...(kinds === undefined ? {} : { kinds }),
    ...(request.workspace === undefined ? {} : { workspace: request.workspace }),
    ...(request.language === undefined ? {} : { language: request.language }),
  });
  // One key lists an entity once; several keys (prefix and fuzzy searches) may meet it twice.
  const candidates = mode === 'exact' ? outcome.hits : distinctHits(outcome.hits);
  // A common name has thousands of hits and a page shows ten: rank only as far as the page needs,
  // and all of them only when index entries whose block is gone leave the page short.
  let ranked = firstSorted(candidates, maxResults, compareHits);

  const honesty = new HonestyTally();
  const results: FindResult[] = [];
  for (let position = 0; results.length < maxResults; position++) {
    if (position === ranked.length) {
      if (ranked.length === candidates.length) break;
      ranked = [...candidates].sort(compareHits);
    }
    const scored = ranked[position] as ScoredHit;
    const entity = cache.get(scored.hit.id);
    if (entity === undefined) continue; // an index entry whose block is gone: not an answer
    honesty.addEntity(entity);
    results.push({
      entity,
      match: qualityOf(entity, selector.name, scored.score, mode),
      score: scored.score,
    });
  }
  // Hits under `workspace` are its entities, so only an answer without any needs it added.
  if (results.length === 0) honesty.addSearched(request.workspace, context.workspaces);
  const suggestions = candidates.length === 0 ? suggestNames(context.graph, selector.name) : [];
  return {
    status: 'ok',
    query: {
      name: selector.text,
      kind,
      match: mode,
      maxResults,
      ...(request.workspace === undefined ? {} : { workspace: request.workspace }),
      ...(request.language === undefined ? {} : { language: request.language }),
    },
    results,
    total: candidates.length,
    complete: !outcome.capped,
    truncated: results.length < candidates.length,
    suggestions,
    ...searchedDatabase(context),
    honesty: honesty.finish(context.freshness),
  };
}
