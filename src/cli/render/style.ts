// Text styling for terminals, and the one rule for showing text that came from a codebase: it is
// never written raw. A file name or identifier with control characters (an ANSI escape in a
// hostile repository) is shown escaped, so it can neither colour nor move the user's terminal.
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const plain = (text: string): string => text;

function ansi(code: number): (text: string) => string {
  return (text) => `\u001b[${code}m${text}\u001b[0m`;
}

export function makeStyle(colour: boolean): Style {
  if (!colour) return { bold: plain, dim: plain, green: plain, yellow: plain, cyan: plain };
  return { bold: ansi(1), dim: ansi(2), green: ansi(32), yellow: ansi(33), cyan: ansi(36) };
}

// C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a line shows.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the database, made safe to print: control characters become `\u` escapes. */
export function safe(text: string): string {
  return text.replace(unsafe, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
