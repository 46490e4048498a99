// A link or sync holds every file's facts, texts and edges until it writes them: about ten times
// the source in heap. Node 20 gives a process at most about 4 GiB of heap whatever the machine
// has, so a tree of more than a few hundred MB of source stops with LIMIT_EXCEEDED. When the
// machine has the memory, the command line then runs the same command again, once, in a Node
// with a larger heap (`--max-old-space-size`). Nothing is lost: the stopped link is an
// interrupted workspace, which the second run finishes. The flag cannot be raised inside a
// running process, and starting every command in a second process would cost every query the
// start-up of one (about 60 ms of a 100 ms `kausal show`), so this happens only on the error.
import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { HeapLimitError } from '../core/heap-room.js';
import type { CliIo } from './io.js';

/** Set in the second run, so that it never starts a third. */
export const heapRaisedVariable = 'KAUSAL_HEAP_RAISED_MIB';

/** The share of the machine's memory the heap of the second run may take. */
const machineShare = 0.6;
/** Below this gain a second run would likely stop where the first did. */
const worthwhileGain = 1.5;

/**
 * The heap, in MiB, to run the command again with after `error`, or undefined when it should not
 * be (another error, already a second run, or no more memory to give).
 */
export function largerHeapMiB(
  error: unknown,
  env: Readonly<Record<string, string | undefined>>,
  machineBytes: number = totalmem(),
): number | undefined {
  if (!(error instanceof HeapLimitError) || env[heapRaisedVariable] !== undefined) return undefined;
  const target = Math.floor((machineBytes * machineShare) / 2 ** 20);
  return target >= (error.limitBytes / 2 ** 20) * worthwhileGain ? target : undefined;
}

/**
 * After `error`, runs this command line again in a Node with a larger heap when largerHeapMiB
 * says so, its output going where this one's goes, and returns its exit code; undefined when it
 * does not run it (the caller reports the error).
 */
export function rerunWithLargerHeap(
  error: unknown,
  argv: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const mib = largerHeapMiB(error, env);
  const script = process.argv[1];
  if (mib === undefined || script === undefined || !(error instanceof HeapLimitError)) return undefined;
  io.stderr(
    `note: Node's heap of ${Math.round(error.limitBytes / 2 ** 20)} MiB is too small for this; ` +
      `running it again with ${mib} MiB (${Math.round(machineShare * 100)}% of this machine's memory)\n`,
  );
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${mib}`, script, ...argv],
    { stdio: 'inherit', env: { ...env, [heapRaisedVariable]: String(mib) } },
  );
  if (run.error !== undefined) {
    io.stderr(`Error: could not start a second run with a larger heap: ${run.error.message}\n`);
    return 1;
  }
  return run.status ?? 1;
}
