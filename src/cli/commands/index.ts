// The registry of CLI commands, in the order the overview lists them. The command modules are light
// and imported up front; what is heavy behind them (the parsers and resolution of link and sync,
// the server, the MCP SDK, sockets) is imported only by the request that needs it, so `kausal show`
// does not load the parsers `kausal link` needs. Importing the command modules on demand as well
// cost more than it saved: the bundler then split them into some forty chunks, and resolving and
// linking those took 50 ms of a 200 ms query.
import type { Command } from '../command.js';
import { contextCommand } from './context.js';
import { exportCommand } from './export.js';
import { findCommand } from './find.js';
import { linkCommand } from './link.js';
import { mcpCommand } from './mcp.js';
import { pathCommand } from './path.js';
import { pingCommand } from './ping.js';
import { reindexCommand } from './reindex.js';
import { serverCommand } from './server.js';
import { showCommand } from './show.js';
import { statusCommand } from './status.js';
import { syncCommand } from './sync.js';
import { traceCommand } from './trace.js';
import { unlinkCommand } from './unlink.js';
import { versionCommand } from './version.js';
import { makeHelpCommand } from './help.js';

export const commands: readonly Command[] = [
  makeHelpCommand(() => commands),
  versionCommand,
  statusCommand,
  linkCommand,
  unlinkCommand,
  syncCommand,
  findCommand,
  showCommand,
  traceCommand,
  pathCommand,
  contextCommand,
  exportCommand,
  serverCommand,
  pingCommand,
  mcpCommand,
  reindexCommand,
];
