// The kausal command line. It dispatches to one command and returns an exit code: 0 on success,
// 1 on a runtime error (a message a user can act on), 2 on a usage error (with the hint to run
// `kausal help`). Bad input never produces a stack trace.
import { isKausalError } from '../core/errors.js';
import { withAdvice } from '../service/error-advice.js';
import type { CommandContext } from './command.js';
import { commands } from './commands/index.js';
import { processIo, type CliIo } from './io.js';
import { printable } from '../core/printable.js';
import { UsageError, usageHint } from './usage-error.js';

export interface MainOptions {
  /**
   * Whether a command that ran out of heap may be run again by starting this script in a Node
   * with a larger heap (larger-heap.ts): true for the `kausal` launcher, not for a caller in
   * process.
   */
  readonly relaunch?: boolean;
}

export async function main(
  argv: readonly string[],
  io: CliIo = processIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
  options: MainOptions = {},
): Promise<number> {
  const context: CommandContext = { io, env, cwd };
  try {
    const [first, ...rest] = withLeadingOptionsMoved(argv);
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
    if (options.relaunch === true && isKausalError(error, 'LIMIT_EXCEEDED')) {
      // Loaded only then: queries do not pay for child_process.
      const { rerunWithLargerHeap } = await import('./larger-heap.js');
      const code = rerunWithLargerHeap(error, argv, io, env);
      if (code !== undefined) return code;
    }
    return report(error, io);
  }
}

/** Options that may also come before the command (`kausal --data-dir D status`), as in git's `-C`. */
const leadingFlags = new Set(['--json']);
const leadingValues = new Set(['--data-dir']);

/**
 * `argv` with the common options written before the command moved to just after it, where the
 * command's own parser reads them (and refuses them if it has no such option). Any other option
 * before the command is a usage error that says where options go.
 */
function withLeadingOptionsMoved(argv: readonly string[]): string[] {
  const leading: string[] = [];
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index] as string;
    const name = arg.split('=', 1)[0] as string;
    if (leadingFlags.has(arg) || (leadingValues.has(name) && arg.includes('='))) {
      leading.push(arg);
    } else if (leadingValues.has(arg)) {
      const value = argv[index + 1];
      if (value === undefined) throw new UsageError(`Missing value for ${arg}`);
      leading.push(arg, value);
      index++;
    } else {
      break;
    }
  }
  const command = argv[index];
  if (command === undefined) {
    if (leading.length === 0) return [];
    throw new UsageError('Missing command after the options');
  }
  // `kausal --data-dir D --help` is the overview: the options change nothing there.
  if (['--help', '-h', '--version', '-v'].includes(command)) return argv.slice(index);
  if (command.startsWith('-')) {
    throw new UsageError(
      `Unknown option before the command: ${printable(command)} (only --data-dir and --json may come first; other options go after the command)`,
    );
  }
  return [command, ...leading, ...argv.slice(index + 1)];
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`${error.message}\n${usageHint}\n`);
    return 2;
  }
  if (isKausalError(error)) {
    io.stderr(`Error: ${withAdvice(error)}\n`);
    return 1;
  }
  // A bug, not bad input: say so plainly, without a stack trace unless asked for.
  const detail =
    error instanceof Error ? (process.env['KAUSAL_DEBUG'] ? error.stack : error.message) : String(error);
  io.stderr(`Internal error: ${detail}\nPlease report this with the command you ran.\n`);
  return 1;
}
