// Child process for the kill test: writes numbered batches forever through the real file system
// and reports each one on stdout only after write() returned (i.e. after it was acknowledged).
import { Database } from '../../src/database.js';

const directory = process.argv[2];
if (directory === undefined) throw new Error('usage: writer-child <directory>');
const db = Database.open(directory, { memtableBytes: 256 * 1024, walSegmentBytes: 128 * 1024 });
// Tests kill it long before; this bound only keeps a test that failed to from leaving it running.
const stopAt = Date.now() + 120_000;
for (let batch = 0; batch < 1_000_000 && Date.now() < stopAt; batch++) {
  const operations = [];
  for (let index = 0; index < 20; index++) {
    const id = (batch * 20 + index).toString(16).padStart(32, '0');
    operations.push({
      kind: 'put_block' as const,
      block: { id, sourceUri: '', metadata: { batch }, content: `batch ${batch} item ${index} `.repeat(20) },
    });
  }
  db.write(operations);
  process.stdout.write(`committed ${batch}\n`);
}
