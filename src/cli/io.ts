// Output sinks of the CLI, injectable so tests can capture them.
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stdout is a terminal (progress bars, colour). */
  readonly isTerminal: boolean;
}

// A reader that goes away early (`kausal export | head`) is not an error: the rest of the output
// has nowhere to go, and nothing else is lost (a command writes its answer after its work is
// done). Without a listener Node would crash with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`Error: cannot write the output: ${error.message}\n`);
  process.exitCode = 1;
});

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTerminal: process.stdout.isTTY === true,
};

/** Colour only on a terminal and never with NO_COLOR set. */
export function colourEnabled(io: CliIo, env: Readonly<Record<string, string | undefined>>): boolean {
  return io.isTerminal && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');
}
