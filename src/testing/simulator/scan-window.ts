// Checks a scan that stays open while writes, flushes and compactions happen. The engine promises
// no snapshot, only a consistent walk: keys come in strictly increasing order; each item equals a
// version its key really had at some moment while the scan was open (in some possible world); a
// key live throughout, in every world, is not skipped; a key never live during the scan never
// appears. So the window records, per key, every version and whether it was ever absent.
import type { ContextBlock, StoredEdge, WriteOperation } from '../../core/types.js';
import { blockMismatch, edgeMismatch } from './compare.js';
import { outgoingKeyOf, outgoingOrderKey, type BlockVersion, type EdgeVersion, type World } from './world.js';

export interface ScanKind<V, A> {
  readonly name: 'blocks' | 'edges';
  liveKeys(world: World): string[];
  versionOf(world: World, key: string): V | undefined;
  keyOf(item: A): string;
  keysTouched(batch: readonly WriteOperation[]): string[];
  mismatch(expected: V, actual: A): string | undefined;
}

export const blockScan: ScanKind<BlockVersion, ContextBlock> = {
  name: 'blocks',
  liveKeys: (world) => world.liveBlockIds(),
  versionOf: (world, key) => world.block(key),
  keyOf: (block) => block.id,
  keysTouched: (batch) =>
    batch.flatMap((operation) =>
      operation.kind === 'put_block'
        ? [operation.block.id]
        : operation.kind === 'delete_block'
          ? [operation.id]
          : [],
    ),
  mismatch: blockMismatch,
};

export const edgeScan: ScanKind<EdgeVersion, StoredEdge> = {
  name: 'edges',
  liveKeys: (world) => world.liveEdges().map(outgoingKeyOf),
  versionOf: (world, key) => world.edgeByOrderKey(key),
  keyOf: outgoingKeyOf,
  keysTouched: (batch) =>
    batch.flatMap((operation) =>
      operation.kind === 'put_edge' || operation.kind === 'delete_edge'
        ? [outgoingOrderKey(operation.edge.source, operation.edge.type, operation.edge.target)]
        : [],
    ),
  mismatch: edgeMismatch,
};

interface Tracked<V> {
  absent: boolean;
  readonly versions: V[];
}

export class ScanWindow<V, A> {
  private readonly tracked = new Map<string, Tracked<V>>();
  private readonly yielded = new Set<string>();
  private lastKey: string | undefined;

  constructor(
    private readonly kind: ScanKind<V, A>,
    worlds: readonly World[],
  ) {
    const keys = new Set(worlds.flatMap((world) => kind.liveKeys(world)));
    for (const key of keys) this.record(key, worlds, false);
  }

  get itemCount(): number {
    return this.yielded.size;
  }

  /** Called after every change to the model while the scan is open. */
  observe(batch: readonly WriteOperation[], worlds: readonly World[]): void {
    for (const key of this.kind.keysTouched(batch)) this.record(key, worlds, true);
  }

  /** Checks one item as it arrives; returns a problem or undefined. */
  checkItem(item: A): string | undefined {
    const key = this.kind.keyOf(item);
    if (this.lastKey !== undefined && !(key > this.lastKey)) {
      return `${this.kind.name} scan: key ${key} came after ${this.lastKey} (not strictly increasing)`;
    }
    this.lastKey = key;
    this.yielded.add(key);
    const tracked = this.tracked.get(key);
    if (tracked === undefined) return `${this.kind.name} scan yielded ${key}, never live during the scan`;
    if (tracked.versions.some((version) => this.kind.mismatch(version, item) === undefined)) return undefined;
    const first = tracked.versions[0];
    const detail = first === undefined ? 'it was never live' : this.kind.mismatch(first, item);
    return `${this.kind.name} scan yielded a version of ${key} that never existed: ${detail}`;
  }

  /** Once the scan ended normally: every key live throughout must have appeared. */
  finish(): string | undefined {
    for (const [key, tracked] of this.tracked) {
      if (!tracked.absent && !this.yielded.has(key)) {
        return `${this.kind.name} scan skipped ${key}, live for the whole scan`;
      }
    }
    return undefined;
  }

  private record(key: string, worlds: readonly World[], changed: boolean): void {
    let tracked = this.tracked.get(key);
    if (tracked === undefined) {
      // First seen through a change: it was absent when the scan began.
      tracked = { absent: changed, versions: [] };
      this.tracked.set(key, tracked);
    }
    for (const world of worlds) {
      const version = this.kind.versionOf(world, key);
      if (version === undefined) tracked.absent = true;
      else if (!tracked.versions.includes(version)) tracked.versions.push(version);
    }
  }
}
