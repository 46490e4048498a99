// The kausal command line. It parses arguments, runs one command and returns an exit code:
// 0 on success, 1 on a runtime error (a message a user can act on), 2 on a usage error.
// It never lets a stack trace reach the user for bad input.
import { isKausalError } from '../core/errors.js';
import { version } from '../version.js';
import { helpText, helpTopics } from './help.js';
import { UsageError, usageHint } from './usage-error.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

type Command = (args: string[], io: CliIo) => number;

const commands: Record<string, Command> = {
  version: (args, io) => {
    expectNoArguments('version', args);
    io.stdout(`KausalDB v${version}\n`);
    return 0;
  },
  help: (args, io) => {
    const [topic, ...rest] = args;
    expectNoArguments('help', rest);
    const text = helpText(topic);
    if (text === undefined) {
      throw new UsageError(`Unknown help topic: ${topic ?? ''} (topics: ${helpTopics().join(', ')})`);
    }
    io.stdout(text);
    return 0;
  },
};

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h') return commands['help']!([], io);
    if (name === '--version' || name === '-v') return commands['version']!([], io);
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (command === undefined) throw new UsageError(`Unknown command: ${printable(name)}`);
    return command(args, io);
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
    io.stderr(`Error (${error.code}): ${error.message}\n`);
    return 1;
  }
  io.stderr(`Unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

function expectNoArguments(command: string, args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`Unexpected argument for ${command}: ${printable(args[0] ?? '')}`);
}

/** Shows user input safely: control characters escaped, length capped. */
export function printable(text: string): string {
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return shown.slice(1, -1);
}
