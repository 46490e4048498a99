// A lock file that survives only as long as its holder: created with O_EXCL and holding JSON
// {pid, hostname, owner, acquiredAt, bootId}. A later taker checks whether the recorded process is
// alive; a lock left by a dead process, by a previous boot, or cut short by a crash while the file
// was being written (empty or unparseable) is taken over. A holder on another host cannot be
// checked, so it counts as alive and the user is told which file to remove.
//
// Known limits: pid reuse by an unrelated process makes a stale lock look held (the message says
// how to clear it), and two processes taking over the same stale lock at the same instant can race.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import type { VfsLock } from './vfs.js';
import { errnoOf, fromNodeError } from './node-errors.js';
import { vfsError } from './vfs-error.js';

interface LockRecord {
  readonly pid: number;
  readonly hostname: string;
  readonly owner: string;
  readonly acquiredAt: string;
  readonly bootId?: string;
}

let bootIdCache: string | null | undefined;

/** The kernel's id of this boot (Linux), so a lock from before a reboot is known to be stale. */
function currentBootId(): string | null {
  if (bootIdCache !== undefined) return bootIdCache;
  try {
    bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    bootIdCache = null;
  }
  return bootIdCache;
}

export function acquireLockFile(path: string, owner: string): VfsLock {
  // Two attempts: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const record = newRecord(owner);
    if (tryCreate(path, record)) return new NodeLock(path, record);
    const holder = readHolder(path);
    if (holder === 'vanished') continue;
    if (holder !== 'unreadable' && isAlive(holder)) throw lockedError(path, holder);
    removeStale(path);
  }
  throw vfsError('LOCKED', 'lock', path, 'another process took the lock over while it was being acquired');
}

function newRecord(owner: string): LockRecord {
  const bootId = currentBootId();
  const base = { pid: process.pid, hostname: hostname(), owner, acquiredAt: new Date().toISOString() };
  return bootId === null ? base : { ...base, bootId };
}

/** Creates the lock file with O_EXCL; false when it already exists. */
function tryCreate(path: string, record: LockRecord): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw fromNodeError(error, 'lock', path);
  }
  try {
    writeSync(fd, JSON.stringify(record));
  } catch (error) {
    // Best effort: a half-written lock file would read as stale anyway.
    try {
      closeSync(fd);
      unlinkSync(path);
    } catch {
      // The write error below is the one worth reporting.
    }
    throw fromNodeError(error, 'lock', path);
  }
  try {
    closeSync(fd);
  } catch (error) {
    throw fromNodeError(error, 'lock', path);
  }
  return true;
}

function readHolder(path: string): LockRecord | 'vanished' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return 'vanished';
    throw fromNodeError(error, 'lock', path);
  }
  return parseRecord(text) ?? 'unreadable';
}

function parseRecord(text: string): LockRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, hostname: host, owner, acquiredAt, bootId } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return undefined;
  if (typeof host !== 'string' || typeof owner !== 'string' || typeof acquiredAt !== 'string')
    return undefined;
  const base = { pid: pid as number, hostname: host, owner, acquiredAt };
  return typeof bootId === 'string' ? { ...base, bootId } : base;
}

function isAlive(holder: LockRecord): boolean {
  if (holder.hostname !== hostname()) return true;
  const bootId = currentBootId();
  if (holder.bootId !== undefined && bootId !== null && holder.bootId !== bootId) return false;
  // The current process counts as alive too: a second open in the same process must fail.
  return holder.pid === process.pid || processExists(holder.pid);
}

/** Whether a process with this id runs on this host (one of another user's counts). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errnoOf(error) !== 'ESRCH';
  }
}

function lockedError(path: string, holder: LockRecord): Error {
  const who = `${holder.owner} (pid ${holder.pid} on host ${holder.hostname}, since ${holder.acquiredAt})`;
  const advice =
    holder.pid === process.pid && holder.hostname === hostname()
      ? 'close the other instance in this process first'
      : `wait for it to finish (one process at a time opens a database), or stop it; if it is not running any more, delete ${path}`;
  const found: LockHolder = { owner: holder.owner, description: who };
  return Object.assign(vfsError('LOCKED', 'lock', path, `it is in use by ${who}; ${advice}`), {
    holder: found,
  });
}

/** Who holds a lock: the owner it was taken for, and how the LOCKED message names them. */
export interface LockHolder {
  readonly owner: string;
  readonly description: string;
}

/** The holder of the lock a LOCKED error from this module is about. */
export function lockHolderOf(error: unknown): LockHolder | undefined {
  const holder = (error as { holder?: LockHolder } | null)?.holder;
  return typeof holder?.owner === 'string' ? holder : undefined;
}

function removeStale(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw fromNodeError(error, 'lock', path);
  }
}

class NodeLock implements VfsLock {
  private released = false;

  constructor(
    private readonly path: string,
    private readonly record: LockRecord,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    // Remove the file only while it is still ours; someone may have taken over a lock they
    // judged stale, and their file must stay.
    const holder = readHolder(this.path);
    if (holder === 'vanished' || holder === 'unreadable') return;
    if (holder.pid !== this.record.pid || holder.acquiredAt !== this.record.acquiredAt) return;
    if (holder.owner !== this.record.owner) return;
    removeStale(this.path);
  }
}
