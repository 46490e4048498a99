// A scan kept open across other steps: started, pulled a few items at a time while writes, flushes
// and compactions run in between, and checked item by item against the scan window (see
// scan-window.ts). This is what exposes a memtable whose bytes are reused while a scan holds it.
import type { World } from './world.js';
import type { WriteOperation } from '../../core/types.js';
import type { Harness } from './harness.js';
import { blockScan, edgeScan, ScanWindow, type ScanKind } from './scan-window.js';

export interface OpenScan {
  readonly name: string;
  next(): IteratorResult<unknown>;
  check(item: unknown): string | undefined;
  finish(): string | undefined;
  observe(batch: readonly WriteOperation[], worlds: readonly World[]): void;
  close(): void;
}

function openScan<V, A>(kind: ScanKind<V, A>, iterator: Iterator<A>, worlds: readonly World[]): OpenScan {
  const window = new ScanWindow(kind, worlds);
  return {
    name: kind.name,
    next: () => iterator.next(),
    check: (item) => window.checkItem(item as A),
    finish: () => window.finish(),
    observe: (batch, current) => window.observe(batch, current),
    close: () => {
      iterator.return?.();
    },
  };
}

/** Starts a scan when none is open, then pulls a few items, checking each. */
export function advanceInterleavedScan(harness: Harness): void {
  if (harness.scan === undefined) {
    const blocks = harness.rng.chance(0.6);
    // Creating the generator runs nothing yet; the first next() captures the memtables and tables.
    const started = harness.call('start scan', (db) =>
      blocks
        ? openScan(blockScan, db.scanBlocks(), harness.model.worlds)
        : openScan(edgeScan, db.scanEdges(), harness.model.worlds),
    );
    if (started.kind !== 'ok') return;
    harness.scan = started.value;
    harness.note(`start interleaved ${started.value.name} scan`);
  }
  const pulls = harness.rng.between(1, 8);
  for (let pull = 0; pull < pulls; pull += 1) {
    const scan = harness.scan;
    if (scan === undefined) return;
    const result = harness.call(`${scan.name} scan next`, () => scan.next());
    if (result.kind !== 'ok') {
      if (result.kind === 'failed') harness.counters.readsFailed += 1;
      harness.scan = undefined; // a generator that threw is finished
      return;
    }
    if (result.value.done === true) {
      const problem = scan.finish();
      if (problem !== undefined) harness.fail(problem);
      harness.counters.interleavedScans += 1;
      harness.note(`interleaved ${scan.name} scan complete`);
      harness.scan = undefined;
      return;
    }
    const problem = scan.check(result.value.value);
    if (problem !== undefined) harness.fail(problem);
    harness.counters.readsChecked += 1;
  }
}

/** Ends an open scan early (before a close or reopen), releasing what it holds. */
export function abandonScan(harness: Harness): void {
  const scan = harness.scan;
  if (scan === undefined) return;
  harness.scan = undefined;
  if (harness.db !== undefined) harness.call(`${scan.name} scan return`, () => scan.close());
}
