// Stopping a writer part way, as Ctrl-C, a crash or a full disk would: tests of what a link, sync,
// unlink or graph change leaves behind after any of its write batches. A crash leaves the same:
// ingestion writes its batches deferred, and the engine keeps a prefix of them through a crash
// (docs/fault-model.md), which is what stopping after that many batches leaves.
import type { Database } from '../database.js';

class WritesStopped extends Error {
  constructor() {
    super('stopped');
  }
}

/**
 * Runs `work` with `db.write` failing once `writes` batches went through; true when that stopped
 * it. Any other error is rethrown. The database takes writes again afterwards.
 */
export async function runStoppedAfter(
  db: Database,
  writes: number,
  work: () => Promise<unknown>,
): Promise<boolean> {
  const write = db.write.bind(db);
  let left = writes;
  db.write = (operations, options) => {
    if (left-- <= 0) throw new WritesStopped();
    return write(operations, options);
  };
  try {
    await work();
    return false;
  } catch (error) {
    if (error instanceof WritesStopped) return true;
    throw error;
  } finally {
    db.write = write;
  }
}
