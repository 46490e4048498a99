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

/**
 * What the registry holds: the name and summary the overview needs, and how to get the command.
 * The command modules themselves are light and imported up front; what is heavy behind them (the
 * parsers and resolution of link and sync, the server, the MCP SDK, sockets) is imported only by
 * the request that needs it, so `kausal show` does not pay for loading the parsers `kausal link`
 * needs. Importing the light modules on demand as well cost more than it saved: the bundler then
 * split them into some forty chunks, and resolving and linking those took 50 ms of a 200 ms query.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}
