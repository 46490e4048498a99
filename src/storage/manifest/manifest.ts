// The manifest records which tables make up the database, where the live write-ahead log starts,
// the next file number and the highest sequence made durable in tables. It is a log of
// checksummed snapshots (`length u32 | crc32 u32 | JSON`); the last valid snapshot is the state.
// A table is part of the database only once a synced snapshot names it; a torn snapshot at the
// end (a crash mid-append) is ignored and the log is rewritten cleanly on open; a bad record
// followed by a good one is corruption. When the log grows past a bound it is rewritten as one
// snapshot (write temp, fsync, rename, fsync directory).
//
// A snapshot may carry `"closedCleanly"`: the engine appends one (synced) at a close that ends a
// session in which every write, fsync and commit succeeded, and any later session replaces it
// with a synced snapshot without the flag before it writes anything. So when the last record
// carries the flag, every byte of the manifest and of the log is durable, and an open may act on
// what it reads without rewriting it first (see StorageEngine.open). The flag's value is the
// CRC-32 of the snapshot's JSON without it: an engine that predates the flag copies unknown fields
// into the snapshots it writes, and such a copy in a changed snapshot must not count.
import { crc32 } from '../../core/checksum.js';
import { corruption } from '../../core/errors.js';
import type { Vfs, VfsFile } from '../../vfs/vfs.js';
import { joinPath } from '../../vfs/vfs.js';

export const manifestFileName = 'MANIFEST';
const manifestTempName = 'MANIFEST.tmp';
const manifestRewriteBytes = 1 << 20;
const recordHeaderBytes = 8;

export interface TableRecord {
  readonly number: number;
  readonly fileBytes: number;
  readonly entryCount: number;
  readonly minSequence: number;
  readonly maxSequence: number;
}

export interface ManifestState {
  readonly formatVersion: 1;
  readonly nextFileNumber: number;
  /** Segments below this number are covered by tables and may be deleted. */
  readonly walStart: number;
  readonly lastSequence: number;
  /** Newest first; sequence ranges are disjoint and descending. */
  readonly tables: readonly TableRecord[];
}

export const emptyManifest: ManifestState = {
  formatVersion: 1,
  nextFileNumber: 1,
  walStart: 1,
  lastSequence: 0,
  tables: [],
};

export interface LoadedManifest {
  readonly state: ManifestState;
  /** The last record says the previous session closed cleanly, and nothing follows it. */
  readonly closedCleanly: boolean;
}

export class Manifest {
  private file: VfsFile | undefined;
  private fileBytes = 0;
  private current: ManifestState = emptyManifest;
  private onDiskClosedCleanly = false;

  constructor(
    private readonly vfs: Vfs,
    private readonly directory: string,
  ) {}

  get state(): ManifestState {
    return this.current;
  }

  /** True while the durable manifest still says the previous session closed cleanly. */
  get closedCleanly(): boolean {
    return this.onDiskClosedCleanly;
  }

  /**
   * Loads the manifest, creating an empty one for a new database. A manifest whose last record
   * says the previous session closed cleanly is left as it is (nothing in it can be undurable);
   * any other is rewritten before the open acts on it: after a failed fsync the page cache may show
   * records that never reached the disk, and this open is about to act on them (deleting log
   * segments they retire). A fresh, synced copy makes them durable first.
   */
  load(): LoadedManifest {
    const path = joinPath(this.directory, manifestFileName);
    if (!this.vfs.exists(path)) {
      this.rewrite(emptyManifest);
      return { state: this.current, closedCleanly: false };
    }
    const found = readManifest(this.vfs, path);
    if (found.closedCleanly && !found.tornTail) {
      this.current = found.state;
      this.onDiskClosedCleanly = true;
      return { state: this.current, closedCleanly: true };
    }
    this.rewrite(found.state);
    return { state: this.current, closedCleanly: false };
  }

  /**
   * Makes `next` the durable state (a record without the clean-close flag). Throws on I/O failure
   * (the caller then fails stop).
   */
  commit(next: ManifestState): void {
    this.append(next, false);
  }

  /**
   * Records that this session closes cleanly: everything it wrote to the log and the manifest was
   * synced without error. Only for a session that committed (or rewrote) the manifest itself.
   */
  markClosedCleanly(): void {
    this.append(this.current, true);
  }

  private append(next: ManifestState, closedCleanly: boolean): void {
    if (this.file === undefined || this.fileBytes >= manifestRewriteBytes) {
      this.rewrite(next, closedCleanly);
      return;
    }
    const record = encodeRecord(next, closedCleanly);
    this.beforeWrite(closedCleanly);
    this.file.append(record);
    this.fileBytes += record.length;
    this.file.sync();
    this.current = next;
    this.onDiskClosedCleanly = closedCleanly;
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }

  /**
   * While a write is under way the disk may end up with either record, so the flag counts as set
   * if either has it (the safe side: a later write then clears it again first).
   */
  private beforeWrite(closedCleanly: boolean): void {
    this.onDiskClosedCleanly ||= closedCleanly;
  }

  private rewrite(state: ManifestState, closedCleanly = false): void {
    this.beforeWrite(closedCleanly);
    this.close();
    const tempPath = joinPath(this.directory, manifestTempName);
    if (this.vfs.exists(tempPath)) this.vfs.unlink(tempPath);
    const temp = this.vfs.createExclusive(tempPath);
    const record = encodeRecord(state, closedCleanly);
    try {
      temp.append(record);
      temp.sync();
    } finally {
      temp.close();
    }
    const path = joinPath(this.directory, manifestFileName);
    this.vfs.rename(tempPath, path);
    this.vfs.syncDirectory(this.directory);
    this.file = this.vfs.open(path, 'readwrite');
    this.fileBytes = record.length;
    this.current = state;
    this.onDiskClosedCleanly = closedCleanly;
  }
}

function encodeRecord(state: ManifestState, closedCleanly: boolean): Buffer {
  const text = closedCleanly
    ? JSON.stringify({ ...state, closedCleanly: stateChecksum(state) })
    : JSON.stringify(state);
  const json = Buffer.from(text, 'utf8');
  const record = Buffer.allocUnsafe(recordHeaderBytes + json.length);
  record.writeUInt32LE(json.length, 0);
  record.writeUInt32LE(crc32(json), 4);
  json.copy(record, recordHeaderBytes);
  return record;
}

export interface ManifestFile {
  readonly state: ManifestState;
  readonly closedCleanly: boolean;
  /** Bytes follow the last valid record (a torn append). */
  readonly tornTail: boolean;
}

/** Reads the manifest without changing it (the engine's `load` may rewrite it; tests read live state). */
export function readManifest(vfs: Vfs, path: string): ManifestFile {
  const file = vfs.open(path, 'read');
  let bytes: Buffer;
  try {
    const raw = file.read(0, file.size());
    bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  } finally {
    file.close();
  }
  let offset = 0;
  let last: { state: ManifestState; closedCleanly: boolean } | undefined;
  while (offset < bytes.length) {
    const record = readRecord(bytes, offset);
    if (record === undefined) {
      if (hasValidRecordAfter(bytes, offset))
        throw corruption(path, offset, 'manifest record fails its checksum');
      break;
    }
    last = parseState(record.json, path, offset);
    offset = record.end;
  }
  if (last === undefined) throw corruption(path, 0, 'manifest holds no valid record');
  return { ...last, tornTail: offset < bytes.length };
}

function readRecord(bytes: Buffer, offset: number): { json: string; end: number } | undefined {
  if (offset + recordHeaderBytes > bytes.length) return undefined;
  const length = bytes.readUInt32LE(offset);
  const end = offset + recordHeaderBytes + length;
  if (length === 0 || end > bytes.length) return undefined;
  const body = bytes.subarray(offset + recordHeaderBytes, end);
  if (crc32(body) !== bytes.readUInt32LE(offset + 4)) return undefined;
  return { json: body.toString('utf8'), end };
}

function hasValidRecordAfter(bytes: Buffer, badOffset: number): boolean {
  for (let offset = badOffset + 1; offset + recordHeaderBytes <= bytes.length; offset++) {
    if (readRecord(bytes, offset) !== undefined) return true;
  }
  return false;
}

function parseState(
  json: string,
  path: string,
  offset: number,
): { state: ManifestState; closedCleanly: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw corruption(path, offset, 'manifest record is not JSON');
  }
  if (!isManifestState(value)) throw corruption(path, offset, 'manifest record has an unexpected shape');
  // The flag describes the record, not the state: it must not travel into later snapshots.
  const { closedCleanly, ...state } = value as ManifestState & { closedCleanly?: unknown };
  return { state, closedCleanly: closedCleanly !== undefined && closedCleanly === stateChecksum(state) };
}

/** What the clean-close flag holds: the CRC-32 of the snapshot's JSON (fields in written order). */
function stateChecksum(state: ManifestState): number {
  return crc32(Buffer.from(JSON.stringify(state), 'utf8'));
}

function isManifestState(value: unknown): value is ManifestState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Record<string, unknown>;
  const counts = [state['nextFileNumber'], state['walStart'], state['lastSequence']];
  return (
    state['formatVersion'] === 1 &&
    counts.every((count) => Number.isSafeInteger(count) && (count as number) >= 0) &&
    Array.isArray(state['tables']) &&
    state['tables'].every(isTableRecord)
  );
}

function isTableRecord(value: unknown): value is TableRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['number', 'fileBytes', 'entryCount', 'minSequence', 'maxSequence'].every(
    (field) => Number.isSafeInteger(record[field]) && (record[field] as number) >= 0,
  );
}
