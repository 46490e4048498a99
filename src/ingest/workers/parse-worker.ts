// Worker thread entry: parses the batches of files the pool sends and posts one outcome per file,
// in order, so the pool always knows which file a crash interrupted.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseRequest } from './protocol.js';
import { runParseJob } from './parse-job.js';
import { packOutcome } from './shared-content.js';

const port = parentPort;
if (port === null) throw new Error('parse-worker must run in a worker thread');

// Fault injection for the pool's tests: die while parsing this path, as a crashing parser would,
// or fail before answering anything, as a worker whose modules cannot load would.
const settings = workerData as { nice?: number; crashOn?: string; failStart?: boolean } | undefined;
const crashOn = settings?.crashOn;
if (settings?.failStart === true) throw new Error('parse worker failed to load (injected)');

// A server's workers yield the cores to its query thread (parseWorkersYieldToQueries). On Linux
// this sets the nice value of this thread alone.
if (settings?.nice !== undefined && settings.nice !== 0) {
  try {
    setPriority(settings.nice);
  } catch {
    // Not permitted here: parse at the normal priority.
  }
}

// One batch at a time: messages queue up while a batch is being parsed.
let chain: Promise<void> = Promise.resolve();
port.on('message', (request: ParseRequest) => {
  chain = chain.then(async () => {
    for (const job of request.jobs) {
      if (job.path === crashOn) process.exit(70);
      port.postMessage(packOutcome(await runParseJob(job, request.fileBytesMax)));
    }
  });
});
