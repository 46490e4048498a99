// Output sinks of the CLI, injectable so tests can capture them.
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stdout is a terminal (progress bars, colour). */
  readonly isTerminal: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTerminal: process.stdout.isTTY === true,
};

/** Colour only on a terminal and never with NO_COLOR set. */
export function colourEnabled(io: CliIo, env: Readonly<Record<string, string | undefined>>): boolean {
  return io.isTerminal && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');
}
