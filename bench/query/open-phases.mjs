// Where `Database.open` spends its time, in fresh processes: the database is opened through a
// Vfs that times every file-system call by kind (fsync, read, open, list, …), so the rest of the
// open is CPU (decoding, checksums). Then one cold `show` and `close`. Prints medians as JSON.
//   node bench/query/open-phases.mjs <data-dir> <target> [runs]    (spawns itself per run)
//   node bench/query/open-phases.mjs --child <data-dir> <target>   (one run)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);

/** Wraps a Vfs (and the files it opens) so each call's time is added to `spent[kind]`. */
function timingVfs(inner, spent) {
  const timed = (kind, call) => {
    const started = performance.now();
    try {
      return call();
    } finally {
      spent[kind] = (spent[kind] ?? 0) + performance.now() - started;
      spent.calls = (spent.calls ?? 0) + 1;
    }
  };
  const wrapFile = (file) => ({
    path: file.path,
    read: (position, length) => timed('read', () => file.read(position, length)),
    write: (position, bytes) => timed('write', () => file.write(position, bytes)),
    append: (bytes) => timed('write', () => file.append(bytes)),
    size: () => timed('stat', () => file.size()),
    truncate: (size) => timed('write', () => file.truncate(size)),
    sync: () => timed('fsync', () => file.sync()),
    close: () => timed('open/close', () => file.close()),
  });
  return {
    open: (path, mode) => wrapFile(timed('open/close', () => inner.open(path, mode))),
    createExclusive: (path) => wrapFile(timed('open/close', () => inner.createExclusive(path))),
    exists: (path) => timed('stat', () => inner.exists(path)),
    stat: (path) => timed('stat', () => inner.stat(path)),
    rename: (from, to) => timed('rename/unlink', () => inner.rename(from, to)),
    unlink: (path) => timed('rename/unlink', () => inner.unlink(path)),
    list: (directory) => timed('list', () => inner.list(directory)),
    mkdir: (path) => timed('stat', () => inner.mkdir(path)),
    syncDirectory: (path) => timed('fsync', () => inner.syncDirectory(path)),
    lock: (path, owner) => timed('lock', () => inner.lock(path, owner)),
  };
}

async function child(directory, target) {
  const { Database } = await import('../../dist/database.js');
  const { NodeVfs } = await import('../../dist/vfs/node-vfs.js');
  const { show } = await import('../../dist/query/show.js');
  const spent = {};
  const started = performance.now();
  const db = Database.open(directory, { vfs: timingVfs(new NodeVfs(), spent) });
  const opened = performance.now();
  const io = Object.entries(spent).reduce((sum, [kind, ms]) => (kind === 'calls' ? sum : sum + ms), 0);
  const openIo = { ...spent };
  const metadataBytes = db.stats().tableMetadataBytes;
  const answer = show({ graph: db }, { target, relation: 'callers' });
  const answered = performance.now();
  db.close();
  const closed = performance.now();
  return {
    status: answer.status,
    open: opened - started,
    openCpu: opened - started - io,
    ...Object.fromEntries(Object.entries(openIo).map(([kind, ms]) => [`open.${kind}`, ms])),
    metadataBytesAfterOpen: metadataBytes,
    query: answered - opened,
    close: closed - answered,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

if (args[0] === '--child') {
  process.stdout.write(JSON.stringify(await child(args[1], args[2])));
} else {
  const [directory, target, runsText] = args;
  const runs = Number(runsText ?? 11);
  const results = [];
  for (let run = 0; run < runs + 1; run++) {
    const result = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', directory, target],
      {
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) throw new Error(`open-phases exited ${result.status}: ${result.stderr}`);
    if (run > 0) results.push(JSON.parse(result.stdout)); // the first run warms the page cache
  }
  const keys = [...new Set(results.flatMap((result) => Object.keys(result)))].filter(
    (key) => key !== 'status',
  );
  const summary = { runs, status: results[0]?.status };
  for (const key of keys) summary[key] = Number(median(results.map((result) => result[key] ?? 0)).toFixed(3));
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
