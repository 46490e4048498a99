// The answers of the MCP tools as compact text for a model: a header line with freshness and the
// unresolved call sites in scope, a summary line, then one line per item — `name  kind  file:line
// [provenance]` — and, when a page was cut, the offset to ask for next. Every string that came
// from the codebase is shown with control characters escaped.
import {
  unsearchableReason,
  type AmbiguousAnswer,
  type NotFoundAnswer,
  type UnresolvedTarget,
} from '../query/answer.js';
import type { ContextAnswer } from '../query/context.js';
import type { Entity } from '../query/entity.js';
import type { FindAnswer } from '../query/find.js';
import type { FreshnessReport } from '../query/freshness.js';
import type { Honesty } from '../query/honesty.js';
import type { PathAnswer } from '../query/paths.js';
import type { EdgeProvenance } from '../query/provenance.js';
import type { RelationItem, ShowAnswer, Site } from '../query/show.js';
import type { TraceAnswer, TraceNode } from '../query/trace.js';
import type { PingResult, StatusResult } from '../service/requests.js';
import { setAsideExcept } from '../query/constructors.js';
import { checkoutMove } from '../workspace/checkout-moved.js';
import type { SyncReport, WorkspaceStatus } from '../workspace/index.js';
import { filesNotIndexedNote } from '../workspace/sync-report-notes.js';
import type { BackendMode } from './session.js';

// C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a line shows.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the database, safe to show: control characters become `\u` escapes. */
export function clean(text: string): string {
  return text.replace(unsafe, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string quoted as JSON would quote it: what the model passes back as an argument. */
export function quoted(text: string): string {
  return JSON.stringify(text);
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A page of a longer list: where it starts, and how many the whole list holds. */
export interface Page {
  readonly offset: number;
  readonly limit: number;
}

export interface PageOutcome {
  readonly shown: number;
  /** The offset of the next page, when there is one the tool can still reach. */
  readonly nextOffset?: number;
}

/** Which items of the answer the page shows, and where the next page starts (if it can be reached). */
export function pageOf(page: Page, available: number, total: number, reachable: number): PageOutcome {
  const shown = Math.max(0, Math.min(page.limit, available - page.offset));
  const next = page.offset + shown;
  return next < total && next < reachable && shown > 0 ? { shown, nextOffset: next } : { shown };
}

/** `showing 1-20 of 57 matches`, or what the offset missed. */
function rangeText(page: Page, outcome: PageOutcome, total: string, noun = ''): string {
  const of = `${total}${noun === '' ? '' : ` ${noun}`}`;
  if (outcome.shown === 0) return `none at offset ${page.offset} (${of} in all)`;
  return `showing ${page.offset + 1}-${page.offset + outcome.shown} of ${of}`;
}

function moreText(outcome: PageOutcome, what: string): string[] {
  return outcome.nextOffset === undefined
    ? []
    : [`more ${what}: call again with offset ${outcome.nextOffset}`];
}

function freshnessText(report: FreshnessReport): string {
  const workspace = clean(report.workspace);
  const synced = report.syncedAt === undefined ? '' : clean(String(report.syncedAt));
  switch (report.state) {
    case 'fresh':
      return `${workspace} fresh (synced ${synced})`;
    case 'stale':
      return `${workspace} STALE (${plural(report.filesChangedSince ?? 0, 'file')} changed since the sync at ${synced}; call sync)`;
    case 'unverified':
      return `${workspace} unverified (synced ${synced})`;
    case 'interrupted':
      return `${workspace} INTERRUPTED (the last link or sync did not finish; call sync)`;
    case 'syncing':
      return `${workspace} SYNCING (another process is writing it; this answer holds part of it)`;
    case 'unknown':
      return `${workspace} unknown`;
  }
}

/** The first line of every answer: how current the graph is, how much it could not resolve. */
export function headerLine(honesty: Honesty | undefined, mode: BackendMode): string {
  const parts: string[] = [];
  if (honesty !== undefined) {
    const freshness = honesty.freshness.map(freshnessText);
    parts.push(`freshness: ${freshness.length === 0 ? 'unknown' : freshness.join(', ')}`);
    parts.push(`unresolved call sites in scope: ${honesty.unresolvedCalls}`);
    if (honesty.nameOnlyEdges > 0) parts.push(`edges guessed by name: ${honesty.nameOnlyEdges}`);
    if (honesty.possibleMissingCallers !== undefined && honesty.possibleMissingCallers > 0) {
      parts.push(`possible callers not resolved: ${honesty.possibleMissingCallers}`);
    }
  }
  parts.push(`answered by: ${mode === 'server' ? 'kausal server' : 'embedded database'}`);
  return parts.join(' · ');
}

function location(entity: Pick<Entity, 'file' | 'line'>): string {
  return `${clean(entity.file)}:${entity.line}`;
}

/** `name (kind, file:line)`: an entity named inside a sentence. */
export function label(entity: Entity): string {
  return `${clean(entity.qualifiedName)} (${entity.kind}, ${location(entity)})`;
}

function labels(entities: readonly Entity[]): string {
  return entities.map(label).join(', ');
}

/** `name  kind  file:line  [notes]`: one item. */
function itemLine(entity: Entity, notes: readonly string[], indent = ''): string {
  const tail = notes.length === 0 ? '' : `  [${notes.join(' · ')}]`;
  return `${indent}${clean(entity.qualifiedName)}  ${entity.kind}  ${location(entity)}${tail}`;
}

function edgeNotes(edge: EdgeProvenance | undefined, site: Site | undefined): string[] {
  const notes: string[] = [];
  if (site !== undefined) notes.push(`${edge?.type === 'calls' ? 'call at' : 'at'} ${location(site)}`);
  else if (edge !== undefined && edge.type !== 'calls') notes.push(edge.type);
  if (edge?.resolution !== undefined) {
    const confidence = edge.confidence === undefined ? '' : ` ${edge.confidence.toFixed(2)}`;
    notes.push(`${clean(edge.resolution)}${confidence}`);
  }
  if (edge?.role !== undefined) notes.push(clean(edge.role));
  if (edge !== undefined && edge.sites > 1) notes.push(`${edge.sites} sites`);
  if (edge?.guess === true) notes.push('GUESS by name');
  return notes;
}

function workspaceNote(entity: Entity, honesty: Honesty): string[] {
  return honesty.freshness.length > 1 ? [`ws ${clean(entity.workspace)}`] : [];
}

function setAsideLines(setAside: readonly Entity[]): string[] {
  if (setAside.length === 0) return [];
  return [`note: the name also matches ${labels(setAside)}; target it by file:name or id to ask about it`];
}

export function findText(answer: FindAnswer, page: Page, reachable: number): string[] {
  const query = answer.query;
  const filters = [query.match, query.kind === 'any' ? 'any kind' : `kind ${query.kind}`];
  if (query.workspace !== undefined) filters.push(`workspace ${quoted(query.workspace)}`);
  if (query.language !== undefined) filters.push(`language ${quoted(query.language)}`);
  const about = `${quoted(query.name)} (${filters.join(', ')})`;
  const reason = unsearchableReason(answer);
  if (reason !== undefined) return [`nothing matches ${about}: ${reason}`];
  if (answer.total === 0) {
    const suggestions =
      answer.suggestions.length === 0
        ? ''
        : `; did you mean ${answer.suggestions.map((s) => quoted(s)).join(', ')}?`;
    const hint = query.match === 'fuzzy' ? '' : ` (match "prefix" or "fuzzy" widens the search)`;
    return [`no entity matches ${about}${suggestions}${hint}`];
  }
  const outcome = pageOf(page, answer.results.length, answer.total, reachable);
  const total = answer.complete ? `${answer.total}` : `at least ${answer.total}`;
  const lines = [
    `find ${about}: ${rangeText(page, outcome, total, answer.total === 1 ? 'match' : 'matches')}`,
  ];
  for (const result of answer.results.slice(page.offset, page.offset + outcome.shown)) {
    const notes = result.match === 'exact' ? [] : [result.match];
    lines.push(itemLine(result.entity, [...notes, ...workspaceNote(result.entity, answer.honesty)]));
  }
  return [...lines, ...moreText(outcome, 'matches')];
}

const relationNouns: Readonly<Record<string, string>> = {
  callers: 'callers',
  callees: 'callees',
  imports: 'modules imported by',
  importers: 'importers of',
  exports: 'exports of',
  extends: 'supertypes of',
  'extended-by': 'subtypes of',
  implements: 'interfaces implemented by',
  'implemented-by': 'implementations of',
  contains: 'members of',
  'contained-by': 'containers of',
  references: 'references to',
  'refers-to': 'functions referred to by',
};

function relationTitle(answer: ShowAnswer): string {
  const noun = relationNouns[answer.relation] ?? answer.relation;
  const of = noun.endsWith(' of') || noun.endsWith(' by') || noun.endsWith(' to') ? noun : `${noun} of`;
  const modules = answer.modules.length === 0 ? '' : ` via module ${labels(answer.modules)}`;
  const constructors =
    answer.constructors.length === 0
      ? ''
      : ` and its constructor${answer.constructors.length > 1 ? 's' : ''} ${labels(answer.constructors)}`;
  return `${of} ${labels(answer.targets)}${modules}${constructors}`;
}

export function relationsText(answer: ShowAnswer, page: Page, reachable: number): string[] {
  const depth = answer.maxDepth > 1 ? ` within depth ${answer.maxDepth}` : '';
  const title = `${relationTitle(answer)}${depth}`;
  const setAside = setAsideExcept(answer.setAside, answer.constructors);
  if (answer.total === 0) {
    const modulesOnly = answer.targets.every((target) => target.kind === 'module');
    const hint =
      answer.relation === 'callers' && modulesOnly
        ? ['a module is imported, not called: ask for relation importers']
        : [];
    return [...setAsideLines(setAside), `${title}: none`, ...hint];
  }
  const names = new Map<string, string>();
  for (const target of answer.targets) names.set(target.id, target.qualifiedName);
  for (const module of answer.modules) names.set(module.id, module.qualifiedName);
  for (const constructor of answer.constructors) names.set(constructor.id, constructor.qualifiedName);
  const constructors = new Set(answer.constructors.map((constructor) => constructor.id));
  for (const item of answer.results) names.set(item.entity.id, item.entity.qualifiedName);
  // Deeper levels were not walked once the results were full: the total is then a lower bound.
  const outcome = pageOf(page, answer.results.length, answer.complete ? answer.total : Infinity, reachable);
  const total = answer.complete ? `${answer.total}` : `at least ${answer.total}`;
  const lines = [...setAsideLines(setAside), `${title}: ${rangeText(page, outcome, total)}`];
  for (const item of answer.results.slice(page.offset, page.offset + outcome.shown)) {
    lines.push(
      itemLine(item.entity, [
        ...itemNotes(item, names, constructors),
        ...workspaceNote(item.entity, answer.honesty),
      ]),
    );
  }
  return [...lines, ...moreText(outcome, 'results')];
}

function itemNotes(
  item: RelationItem,
  names: ReadonlyMap<string, string>,
  constructors: ReadonlySet<string>,
): string[] {
  const notes = edgeNotes(item.edge, item.site);
  if (item.depth > 1) notes.push(`depth ${item.depth} via ${clean(names.get(item.from) ?? item.from)}`);
  else if (constructors.has(item.from)) notes.push(`through ${clean(names.get(item.from) ?? item.from)}`);
  return notes;
}

function markNotes(node: TraceNode): string[] {
  const notes: string[] = [];
  if (node.mark === 'cycle') notes.push('CYCLE (already on this path)');
  if (node.mark === 'repeat') notes.push('expanded elsewhere above');
  if (node.notExpanded === true) notes.push('not expanded: node cap');
  return notes;
}

/** The tree depth first, one line per node (two spaces of indent per level), cut children counted. */
export function traceLines(answer: TraceAnswer): string[] {
  const lines: string[] = [];
  type Entry =
    | { readonly node: TraceNode; readonly level: number }
    | { readonly hidden: number; readonly level: number };
  const stack: Entry[] = [...answer.roots].reverse().map((node) => ({ node, level: 0 }));
  while (stack.length > 0) {
    const entry = stack.pop() as Entry;
    const indent = '  '.repeat(entry.level);
    if ('hidden' in entry) {
      lines.push(`${indent}… ${entry.hidden} more not shown (raise max_nodes or max_fan_out)`);
      continue;
    }
    const { node, level } = entry;
    lines.push(itemLine(node.entity, [...edgeNotes(node.edge, node.site), ...markNotes(node)], indent));
    if (node.hiddenChildren > 0) stack.push({ hidden: node.hiddenChildren, level: level + 1 });
    for (let index = node.children.length - 1; index >= 0; index--) {
      stack.push({ node: node.children[index] as TraceNode, level: level + 1 });
    }
  }
  return lines;
}

export function traceText(answer: TraceAnswer, page: Page): string[] {
  const roots = answer.roots.map((root) => root.entity);
  const title = `${answer.direction} of ${labels(roots)}, depth ${answer.depth}${answer.allPaths ? ', all paths' : ''}`;
  const all = traceLines(answer);
  const outcome = pageOf(page, all.length, all.length, Infinity);
  const lines = [
    ...setAsideLines(setAsideExcept(answer.setAside, roots)),
    `${title}: ${plural(answer.nodes, 'node')} (${answer.distinct} distinct), ${rangeText(page, outcome, `${all.length}`, 'lines')}`,
    ...all.slice(page.offset, page.offset + outcome.shown),
  ];
  const caps: string[] = [];
  if (answer.caps.depthReached) caps.push(`depth limit ${answer.depth} reached (raise depth)`);
  if (answer.caps.nodesHit) {
    caps.push(
      `node cap hit at ${answer.nodes} nodes, ${answer.caps.notExpanded} left unexpanded (raise max_nodes)`,
    );
  }
  if (answer.caps.fanOutHits > 0)
    caps.push(`${plural(answer.caps.fanOutHits, 'node')} had children cut (raise max_fan_out)`);
  if (caps.length > 0) lines.push(`caps: ${caps.join('; ')}`);
  return [...lines, ...moreText(outcome, 'lines')];
}

export function pathText(answer: PathAnswer, page: Page, reachable: number): string[] {
  const ends = `from ${labels(answer.from)} to ${labels(answer.to)}`;
  if (answer.paths.length === 0) {
    const why =
      answer.reason === 'search-cap'
        ? `: the search stopped after visiting ${answer.visited} nodes without reaching it`
        : ` within depth ${answer.maxDepth} (raise max_depth to search further)`;
    return [`no call path ${ends}${why}`];
  }
  const length = answer.paths[0]?.length ?? 0;
  const total = answer.complete ? `${answer.found}` : `at least ${answer.found}`;
  const outcome = pageOf(page, answer.paths.length, answer.found, reachable);
  const lines = [
    `${total} shortest call ${answer.found === 1 ? 'path' : 'paths'} ${ends}, ${plural(length, 'call')} long, ${rangeText(page, outcome, total)}`,
  ];
  answer.paths.slice(page.offset, page.offset + outcome.shown).forEach((path, index) => {
    const chain = path.steps.map((step) => clean(step.entity.qualifiedName)).join(' → ');
    lines.push(`path ${page.offset + index + 1}: ${chain}`);
    path.steps.forEach((step, stepIndex) => {
      lines.push(itemLine(step.entity, edgeNotes(step.edge, step.site), stepIndex === 0 ? '  ' : '  → '));
    });
  });
  return [...lines, ...moreText(outcome, 'paths')];
}

export function contextText(answer: ContextAnswer): string[] {
  const omitted = answer.omitted.reduce((sum, group) => sum + group.count, 0);
  return [
    ...setAsideLines(answer.setAside),
    `context for ${labels(answer.targets)}: about ${answer.usedTokens} of ${answer.budgetTokens} tokens (characters ÷ 4), ${plural(answer.included.length, 'item')} included, ${omitted} left out`,
    '',
    answer.text.trimEnd(),
  ];
}

function ambiguousText(answer: AmbiguousAnswer, parameter: string): string[] {
  const lines = [
    `${quoted(answer.target)} matches ${answer.total} entities; call again with ${parameter} set to one of these (or all: true to take every match):`,
  ];
  for (const candidate of answer.candidates) {
    const workspace = candidate.needsWorkspace ? ` workspace: ${quoted(candidate.entity.workspace)}` : '';
    lines.push(
      `  ${parameter}: ${quoted(candidate.selector)}${workspace}  ${candidate.entity.kind}  ${location(candidate.entity)}`,
    );
  }
  if (answer.total > answer.candidates.length) {
    lines.push(
      `  … and ${answer.total - answer.candidates.length} more (narrow with file:name or workspace)`,
    );
  }
  return lines;
}

function notFoundText(answer: NotFoundAnswer, parameter: string): string[] {
  const reason = unsearchableReason(answer);
  if (reason !== undefined) return [`nothing matches ${parameter} ${quoted(answer.target)}: ${reason}`];
  const suggestions =
    answer.suggestions.length === 0
      ? ''
      : `; did you mean ${answer.suggestions.map((s) => quoted(s)).join(', ')}?`;
  return [
    `no entity matches ${parameter} ${quoted(answer.target)}${suggestions} (targets match exactly; find_symbol with match "fuzzy" searches by similarity)`,
  ];
}

export function unresolvedText(answer: UnresolvedTarget, parameter: string): string[] {
  return answer.status === 'ambiguous' ? ambiguousText(answer, parameter) : notFoundText(answer, parameter);
}

function statusFreshness(status: WorkspaceStatus): string {
  if (!status.rootExists) return 'unverified (directory missing)';
  const changes = status.changes;
  if (changes === undefined) return 'unverified';
  const total = changes.added + changes.modified + changes.deleted;
  if (total === 0) return 'fresh';
  return `STALE (${changes.modified} modified, ${changes.added} added, ${changes.deleted} deleted since the sync; call sync)`;
}

export function statusText(
  result: StatusResult,
  mode: BackendMode,
  server: PingResult | undefined,
): string[] {
  const answeredBy =
    mode === 'embedded'
      ? 'embedded database (no server running)'
      : server === undefined
        ? 'kausal server'
        : `kausal server v${clean(server.version)} (pid ${server.pid}, up ${Math.round(server.uptimeMs / 1000)} s)`;
  const lines = [`data directory: ${clean(result.dataDirectory)} · answered by: ${answeredBy}`];
  if (result.workspaces.length === 0) {
    lines.push("no workspace is linked; run 'kausal link --path <dir>' in a shell");
    return lines;
  }
  lines.push(`${plural(result.workspaces.length, 'workspace')}:`);
  for (const status of result.workspaces) {
    const commit = status.commit === undefined ? '' : ` at commit ${clean(status.commit.slice(0, 12))}`;
    const move = checkoutMove(status);
    const at = ` · checkout now at ${clean((status.currentCommit ?? '').slice(0, 12))}`;
    const moved =
      move === 'none'
        ? ''
        : move === 'workspace-untouched'
          ? `${at} (no file of this workspace changed)`
          : `${at} (call sync)`;
    lines.push(
      `${clean(status.name)}  ${statusFreshness(status)}  root ${clean(status.root)}  synced ${clean(status.syncedAt)}${commit}${moved}  ` +
        `files ${status.files} · blocks ${status.blocks} · edges ${status.edges} · unresolved call sites ${status.unresolvedCalls}`,
    );
    if (status.changes?.configChanged === true) {
      lines.push(
        '  stale: the project configuration (tsconfig paths, go.mod, …) changed since the sync; call sync',
      );
    }
    if (status.reparseNext) {
      lines.push('  parsed by an earlier release: the next sync parses every file again (once)');
    }
    if (status.interrupted) {
      lines.push(
        '  interrupted: the last link or sync stopped before it finished, and answers may hold part of it; call sync to finish it',
      );
    }
    if (status.syncing === true) {
      lines.push('  syncing: another process is writing it now; this status shows what it had written');
    }
  }
  return lines;
}

export function syncText(reports: readonly SyncReport[], mode: BackendMode): string[] {
  const lines = [`answered by: ${mode === 'server' ? 'kausal server' : 'embedded database'}`];
  for (const report of reports) {
    const { files, blocks, edges } = report;
    const changed = files.added + files.changed + files.deleted;
    lines.push(
      `${report.linked ? 'linked' : 'synced'} ${clean(report.workspace)}` +
        (report.movedFrom === undefined ? '' : ` (moved from ${clean(report.movedFrom)})`) +
        ` in ${(report.durationMs / 1000).toFixed(2)} s: ` +
        (changed === 0
          ? 'no file changed'
          : `${files.added} added, ${files.changed} changed, ${files.deleted} deleted`) +
        ` of ${files.total} files · graph ${blocks.total} blocks, ${edges.total} edges` +
        ` (${blocks.written} blocks and ${edges.written} edges written, ${blocks.deleted} blocks and ${edges.deleted} edges removed)` +
        ` · unresolved call sites ${report.unresolvedCalls}`,
    );
    const notIndexed = filesNotIndexedNote(files);
    if (notIndexed !== undefined) lines.push(`  ${notIndexed}`);
    for (const warning of report.warnings) lines.push(`  warning: ${clean(warning)}`);
  }
  return lines;
}
