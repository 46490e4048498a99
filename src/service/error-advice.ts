// What a user can do about an operating error, added where the CLI and the MCP server show it.
// Most errors say it themselves (a full disk, a held lock); a damaged file cannot know what the
// database is for, so the advice for CORRUPTION lives here: the database is an index of source
// code that can be built again, and the code itself is untouched.
import type { KausalError } from '../core/errors.js';

const corruptionAdvice =
  'The database files are damaged (a disk fault, or a file changed outside KausalDB). They hold ' +
  'an index of your code, not the code: move the data directory aside and run ' +
  "'kausal link --path <dir>' again for each workspace.";

/** The error's message, followed on a line of its own by the advice for its code, if any. */
export function withAdvice(error: KausalError): string {
  return error.code === 'CORRUPTION' ? `${error.message}\n${corruptionAdvice}` : error.message;
}
