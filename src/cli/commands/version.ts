import { version } from '../../version.js';
import type { Command } from '../command.js';
import { parseOptions } from '../options.js';

export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the version',
  help: 'Usage: kausal version\n\nPrints the version as "KausalDB v<version>".\n',
  run(args, { io }) {
    parseOptions(args, {});
    io.stdout(`KausalDB v${version}\n`);
    return 0;
  },
};
