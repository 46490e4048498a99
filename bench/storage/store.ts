// The small interface every engine plugs into (one adapter per engine), so the runner drives all of
// them through the same loops. Methods may be synchronous or return a promise: the runner awaits
// only when it gets one, so synchronous engines pay no promise overhead in the timed loops.
import type { BlockSet, EdgeSet } from './workload.js';

export const engineNames = ['kausaldb', 'lmdb', 'classic-level', 'better-sqlite3'] as const;
export type EngineName = (typeof engineNames)[number];

export function isEngineName(value: string): value is EngineName {
  return (engineNames as readonly string[]).includes(value);
}

export type MaybePromise<T> = T | Promise<T>;

export interface BenchStore {
  /** Writes blocks [first, first + count) as one atomic batch, durable when this returns. */
  writeBlocks(blocks: BlockSet, first: number, count: number): MaybePromise<void>;
  /** Reads one block and reports whether its value matches byte for byte. */
  readBlockMatches(blocks: BlockSet, index: number): boolean;
  /** The idiomatic asynchronous read, for engines whose users mostly read that way. */
  readBlockMatchesAsync?(blocks: BlockSet, index: number): Promise<boolean>;
  /** Writes edges [first, first + count) as one atomic durable batch. */
  writeEdges(edges: EdgeSet, first: number, count: number): MaybePromise<void>;
  /** Fetches a node's outgoing 'calls' edges (materialised) and returns how many there are. */
  outgoingCount(edges: EdgeSet, node: number): MaybePromise<number>;
  incomingCount(edges: EdgeSet, node: number): MaybePromise<number>;
  /** Engine statistics, where the engine has them (ours: tables, amplification, cache hits). */
  stats?(): unknown;
  close(): MaybePromise<void>;
}

export interface StoreEngine {
  readonly name: EngineName;
  readonly version: string;
  /** What one commit guarantees, in words for the report. */
  readonly durability: string;
  open(directory: string): MaybePromise<BenchStore>;
}
