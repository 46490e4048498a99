// A real process writes through the real file system and is killed with SIGKILL at a random
// moment; after reopening, every batch it reported as committed must be there, whole.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Database } from '../src/database.js';
import { makeTempDir } from '../src/testing/temp-dir.js';

const childScript = fileURLToPath(new URL('./helpers/writer-child.ts', import.meta.url));

function runAndKill(directory: string, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, directory], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // Start the clock once the child is writing, so the kill lands mid-workload.
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited without being killed: ${errors}`));
        return;
      }
      const committed = [...output.matchAll(/committed (\d+)\n/g)].map((match) => Number(match[1]));
      resolve(committed.length === 0 ? -1 : Math.max(...committed));
    });
  });
}

describe('SIGKILL during writes (real process, NodeVfs)', () => {
  for (const killAfterMs of [150, 400, 900]) {
    it(`keeps every reported batch when killed ${killAfterMs} ms into the workload`, async (t) => {
      const directory = makeTempDir(t);
      const lastCommitted = await runAndKill(directory, killAfterMs);
      assert.ok(lastCommitted >= 0, 'the child committed something before the kill');
      const db = Database.open(directory); // the dead child's lock is taken over
      try {
        for (let batch = 0; batch <= lastCommitted; batch++) {
          for (const index of [0, 19]) {
            const id = (batch * 20 + index).toString(16).padStart(32, '0');
            const block = db.getBlock(id);
            assert.equal(
              block?.content,
              `batch ${batch} item ${index} `.repeat(20),
              `batch ${batch} item ${index}`,
            );
          }
        }
        // Nothing beyond the batch in flight may exist, and no batch is partial.
        const ids = new Set([...db.scanBlocks()].map((block) => block.id));
        assert.ok(
          ids.size === (lastCommitted + 1) * 20 || ids.size === (lastCommitted + 2) * 20,
          `${ids.size} blocks`,
        );
      } finally {
        db.close();
      }
    });
  }
});
