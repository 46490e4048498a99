import { KausalError } from '../../core/errors.js';
import { connectToServer } from '../../server/remote-backend.js';
import type { Command } from '../command.js';
import { resolveDataDirectory } from '../data-dir.js';
import { jsonText } from '../output-format.js';
import { flag, optionalString, parseOptions } from '../options.js';

export const pingCommand: Command = {
  name: 'ping',
  summary: 'Check that a server answers for the data directory',
  help: `Usage: kausal ping [--data-dir DIR] [--json]

Sends a ping to the server that owns DIR and prints its answer and the round-trip time.
Exit code 0 when it answered, 1 when no server runs for DIR (start one with
'kausal server start').
`,
  async run(args, context) {
    const parsed = parseOptions(args, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } });
    const directory = resolveDataDirectory(optionalString(parsed, 'data-dir'), context.env, context.cwd);
    const backend = await connectToServer(directory);
    if (backend === undefined) {
      throw new KausalError(
        'UNAVAILABLE',
        `no kausal server is running for ${directory}; start one with 'kausal server start'`,
      );
    }
    try {
      const started = performance.now();
      const pong = await backend.request('ping', {});
      const roundTripMs = performance.now() - started;
      if (flag(parsed, 'json')) context.io.stdout(jsonText({ ...pong, roundTripMs }));
      else {
        context.io.stdout(
          `pong from kausal server v${pong.version} (pid ${pong.pid}) on ${backend.endpoint.host}:${backend.endpoint.port} in ${roundTripMs.toFixed(2)} ms\n`,
        );
      }
      return 0;
    } finally {
      await backend.close();
    }
  },
};
