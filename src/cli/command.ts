// The shape every CLI command has. Commands live one per file under src/cli/commands/ and are
// listed in src/cli/commands/index.ts; main.ts only dispatches and renders errors.
import type { CliIo } from './io.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for the overview. */
  readonly summary: string;
  /** The full help page (`kausal help <name>`). */
  readonly help: string;
  /** Runs with the arguments after the command name; returns the exit code. */
  run(args: readonly string[], context: CommandContext): number | Promise<number>;
}
