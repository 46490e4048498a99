/** Shows user input safely in messages: control characters escaped, length capped. */
export function printable(text: string): string {
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return shown.slice(1, -1);
}
