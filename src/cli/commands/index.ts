// The registry of CLI commands, in the order the overview lists them.
import type { Command } from '../command.js';
import { makeHelpCommand } from './help.js';
import { versionCommand } from './version.js';

export const commands: readonly Command[] = [makeHelpCommand(() => commands), versionCommand];
