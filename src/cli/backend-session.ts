// How a command reaches the database: through the server when one owns the data directory,
// otherwise by opening the directory in this process. Same requests, same answers either way.
import { isKausalError } from '../core/errors.js';
import { openBackend } from '../server/open-backend.js';
import type { Backend } from '../service/backend.js';
import type { ParamsOf, RequestKind, ResultOf } from '../service/requests.js';
import type { CommandContext } from './command.js';
import { resolveDataDirectory } from './data-dir.js';
import { optionalString, type ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';

/** Runs `action` with the backend for the command's data directory, and always releases it. */
export async function withBackend<T>(
  parsed: ParsedOptions,
  context: CommandContext,
  action: (backend: Backend) => Promise<T>,
): Promise<T> {
  const directory = resolveDataDirectory(optionalString(parsed, 'data-dir'), context.env, context.cwd);
  const backend = await openBackend(directory, context.env, (line) => context.io.stderr(`${line}\n`));
  try {
    return await action(backend);
  } finally {
    await backend.close();
  }
}

/**
 * Runs a request whose INVALID_ARGUMENT answer (a name with no name part, say) is the user's
 * input at fault: on the command line that is a usage error, exit code 2.
 */
export async function asUsage<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (isKausalError(error, 'INVALID_ARGUMENT')) throw new UsageError(`Invalid argument: ${error.message}`);
    throw error;
  }
}

/** One query request for the command's data directory; bad input in it is a usage error. */
export function queryRequest<K extends RequestKind>(
  parsed: ParsedOptions,
  context: CommandContext,
  kind: K,
  params: ParamsOf<K>,
): Promise<ResultOf<K>> {
  return withBackend(parsed, context, (backend) => asUsage(() => backend.request(kind, params)));
}
