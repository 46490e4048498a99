import { version } from '../../version.js';
import type { Command } from '../command.js';
import { parseOptions } from '../options.js';
import { printable } from '../../core/printable.js';
import { UsageError } from '../usage-error.js';

/** The help command needs the registry; it receives it to avoid an import cycle. */
export function makeHelpCommand(all: () => readonly Command[]): Command {
  return {
    name: 'help',
    summary: 'Show this help, or the help of one command',
    help: 'Usage: kausal help [command]\n\nShows the overview, or the help page of one command.\n',
    async run(args, { io }) {
      const { positionals } = parseOptions(args, {}, 1);
      const topic = positionals[0];
      if (topic === undefined) {
        io.stdout(overview(all()));
        return 0;
      }
      const command = all().find((candidate) => candidate.name === topic);
      if (command === undefined) {
        const names = all().map((candidate) => candidate.name);
        throw new UsageError(`Unknown help topic: ${printable(topic)} (topics: ${names.join(', ')})`);
      }
      io.stdout(command.help);
      return 0;
    },
  };
}

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`);
  return `KausalDB v${version}: a graph database for source code.

Usage: kausal <command> [options]

Commands:
${lines.join('\n')}

Common options (after the command, or before it):
  --data-dir DIR   Database directory (default: $KAUSAL_DATA_DIR, else the nearest .kausal
                   directory here or above, else ./.kausal)
  --json           Machine-readable output

Run 'kausal help <command>' for the options of one command.
`;
}
