// Every seed that ever failed, with what it found. They run in CI (regression.test.ts) on each
// change. A seed replays exactly only against the code it failed on; against later code it still
// reaches the same configuration and the same kind of situation, which is why they stay useful.
// Add a seed here whenever a run fails, fixed or not, with one line on the cause.

export interface RegressionSeed {
  readonly seed: number;
  readonly operations: number;
  readonly found: string;
}

export const regressionSeeds: readonly RegressionSeed[] = [
  {
    seed: 1,
    operations: 500,
    found:
      'engine: after an EIO on the WAL fsync, a reopen without a crash replayed the unsynced frame from ' +
      'the page cache; a crash right after took it back (fixed: an open rewrites what it replayed)',
  },
  {
    seed: 3,
    operations: 500,
    found:
      'engine: a failed manifest commit after a flush left the flush job attached, so close() deleted a ' +
      'table the manifest on disk may name; the reopen failed with NOT_FOUND (fixed: detach the job first)',
  },
  {
    seed: 4,
    operations: 500,
    found:
      'engine: an EIO opening a freshly flushed table left its finished job in place; the retry finished ' +
      'the table writer twice (assertion) (fixed: open the table inside the guarded block)',
  },
  {
    seed: 6,
    operations: 500,
    found: 'engine: as seed 3, NOT_FOUND for a table after a failed manifest commit',
  },
  {
    seed: 15,
    operations: 500,
    found: 'simulator: two damages to one table were recorded apart; repairing one dropped the other',
  },
  {
    seed: 124,
    operations: 1000,
    found:
      'simulator: a scan that hit a damaged obsolete table released it and so deleted it; the damage ' +
      'ledger then no longer recognised the file the CORRUPTION error named',
  },
  {
    seed: 1839787361,
    operations: 1000,
    found: 'simulator: a crash scheduled for recovery outlived the open and fired in the final checks',
  },
  {
    seed: 1840961948,
    operations: 1000,
    found:
      'simulator: a crash dropped the unsynced tail of a damaged WAL segment, which changed its checksum; ' +
      'damage to a segment is now recognised by the bytes up to the flipped one',
  },
  {
    seed: 4224225022,
    operations: 1000,
    found:
      'simulator: damage at rest hit an orphan table that the open then removed; a flush of that session ' +
      'reused its number, and the stale record was merged into the new damage, so repairing it damaged the file',
  },
  {
    seed: 1399118445,
    operations: 500,
    found:
      'engine: after a WAL frame larger than an arena slab (given a slab of its own), the incoming-edge ' +
      'keys copied next were recorded in that slab instead of the current one: garbage keys, lost edges',
  },
  {
    seed: 3016488397,
    operations: 800,
    found:
      'simulator: a snapshot after a fail-stop saw the failed batch in the files (appended, its fsync ' +
      'failed) and pruned the live worlds to it, so the engine showing it absent failed (fixed: snapshots ' +
      'are checked against the durable candidates)',
  },
];
