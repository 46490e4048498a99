// Help texts: the overview and one page per topic.
import { version } from '../version.js';

const overview = `KausalDB v${version}: a graph database for source code.

Usage: kausal <command> [options]

Commands:
  help [topic]     Show this help, or help on a command
  version          Print the version

Global options:
  --data-dir DIR   Database directory (default: $KAUSAL_DATA_DIR or ./.kausal)
  --json           Machine-readable output where supported
`;

const topics: Record<string, string> = {
  version: 'Usage: kausal version\n\nPrints the version as "KausalDB v<version>".\n',
  help: 'Usage: kausal help [topic]\n\nShows the overview, or the help page of one command.\n',
};

export function helpText(topic?: string): string | undefined {
  if (topic === undefined) return overview;
  return topics[topic];
}

export function helpTopics(): string[] {
  return Object.keys(topics);
}
