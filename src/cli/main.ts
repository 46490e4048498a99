// The kausal command line. It dispatches to one command and returns an exit code: 0 on success,
// 1 on a runtime error (a message a user can act on), 2 on a usage error (with the hint to run
// `kausal help`). Bad input never produces a stack trace.
import { isKausalError } from '../core/errors.js';
import type { CommandContext } from './command.js';
import { commands } from './commands/index.js';
import { processIo, type CliIo } from './io.js';
import { printable } from '../core/printable.js';
import { UsageError, usageHint } from './usage-error.js';

export async function main(
  argv: readonly string[],
  io: CliIo = processIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): Promise<number> {
  const context: CommandContext = { io, env, cwd };
  const [first, ...rest] = argv;
  try {
    const name = first === undefined || first === '--help' || first === '-h' ? 'help' : first;
    const normalized = name === '--version' || name === '-v' ? 'version' : name;
    const command = commands.find((candidate) => candidate.name === normalized);
    if (command === undefined) throw new UsageError(`Unknown command: ${printable(normalized)}`);
    // `kausal show --help` (or -h anywhere before a `--`) means `kausal help show`.
    const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    if (normalized !== 'help' && (options.includes('--help') || options.includes('-h'))) {
      const help = commands.find((candidate) => candidate.name === 'help');
      if (help !== undefined) return await help.run([normalized], context);
    }
    return await command.run(first === undefined ? [] : rest, context);
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`${error.message}\n${usageHint}\n`);
    return 2;
  }
  if (isKausalError(error)) {
    io.stderr(`Error: ${error.message}\n`);
    return 1;
  }
  // A bug, not bad input: say so plainly, without a stack trace unless asked for.
  const detail =
    error instanceof Error ? (process.env['KAUSAL_DEBUG'] ? error.stack : error.message) : String(error);
  io.stderr(`Internal error: ${detail}\nPlease report this with the command you ran.\n`);
  return 1;
}
