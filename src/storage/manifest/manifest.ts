// The manifest records which tables make up the database, where the live write-ahead log starts,
// the next file number and the highest sequence made durable in tables. It is a log of
// checksummed snapshots (`length u32 | crc32 u32 | JSON`); the last valid snapshot is the state.
// A table is part of the database only once a synced snapshot names it; a torn snapshot at the
// end (a crash mid-append) is ignored and the log is rewritten cleanly on open; a bad record
// followed by a good one is corruption. When the log grows past a bound it is rewritten as one
// snapshot (write temp, fsync, rename, fsync directory).
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

export class Manifest {
  private file: VfsFile | undefined;
  private fileBytes = 0;
  private current: ManifestState = emptyManifest;

  constructor(
    private readonly vfs: Vfs,
    private readonly directory: string,
  ) {}

  get state(): ManifestState {
    return this.current;
  }

  /** Loads the manifest, creating an empty one for a new database. */
  load(): ManifestState {
    const path = joinPath(this.directory, manifestFileName);
    if (!this.vfs.exists(path)) {
      this.rewrite(emptyManifest);
      return this.current;
    }
    // Always rewritten (not only when a torn tail must go): after a failed fsync the page cache
    // may show records that never reached the disk, and this open is about to act on them
    // (deleting log segments they retire). A fresh, synced copy makes them durable first.
    this.rewrite(readManifest(this.vfs, path).state);
    return this.current;
  }

  /** Makes `next` the durable state. Throws on I/O failure (the caller then fails stop). */
  commit(next: ManifestState): void {
    if (this.file === undefined || this.fileBytes >= manifestRewriteBytes) {
      this.rewrite(next);
      return;
    }
    const record = encodeRecord(next);
    this.file.append(record);
    this.fileBytes += record.length;
    this.file.sync();
    this.current = next;
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }

  private rewrite(state: ManifestState): void {
    this.close();
    const tempPath = joinPath(this.directory, manifestTempName);
    if (this.vfs.exists(tempPath)) this.vfs.unlink(tempPath);
    const temp = this.vfs.createExclusive(tempPath);
    const record = encodeRecord(state);
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
  }
}

function encodeRecord(state: ManifestState): Buffer {
  const json = Buffer.from(JSON.stringify(state), 'utf8');
  const record = Buffer.allocUnsafe(recordHeaderBytes + json.length);
  record.writeUInt32LE(json.length, 0);
  record.writeUInt32LE(crc32(json), 4);
  json.copy(record, recordHeaderBytes);
  return record;
}

function readManifest(vfs: Vfs, path: string): { state: ManifestState } {
  const file = vfs.open(path, 'read');
  let bytes: Buffer;
  try {
    const raw = file.read(0, file.size());
    bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  } finally {
    file.close();
  }
  let offset = 0;
  let state: ManifestState | undefined;
  while (offset < bytes.length) {
    const record = readRecord(bytes, offset);
    if (record === undefined) {
      if (hasValidRecordAfter(bytes, offset))
        throw corruption(path, offset, 'manifest record fails its checksum');
      break;
    }
    state = parseState(record.json, path, offset);
    offset = record.end;
  }
  if (state === undefined) throw corruption(path, 0, 'manifest holds no valid record');
  return { state };
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

function parseState(json: string, path: string, offset: number): ManifestState {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw corruption(path, offset, 'manifest record is not JSON');
  }
  if (!isManifestState(value)) throw corruption(path, offset, 'manifest record has an unexpected shape');
  return value;
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
