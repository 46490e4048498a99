// Choosing the backend for a data directory: the server that owns it when one runs, otherwise
// the directory opened in this process. The CLI and the MCP server both start here.
import type { Backend } from '../service/backend.js';
import { EmbeddedBackend } from '../service/embedded-backend.js';
import { connectToServer } from './remote-backend.js';

/**
 * The backend for the data directory the options and environment point at. `notice` hears how an
 * embedded answer was read when that matters (a snapshot while another process writes).
 */
export async function openBackend(
  dataDirectory: string,
  env: Readonly<Record<string, string | undefined>>,
  notice?: (line: string) => void,
): Promise<Backend> {
  // KAUSAL_EMBEDDED=1 skips the server even when one runs (it then holds the lock: for debugging).
  if (env['KAUSAL_EMBEDDED'] !== '1') {
    const remote = await connectToServer(dataDirectory);
    if (remote !== undefined) return remote;
  }
  return new EmbeddedBackend(dataDirectory, notice);
}
