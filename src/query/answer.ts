// Shapes shared by every answer: the query context, and the two answers a query gives instead of
// a result when its target is not one entity (ambiguous, or not found).
import type { Entity } from './entity.js';
import type { FreshnessSource } from './freshness.js';
import type { GraphReader } from './graph-reader.js';
import type { Honesty } from './honesty.js';
import type { SharedEntityCache } from './shared-entity-cache.js';

export interface QueryContext {
  readonly graph: GraphReader;
  /** Supplied by the workspace layer; without it every answer's freshness is "unknown". */
  readonly freshness?: FreshnessSource;
  /**
   * The linked workspaces, supplied with `freshness` by the workspace layer. An answer that finds
   * nothing touches no workspace, yet a stale one may be why it found nothing: it reports the
   * freshness of every workspace it searched instead (the one asked for, else all of these).
   */
  readonly workspaces?: readonly string[];
  /**
   * Entities decoded by earlier queries: `SharedEntityCache.following(db, bytes)`, which forgets
   * every block the database writes. A long-lived process passes the same one to every query.
   */
  readonly entities?: SharedEntityCache;
}

/** One entity a target could mean, with a target text that selects it alone. */
export interface Candidate {
  readonly entity: Entity;
  /** A target that selects only this entity: a qualified name, `file:name`, or the block id. */
  readonly selector: string;
  /** True when the selector is unique only together with `--workspace <entity.workspace>`. */
  readonly needsWorkspace: boolean;
}

export interface AmbiguousAnswer {
  readonly status: 'ambiguous';
  readonly target: string;
  /** Every entity the target matched (candidates lists at most `ambiguousCandidatesMax`). */
  readonly total: number;
  readonly candidates: readonly Candidate[];
  readonly honesty: Honesty;
}

/** What an answer that searched by name says of the database searched (see `unsearchableReason`). */
export interface SearchedDatabase {
  /** False when the database has no name index at all: nothing can be found until it is built. */
  readonly indexPresent: boolean;
  /** How many workspaces are linked, when the workspace layer supplied them. */
  readonly workspacesLinked?: number;
}

export interface NotFoundAnswer extends SearchedDatabase {
  readonly status: 'not_found';
  readonly target: string;
  /** Close names, when there are any (a typo, a case difference). */
  readonly suggestions: readonly string[];
  readonly honesty: Honesty;
}

export type UnresolvedTarget = AmbiguousAnswer | NotFoundAnswer;

/**
 * Why nothing could have matched, when the database itself is the reason (it has no name index),
 * as the advice every interface gives; undefined when a search really ran. Without any workspace
 * linked either, the database is new or a first link is still writing it (a query reading its
 * snapshot): linking is the advice, unless its blocks were written through the library.
 */
export function unsearchableReason(answer: SearchedDatabase): string | undefined {
  if (answer.indexPresent) return undefined;
  return answer.workspacesLinked === 0
    ? "no workspace is linked in this database and it has no name index; run 'kausal link --path <dir>' (or 'kausal reindex' if its blocks were written through the library)"
    : "this database has no name index; run 'kausal reindex' (or sync the workspace again)";
}
