// Ctrl-C during a link or sync. The work is stopped where it is: every batch written so far is
// durable, and the workspace is left "interrupted" (src/workspace/pending-writes.ts), which the
// next sync finishes. Without a word, a user would not know that, nor what to run next.
import type { CliIo } from './io.js';

/** The exit code of a process stopped by SIGINT, as shells report it. */
const interruptedExitCode = 130;

/** Runs `work`; a SIGINT meanwhile prints `hint` on stderr and ends the process with code 130. */
export async function withInterruptHint<T>(io: CliIo, hint: string, work: () => Promise<T>): Promise<T> {
  const onSignal = (): void => {
    io.stderr(`\nInterrupted. ${hint}\n`);
    process.exit(interruptedExitCode);
  };
  process.once('SIGINT', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** What to run after a stopped link or sync of `name` (or of every workspace when undefined). */
export function resumeHint(name: string | undefined): string {
  const target = name === undefined ? '' : ` ${name}`;
  const unlink = name === undefined ? 'unlink it' : `'kausal unlink --name ${name}'`;
  return (
    `What was written so far is kept; if the workspace was being changed, 'kausal status' calls it interrupted. ` +
    `Run 'kausal sync${target}' to finish (every file is parsed again), or ${unlink}.`
  );
}
