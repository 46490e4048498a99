// Runs the built kausal binary (npm test builds dist/ first) and captures what it printed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const binary = fileURLToPath(new URL('../../bin/kausal.js', import.meta.url));

export interface KausalRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kausal(args: readonly string[], env: Record<string, string> = {}, cwd?: string): KausalRun {
  const result = spawnSync(process.execPath, [binary, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    ...(cwd === undefined ? {} : { cwd }),
  });
  // A process killed by a signal has no status: say which, where assertions print stderr.
  const killed = result.signal === null ? '' : `[kausal was killed by ${result.signal}]`;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr + killed };
}
