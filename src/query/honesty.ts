// The honesty part of every answer: how many call sites in scope could not be resolved, how many
// edges in the answer are guesses by name, and how current the graph is. An answer that looks
// complete but silently misses callers is the worst failure a code graph can have; these numbers
// let a reader (or an LLM) judge how far to trust it.
import type { BlockId } from '../core/block-id.js';
import type { Entity } from './entity.js';
import { freshnessOf, type FreshnessReport, type FreshnessSource } from './freshness.js';
import type { EdgeProvenance } from './provenance.js';

export interface Honesty {
  /** Sum of `unresolvedCalls` over the distinct entities this answer involves. */
  readonly unresolvedCalls: number;
  /** Edges in this answer resolved by name alone (`resolution: 'name-only'`), flagged `guess`. */
  readonly nameOnlyEdges: number;
  /**
   * For caller queries: entities with an unresolved call to a function of the target's name.
   * They may be callers the graph could not prove; absent for other queries.
   */
  readonly possibleMissingCallers?: number;
  /** One report per workspace the answer touches, sorted by workspace. */
  readonly freshness: readonly FreshnessReport[];
}

/** Accumulates honesty figures while a query runs; each entity and edge is counted once. */
export class HonestyTally {
  private readonly entities = new Set<BlockId>();
  private readonly workspaces = new Set<string>();
  private unresolved = 0;
  private guesses = 0;
  private possibleCallers: number | undefined;

  addEntity(entity: Entity): void {
    if (this.entities.has(entity.id)) return;
    this.entities.add(entity.id);
    this.unresolved += entity.unresolvedCalls;
    if (entity.workspace !== '') this.workspaces.add(entity.workspace);
  }

  addEdge(edge: EdgeProvenance): void {
    if (edge.guess) this.guesses++;
  }

  addWorkspace(workspace: string): void {
    if (workspace !== '') this.workspaces.add(workspace);
  }

  /**
   * For an answer that found nothing: the workspaces it searched, `workspace` when one was asked
   * for, else every linked one (see `QueryContext.workspaces`).
   */
  addSearched(workspace: string | undefined, linked: readonly string[] | undefined): void {
    if (workspace !== undefined) this.addWorkspace(workspace);
    else for (const name of linked ?? []) this.addWorkspace(name);
  }

  setPossibleMissingCallers(count: number): void {
    this.possibleCallers = (this.possibleCallers ?? 0) + count;
  }

  finish(source: FreshnessSource | undefined): Honesty {
    const workspaces = [...this.workspaces].sort();
    return {
      unresolvedCalls: this.unresolved,
      nameOnlyEdges: this.guesses,
      ...(this.possibleCallers === undefined ? {} : { possibleMissingCallers: this.possibleCallers }),
      freshness: workspaces.map((workspace) => freshnessOf(source, workspace)),
    };
  }
}
