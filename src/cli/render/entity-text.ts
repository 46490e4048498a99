// Pieces of text shared by the renderers: an entity with its location, an edge's provenance, the
// honesty footer. Every string that came from the database passes through `safe`.
import type { Entity } from '../../query/entity.js';
import type { Honesty } from '../../query/honesty.js';
import type { EdgeProvenance } from '../../query/provenance.js';
import type { Site } from '../../query/show.js';
import { safe, type Style } from './style.js';

export function locationText(entity: Entity): string {
  return `${safe(entity.file)}:${entity.line}`;
}

/** `name  kind  file:line` with the name in bold. */
export function entityText(entity: Entity, style: Style): string {
  return `${style.bold(safe(entity.qualifiedName))}  ${style.dim(entity.kind)}  ${style.cyan(locationText(entity))}`;
}

/** `name (kind, file:line)`: an entity named inside a sentence. */
export function entityLabel(entity: Entity, style: Style): string {
  return `${style.bold(safe(entity.qualifiedName))} (${entity.kind}, ${style.cyan(locationText(entity))})`;
}

/** `· call at file:line · import 0.95` — what a reader needs to trust (or doubt) an edge. */
export function edgeText(edge: EdgeProvenance | undefined, site: Site | undefined, style: Style): string {
  const parts: string[] = [];
  if (site !== undefined)
    parts.push(`${edge?.type === 'calls' ? 'call at' : 'at'} ${safe(site.file)}:${site.line}`);
  if (edge?.resolution !== undefined) {
    const confidence = edge.confidence === undefined ? '' : ` ${edge.confidence.toFixed(2)}`;
    parts.push(`${safe(edge.resolution)}${confidence}`);
  }
  if (edge !== undefined && edge.sites > 1) parts.push(`${edge.sites} sites`);
  const text = parts.length === 0 ? '' : style.dim(`  · ${parts.join(' · ')}`);
  return edge?.guess === true ? `${text} ${style.yellow('? guess by name')}` : text;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** One or two dim lines: unresolved call sites, guesses, possible missing callers, freshness. */
export function honestyText(honesty: Honesty, style: Style): string {
  const notes = [`${plural(honesty.unresolvedCalls, 'unresolved call site')} in scope`];
  if (honesty.nameOnlyEdges > 0) notes.push(`${plural(honesty.nameOnlyEdges, 'edge')} guessed by name`);
  if (honesty.possibleMissingCallers !== undefined && honesty.possibleMissingCallers > 0) {
    notes.push(
      `${plural(honesty.possibleMissingCallers, 'possible caller')} not resolved (unresolved calls of this name)`,
    );
  }
  const freshness = honesty.freshness.map((report) => {
    const workspace = safe(report.workspace);
    if (report.state === 'interrupted') {
      return `${workspace} interrupted (the last link or sync did not finish; run 'kausal sync ${workspace}')`;
    }
    if (report.state === 'syncing') {
      return `${workspace} syncing (another process is writing it; this answer holds part of it)`;
    }
    const synced = report.syncedAt === undefined ? '' : ` (synced ${safe(String(report.syncedAt))})`;
    if (report.state === 'stale') {
      const changed = plural(report.filesChangedSince ?? 0, 'file');
      return `${workspace} stale${synced}: ${changed} changed since; run 'kausal sync ${workspace}'`;
    }
    return `${workspace} ${report.state}${synced}`;
  });
  const freshnessText = freshness.length === 0 ? 'unknown' : freshness.join(', ');
  return style.dim(`${notes.join(' · ')}\nfreshness: ${freshnessText}`) + '\n';
}

export { plural };

/** The note for same-named entities of the other kind that the query did not take as its target. */
export function setAsideText(setAside: readonly Entity[], style: Style): string {
  if (setAside.length === 0) return '';
  const others = setAside.map((entity) => entityLabel(entity, style)).join(', ');
  return style.dim(`note: the name also matches ${others}; target it by file:name or id to ask about it\n`);
}
