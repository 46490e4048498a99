// The snippet a user pastes into an MCP client's configuration (Claude Desktop, Claude Code,
// Cursor, …): this Node, this package's launcher and the data directory, all absolute, so the
// client can start `kausal mcp` from any working directory.
import { packagePath } from '../package-root.js';

/** bin/kausal.js of this package. */
export const launcherPath = packagePath('bin/kausal.js');

export interface McpClientConfig {
  readonly mcpServers: {
    readonly kausal: { readonly command: string; readonly args: readonly string[] };
  };
}

export function mcpClientConfig(
  dataDirectory: string,
  nodePath: string = process.execPath,
  launcher: string = launcherPath,
): McpClientConfig {
  return {
    mcpServers: { kausal: { command: nodePath, args: [launcher, 'mcp', '--data-dir', dataDirectory] } },
  };
}
