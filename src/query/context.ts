// context: what an LLM needs to work on X, within a token budget. The candidates are ranked:
// the target's own header and source first, then the signatures of its callees and callers
// (exact edges before guesses), its enclosing type and its supertypes, then the sources of
// callees and callers. They are added in that order while they fit; a source too large for the
// rest of the budget is skipped, so a smaller one after it can still fit. The target's own
// source is cut at a line boundary rather than dropped. What was left out is summarised in a
// reserved tail, so the reader knows the bundle is partial and what to ask for next.
import { limits } from '../core/limits.js';
import type { QueryContext, UnresolvedTarget } from './answer.js';
import { compareEntities, type Entity } from './entity.js';
import { EntityCache } from './graph-reader.js';
import { HonestyTally, type Honesty } from './honesty.js';
import { pickNeighbours, type NeighbourStep } from './neighbours.js';
import {
  contextHeadings,
  contextSectionOrder,
  headerText,
  signatureText,
  sourceText,
  type ContextNeighbour,
  type ContextRole,
  type ContextSection,
} from './context-items.js';
import { checkRange } from './show.js';
import { resolveTargets } from './target.js';
import { constructorsOf } from './constructors.js';
import { BudgetedDocument, cutToChars, estimateTokens } from './token-budget.js';

export interface ContextRequest {
  readonly target: string;
  readonly budgetTokens?: number;
  readonly workspace?: string;
  readonly all?: boolean;
}

export interface IncludedItem {
  readonly section: ContextSection;
  readonly role: ContextRole;
  readonly entity: Entity;
  readonly tokens: number;
  /** True for a source cut at a line boundary to fit. */
  readonly truncated: boolean;
}

export interface OmittedGroup {
  readonly section: ContextSection;
  readonly count: number;
  /** Estimated tokens they would have cost. */
  readonly tokens: number;
  /** The first few qualified names, best ranked first. */
  readonly names: readonly string[];
}

export interface ContextAnswer {
  readonly status: 'ok';
  readonly targets: readonly Entity[];
  readonly setAside: readonly Entity[];
  readonly budgetTokens: number;
  readonly usedTokens: number;
  readonly included: readonly IncludedItem[];
  readonly omitted: readonly OmittedGroup[];
  /** The bundle itself, Markdown, at most `budgetTokens` by the estimate. */
  readonly text: string;
  readonly honesty: Honesty;
}

/** The tail kept free for the "Left out" summary: a tenth of the budget, at most 600 characters. */
function omittedReserveChars(budgetChars: number): number {
  return Math.min(600, Math.floor(budgetChars / 10));
}

/** When the target's source does not fit whole, it may take this share of what remains. */
const targetSourceShare = 0.65;

const omittedNamesShown = 3;

export function buildContext(
  context: QueryContext,
  request: ContextRequest,
): ContextAnswer | UnresolvedTarget {
  const budgetTokens = checkRange(
    'budgetTokens',
    request.budgetTokens ?? limits.contextBudgetTokensDefault,
    limits.contextBudgetTokensMin,
    limits.contextBudgetTokensMax,
  );
  const cache = new EntityCache(context.graph, context.entities);
  const outcome = resolveTargets(context, cache, { ...request, prefer: 'code' });
  if (outcome.status !== 'resolved') return outcome;
  const targets = outcome.entities;

  const neighbours = gatherNeighbours(cache, targets);
  const honesty = new HonestyTally();
  for (const entity of targets) honesty.addEntity(entity);
  for (const neighbour of neighbours) {
    honesty.addEntity(neighbour.entity);
    if (neighbour.edge !== undefined) honesty.addEdge(neighbour.edge);
  }
  const honestyReport = honesty.finish(context.freshness);

  const budgetChars = budgetTokens * limits.contextCharsPerToken;
  const reserve = omittedReserveChars(budgetChars);
  const bundle = new BundleCollector(
    new BudgetedDocument(budgetChars - reserve, contextSectionOrder, contextHeadings),
  );
  const honestyLine = honestySummary(honestyReport);
  for (const target of targets) {
    const header = headerText(target, honestyLine);
    bundle.include('header', 'target', target, header.slice(0, bundle.document.remainingChars));
  }
  const signatures = neighbours.map((neighbour) => ({ neighbour, text: signatureText(neighbour) }));
  const signatureChars = signatures.reduce((sum, entry) => sum + entry.text.length, 0);
  for (const target of targets) addTargetSource(cache, bundle, target, signatureChars);
  for (const { neighbour, text } of signatures) {
    bundle.include(signatureSection(neighbour.role), neighbour.role, neighbour.entity, text);
  }
  for (const neighbour of neighbours) {
    if (neighbour.role === 'callee') addNeighbourSource(cache, bundle, 'calleeSources', neighbour);
    if (neighbour.role === 'caller') addNeighbourSource(cache, bundle, 'callerSources', neighbour);
  }

  const omittedGroups = bundle.omittedGroups();
  const text =
    bundle.document.render() + omittedText(omittedGroups, reserve + bundle.document.remainingChars);
  return {
    status: 'ok',
    targets,
    setAside: outcome.setAside,
    budgetTokens,
    usedTokens: estimateTokens(text),
    included: bundle.included,
    omitted: omittedGroups,
    text,
    honesty: honestyReport,
  };
}

/** Adds items while they fit and keeps the account of what did not. */
class BundleCollector {
  readonly included: IncludedItem[] = [];
  private readonly omitted = new Map<ContextSection, { count: number; tokens: number; names: string[] }>();

  constructor(readonly document: BudgetedDocument<ContextSection>) {}

  include(section: ContextSection, role: ContextRole, entity: Entity, text: string, truncated = false): void {
    if (this.document.tryAdd(section, text)) {
      this.included.push({ section, role, entity, tokens: estimateTokens(text), truncated });
    } else {
      this.omit(section, entity, estimateTokens(text));
    }
  }

  omit(section: ContextSection, entity: Entity, tokens: number): void {
    const group = this.omitted.get(section) ?? { count: 0, tokens: 0, names: [] };
    group.count++;
    group.tokens += tokens;
    if (group.names.length < omittedNamesShown) group.names.push(entity.qualifiedName);
    this.omitted.set(section, group);
  }

  omittedGroups(): OmittedGroup[] {
    const groups: OmittedGroup[] = [];
    for (const section of contextSectionOrder) {
      const group = this.omitted.get(section);
      if (group !== undefined) groups.push({ section, ...group });
    }
    return groups;
  }
}

function addTargetSource(
  cache: EntityCache,
  bundle: BundleCollector,
  target: Entity,
  signatureChars: number,
): void {
  const content = cache.graph.getBlock(target.id)?.content ?? '';
  if (content === '') return;
  const document = bundle.document;
  const whole = sourceText(target, content, 0);
  if (
    document.fits('source', whole) &&
    document.remainingChars - document.costOf('source', whole) >= signatureChars
  ) {
    bundle.include('source', 'target', target, whole);
    return;
  }
  // Too large to keep whole beside the signatures: cut it, leaving room for what comes next.
  const overhead = document.costOf('source', sourceText(target, '', 1)) + 16;
  const room = document.remainingChars;
  const allowance = Math.floor(Math.max(room - signatureChars, room * targetSourceShare)) - overhead;
  const { text, cutLines } = cutToChars(content, Math.max(0, allowance));
  bundle.include('source', 'target', target, sourceText(target, text, cutLines), cutLines > 0);
}

function addNeighbourSource(
  cache: EntityCache,
  bundle: BundleCollector,
  section: ContextSection,
  neighbour: ContextNeighbour,
): void {
  const entity = neighbour.entity;
  if (entity.contentChars === 0) return;
  // Skip the block read when even the bare code could not fit.
  if (entity.contentChars > bundle.document.remainingChars) {
    bundle.omit(section, entity, Math.ceil(entity.contentChars / limits.contextCharsPerToken));
    return;
  }
  const content = cache.graph.getBlock(entity.id)?.content ?? '';
  bundle.include(section, neighbour.role, entity, sourceText(entity, content, 0));
}

function signatureSection(role: ContextRole): ContextSection {
  if (role === 'callee') return 'callees';
  if (role === 'caller') return 'callers';
  return role === 'enclosing' ? 'enclosing' : 'types';
}

const roleSteps: readonly { readonly role: ContextRole; readonly step: NeighbourStep }[] = [
  { role: 'callee', step: { edgeType: 'calls', direction: 'out' } },
  { role: 'caller', step: { edgeType: 'calls', direction: 'in' } },
  { role: 'enclosing', step: { edgeType: 'contains', direction: 'in' } },
  { role: 'type', step: { edgeType: 'extends', direction: 'out' } },
  { role: 'type', step: { edgeType: 'implements', direction: 'out' } },
];

/** Exact edges before guesses, more confident first, then the stable entity order. */
function compareNeighbours(left: ContextNeighbour, right: ContextNeighbour): number {
  const guess = Number(left.edge?.guess ?? false) - Number(right.edge?.guess ?? false);
  const confidence = (right.edge?.confidence ?? 1) - (left.edge?.confidence ?? 1);
  return guess || confidence || compareEntities(left.entity, right.entity);
}

/** Callees, callers, enclosing types and supertypes of the targets; a function calling itself is not its own neighbour. */
function gatherNeighbours(cache: EntityCache, targets: readonly Entity[]): ContextNeighbour[] {
  const targetIds = new Set(targets.map((target) => target.id));
  const result: ContextNeighbour[] = [];
  // The callers of a type include the callers of its constructors (constructors.ts).
  const constructors = constructorsOf(cache, targets);
  for (const constructor of constructors) targetIds.add(constructor.id);
  for (const { role, step } of roleSteps) {
    const found = new Map<string, ContextNeighbour>();
    for (const target of role === 'caller' ? [...targets, ...constructors] : targets) {
      const pick = pickNeighbours(
        cache,
        target,
        step,
        limits.contextNeighboursMax,
        (id) => !targetIds.has(id),
      );
      for (const item of pick.items) {
        if (found.has(item.entity.id)) continue;
        if (role === 'enclosing' && item.entity.kind === 'module') continue; // the file is in the header
        const line = item.edge.line;
        const site = line === undefined ? undefined : { file: item.siteFile, line };
        found.set(item.entity.id, {
          role,
          entity: item.entity,
          edge: item.edge,
          ...(site === undefined ? {} : { site }),
        });
      }
    }
    result.push(...[...found.values()].sort(compareNeighbours).slice(0, limits.contextNeighboursMax));
  }
  return result;
}

function honestySummary(honesty: Honesty): string {
  const freshness =
    honesty.freshness.map((report) => `${report.workspace} ${report.state}`).join(', ') || 'unknown';
  const guesses = honesty.nameOnlyEdges > 0 ? `; ${honesty.nameOnlyEdges} edges are guesses by name` : '';
  return `Unresolved call sites in scope: ${honesty.unresolvedCalls}${guesses}; freshness: ${freshness}.\n`;
}

/** The "Left out" tail, cut to `chars` (whole lines only). */
function omittedText(groups: readonly OmittedGroup[], chars: number): string {
  if (groups.length === 0) return '';
  const lines = groups.map((group) => {
    const names =
      group.names.length === 0
        ? ''
        : `: ${group.names.join(', ')}${group.count > group.names.length ? ', …' : ''}`;
    return `- ${group.count} from ${contextHeadings[group.section].trim().replace(/^## /, '')} (≈${group.tokens} tokens)${names}\n`;
  });
  let text = contextHeadings.omitted;
  if (text.length > chars) return '';
  for (const line of lines) {
    if (text.length + line.length > chars) break;
    text += line;
  }
  return text;
}
