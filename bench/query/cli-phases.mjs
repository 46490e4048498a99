// Run by the query benchmark in a fresh process, as the CLI would be: how long loading the
// storage modules, Database.open, loading the query modules and one cold `show` take, and how much
// table metadata (bloom filters, indexes) that query loaded. Prints JSON.
//   node bench/query/cli-phases.mjs <data-dir> <target>
import { performance } from 'node:perf_hooks';

const [directory, target] = process.argv.slice(2);
const started = performance.now();
const { Database } = await import('../../dist/database.js');
const loaded = performance.now();
const db = Database.open(directory);
const opened = performance.now();
const { show } = await import('../../dist/query/show.js');
const ready = performance.now();
const answer = show({ graph: db }, { target, relation: 'callers' });
const answered = performance.now();
const metadataBytes = db.stats().tableMetadataBytes;
db.close();
const closed = performance.now();
process.stdout.write(
  JSON.stringify({
    status: answer.status,
    importStorage: loaded - started,
    open: opened - loaded,
    importQuery: ready - opened,
    query: answered - ready,
    close: closed - answered,
    metadataBytes,
  }),
);
