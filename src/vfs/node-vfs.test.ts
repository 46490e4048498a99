import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KausalError } from '../core/errors.js';
import { fromNodeError } from './node-errors.js';
import { NodeVfs } from './node-vfs.js';
import { assertVfsError, runVfsContract } from './vfs-contract.js';

function makeRoot(): string {
  return mkdtempSync(join(tmpdir(), 'kausal-vfs-'));
}

runVfsContract('NodeVfs', () => {
  const root = makeRoot();
  return { vfs: new NodeVfs(), root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
});

/** The pid of a process that has exited, so nothing holds it (until the kernel reuses it). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  assert.equal(result.status, 0);
  assert.ok(result.pid !== undefined && result.pid > 0);
  return result.pid;
}

function lockRecord(pid: number, owner: string, host = hostname()): string {
  return JSON.stringify({ pid, hostname: host, owner, acquiredAt: '2020-01-01T00:00:00.000Z' });
}

describe('NodeVfs locks', () => {
  let root: string;
  const vfs = new NodeVfs();
  before(() => {
    root = makeRoot();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('records pid, hostname, owner and time in the lock file', () => {
    const path = join(root, 'record.lock');
    const lock = vfs.lock(path, 'kausal test');
    const record = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    assert.equal(record['pid'], process.pid);
    assert.equal(record['hostname'], hostname());
    assert.equal(record['owner'], 'kausal test');
    assert.ok(!Number.isNaN(Date.parse(String(record['acquiredAt']))));
    lock.release();
  });

  it('a lock held by this process refuses a second taker, with advice for one process', () => {
    const path = join(root, 'self.lock');
    const lock = vfs.lock(path, 'first');
    assertVfsError(() => vfs.lock(path, 'second'), 'LOCKED', 'first', `pid ${process.pid}`, 'this process');
    lock.release();
  });

  it('takes over a lock left by a dead process', () => {
    const path = join(root, 'stale.lock');
    const pid = deadPid();
    writeFileSync(path, lockRecord(pid, 'crashed owner'));
    const lock = vfs.lock(path, 'new owner');
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).owner, 'new owner');
    lock.release();
  });

  it('takes over an empty or unparseable lock file (a crash while writing it)', () => {
    for (const content of [
      '',
      '{"pid": 12',
      'null',
      '{"pid": -1, "hostname": "h", "owner": "o", "acquiredAt": "t"}',
    ]) {
      const path = join(root, 'torn.lock');
      writeFileSync(path, content);
      vfs.lock(path, 'new owner').release();
    }
  });

  it('refuses a lock held by a live process, naming its owner, pid and host', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      assert.ok(child.pid !== undefined);
      const path = join(root, 'live.lock');
      writeFileSync(path, lockRecord(child.pid, 'kausal serve'));
      assertVfsError(
        () => vfs.lock(path, 'me'),
        'LOCKED',
        'kausal serve',
        `pid ${child.pid}`,
        hostname(),
        path,
      );
    } finally {
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it('refuses a lock recorded on another host, since its process cannot be checked', () => {
    const path = join(root, 'remote.lock');
    writeFileSync(path, lockRecord(deadPid(), 'remote owner', 'some-other-host'));
    assertVfsError(() => vfs.lock(path, 'me'), 'LOCKED', 'remote owner', 'some-other-host');
  });

  it('takes over a lock from a previous boot even when its pid is alive', () => {
    const path = join(root, 'reboot.lock');
    let bootId: string;
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      return; // Not Linux: no boot id to compare.
    }
    const record = {
      pid: 1,
      hostname: hostname(),
      owner: 'before reboot',
      acquiredAt: 'x',
      bootId: `${bootId}-old`,
    };
    writeFileSync(path, JSON.stringify(record));
    vfs.lock(path, 'after reboot').release();
  });

  it('release leaves alone a lock file that another owner has since written', () => {
    const path = join(root, 'replaced.lock');
    const lock = vfs.lock(path, 'first');
    writeFileSync(path, lockRecord(process.pid, 'someone else'));
    lock.release();
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).owner, 'someone else');
  });
});

describe('NodeVfs details', () => {
  it('maps errno to stable codes and keeps the cause', () => {
    const cases: Array<[string, string]> = [
      ['ENOENT', 'NOT_FOUND'],
      ['EEXIST', 'ALREADY_EXISTS'],
      ['ENOSPC', 'NO_SPACE'],
      ['EDQUOT', 'NO_SPACE'],
      ['EIO', 'IO_ERROR'],
      ['EACCES', 'IO_ERROR'],
    ];
    for (const [errno, code] of cases) {
      const cause = Object.assign(new Error(`${errno}: something failed, write '/x'`), { code: errno });
      const error = fromNodeError(cause, 'write', '/db/wal');
      assert.ok(error instanceof KausalError);
      assert.equal(error.code, code);
      assert.equal(error.cause, cause);
      assert.match(error.message, new RegExp(`^write /db/wal failed: something failed \\(${errno}\\)`));
    }
  });

  it('read returns bytes that own their buffer', () => {
    const root = makeRoot();
    try {
      const vfs = new NodeVfs();
      const file = vfs.createExclusive(join(root, 'f'));
      file.write(0, new Uint8Array([1, 2, 3]));
      const bytes = file.read(0, 3);
      assert.equal(bytes.byteOffset, 0);
      assert.deepEqual([...new Uint8Array(bytes.buffer, 0, 3)], [1, 2, 3]);
      file.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
