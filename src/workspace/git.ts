// The commit a git checkout is at, read from .git directly (no git binary): HEAD, a loose ref, or
// packed-refs; worktrees and submodules (a `.git` file pointing elsewhere) included.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export function headCommit(root: string): string | undefined {
  try {
    const gitDirectory = findGitDirectory(resolve(root));
    if (gitDirectory === undefined) return undefined;
    const head = readFileSync(join(gitDirectory, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    return ref === undefined ? undefined : readRef(gitDirectory, ref);
  } catch {
    return undefined;
  }
}

function findGitDirectory(start: string): string | undefined {
  for (let directory = start; ; directory = dirname(directory)) {
    const candidate = join(directory, '.git');
    try {
      const stats = statSync(candidate);
      if (stats.isDirectory()) return candidate;
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(candidate, 'utf8'))?.[1]?.trim();
      if (pointer !== undefined) return isAbsolute(pointer) ? pointer : resolve(directory, pointer);
    } catch {
      // Not here; look further up.
    }
    if (dirname(directory) === directory) return undefined;
  }
}

function readRef(gitDirectory: string, ref: string): string | undefined {
  // Worktrees keep refs in the common directory.
  const directories = [gitDirectory];
  try {
    const common = readFileSync(join(gitDirectory, 'commondir'), 'utf8').trim();
    directories.push(resolve(gitDirectory, common));
  } catch {
    // Not a worktree.
  }
  for (const directory of directories) {
    try {
      const value = readFileSync(join(directory, ref), 'utf8').trim();
      if (/^[0-9a-f]{40,64}$/.test(value)) return value;
    } catch {
      // Maybe packed.
    }
    try {
      for (const line of readFileSync(join(directory, 'packed-refs'), 'utf8').split('\n')) {
        const [hash, name] = line.split(' ');
        if (name === ref && hash !== undefined && /^[0-9a-f]{40,64}$/.test(hash)) return hash;
      }
    } catch {
      // No packed refs.
    }
  }
  return undefined;
}
