// The parse pool: worker threads give the same facts as the calling thread, a worker that dies
// costs only the file it was parsing, and unreadable or oversized files become outcomes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixturesRoot } from '../test-support.js';
import type { ParseJob, ParseOutcome } from './parse-job.js';
import { parseFiles } from './parse-pool.js';
import { endWarmWorkers, warmWorkerIds } from './warm-workers.js';
import { parseWorkersYieldToQueries } from './worker-priority.js';

/**
 * The nice value of each thread of this process (Linux: /proc/self/task/<tid>/stat, field 19).
 * A thread that ends between the listing and the read (a worker of an earlier test finishing its
 * exit) is left out.
 */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      return [];
    }
    return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
  });
}

const directory = join(fixturesRoot, 'typescript/features/src');
const names = ['app.ts', 'callbacks.ts', 'store.ts', 'lib/index.ts', 'lib/math.ts', 'lib/shapes.ts'];

/** Many jobs over the same few files, so the pool spreads batches over both workers. */
function jobs(copies: number): ParseJob[] {
  const list: ParseJob[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const name of names) {
      list.push({ path: `copy${copy}/${name}`, absolutePath: join(directory, name), language: 'typescript' });
    }
  }
  return list;
}

async function run(
  list: ParseJob[],
  workers: number,
  crashOn?: string,
  keepWarm = false,
): Promise<Map<string, ParseOutcome>> {
  const outcomes = new Map<string, ParseOutcome>();
  await parseFiles(list, {
    workers,
    keepWarm,
    fileBytesMax: 1 << 20,
    onOutcome: (outcome) => {
      assert.ok(!outcomes.has(outcome.path), `one outcome per file: ${outcome.path}`);
      outcomes.set(outcome.path, outcome);
    },
    ...(crashOn === undefined ? {} : { crashOn }),
  });
  return outcomes;
}

describe('parseFiles', () => {
  it('produces the same facts in two workers as in this thread', async () => {
    const list = jobs(10);
    const threaded = await run(list, 2);
    const inThread = await run(list, 0);
    assert.equal(threaded.size, list.length);
    for (const job of list) {
      const left = threaded.get(job.path);
      const right = inThread.get(job.path);
      assert.equal(left?.status, 'parsed');
      assert.deepEqual(
        left?.status === 'parsed' ? left.facts : undefined,
        right?.status === 'parsed' ? right.facts : undefined,
      );
    }
  });

  it('loses only the file a crashed worker was parsing', async () => {
    const list = jobs(10);
    const victim = 'copy3/store.ts';
    const outcomes = await run(list, 2, victim);
    assert.equal(outcomes.size, list.length, 'every file answered once');
    const failed = [...outcomes.values()].filter((outcome) => outcome.status !== 'parsed');
    assert.deepEqual(
      failed.map((outcome) => outcome.path),
      [victim],
    );
    assert.match(failed[0]?.status === 'failed' ? failed[0].reason : '', /parser crashed/);
  });

  it('keeps its workers warm for the next run when asked, and not one that was made to crash', async () => {
    await endWarmWorkers();
    const list = jobs(10);
    await run(list, 2);
    assert.deepEqual(warmWorkerIds(), [], 'a one-shot run ends its workers');
    await run(list, 2, undefined, true);
    const kept = warmWorkerIds();
    assert.equal(kept.length, 2);
    const again = await run(list, 1, undefined, true);
    assert.equal(again.size, list.length);
    assert.ok(
      [...again.values()].every((outcome) => outcome.status === 'parsed'),
      'a kept worker parses as well as a fresh one',
    );
    assert.deepEqual(warmWorkerIds().sort(), [...kept].sort(), 'the run took a kept worker and gave it back');
    await endWarmWorkers();
    await run(list, 2, 'copy3/store.ts', true);
    assert.deepEqual(warmWorkerIds(), [], 'workers of a fault-injecting run are not kept');
  });

  it('parses in this thread when workers cannot start, and says so', async () => {
    const list = jobs(3);
    const outcomes = new Map<string, ParseOutcome>();
    const summary = await parseFiles(list, {
      workers: 2,
      fileBytesMax: 1 << 20,
      failStart: true,
      onOutcome: (outcome) => outcomes.set(outcome.path, outcome),
    });
    assert.equal(outcomes.size, list.length, 'every file still answered once');
    assert.ok([...outcomes.values()].every((outcome) => outcome.status === 'parsed'));
    assert.match(summary.fallback ?? '', /could not start \(parse worker failed to load \(injected\)\)/);
  });

  it('says nothing about a fallback when the workers did the parsing', async () => {
    const summary = await parseFiles(jobs(3), { workers: 2, fileBytesMax: 1 << 20, onOutcome: () => {} });
    assert.equal(summary.fallback, undefined);
    const crashed = await parseFiles(jobs(3), {
      workers: 2,
      fileBytesMax: 1 << 20,
      crashOn: 'copy1/app.ts',
      onOutcome: () => {},
    });
    assert.equal(crashed.fallback, undefined, 'one crash is replaced by a fresh worker, not a fallback');
  });

  it('reports unreadable and oversized files as outcomes', async () => {
    const outcomes = await run(
      [
        { path: 'missing.ts', absolutePath: join(directory, 'missing.ts'), language: 'typescript' },
        { path: 'app.ts', absolutePath: join(directory, 'app.ts'), language: 'typescript' },
      ],
      0,
    );
    assert.equal(outcomes.get('missing.ts')?.status, 'unreadable');
    assert.equal(outcomes.get('app.ts')?.status, 'parsed');
    const small = new Map<string, ParseOutcome>();
    await parseFiles([{ path: 'app.ts', absolutePath: join(directory, 'app.ts'), language: 'typescript' }], {
      workers: 0,
      fileBytesMax: 10,
      onOutcome: (outcome) => small.set(outcome.path, outcome),
    });
    assert.equal(small.get('app.ts')?.status, 'too-large');
  });

  it(
    "runs a server's workers below the priority of the thread that answers queries",
    { skip: process.platform !== 'linux' },
    async () => {
      endWarmWorkers();
      parseWorkersYieldToQueries();
      const before = threadNiceValues();
      assert.ok(
        before.every((nice) => nice === 0),
        `no thread is niced yet: ${before.join(' ')}`,
      );
      await run(jobs(2), 1, undefined, true); // the worker is kept, so its thread is still there
      const after = threadNiceValues();
      assert.equal(
        after.filter((nice) => nice === 10).length,
        1,
        `one worker thread at nice 10: ${after.join(' ')}`,
      );
      assert.ok(
        after.filter((nice) => nice !== 10).every((nice) => nice === 0),
        'every other thread at 0',
      );
      endWarmWorkers();
    },
  );
});
