// The write-ahead log: numbered segment files of frames, each frame one atomic batch. A durable
// batch is acknowledged only after its frame is appended and the segment fsynced. A deferred batch
// (a bulk load's, made durable by the commit that ends it) is appended without an fsync; the next
// durable append, the next segment and close() fsync it first, so a durable frame never lies
// after bytes that are not durable, and no segment but the newest holds unsynced bytes.
//
// Recovery replays every live segment in order. In the newest segment, a bad frame that no valid
// frame after it vouches for (wal-format.ts: a durable frame vouches for everything before it, a
// deferred one for what was synced when it was appended) is where a crash caught the log unsynced:
// it is cut off with everything after it, which was never durable. Any other bad frame is damage:
// corruption that stops the open with the file and offset named. It is never skipped, and nothing
// durable is ever cut.
import { KausalError, corruption } from '../../core/errors.js';
import type { Vfs, VfsFile } from '../../vfs/vfs.js';
import { joinPath } from '../../vfs/vfs.js';
import type { Memtable } from '../memtable/memtable.js';
import { applyFrame } from './frame-apply.js';
import {
  checkFrame,
  sealFrame,
  walHeaderBytes,
  walMagic,
  walPayloadPrefixBytes,
  writeU64,
} from './wal-format.js';

const segmentPattern = /^wal-(\d{12})\.log$/;

export function segmentName(number: number): string {
  return `wal-${String(number).padStart(12, '0')}.log`;
}

export function parseSegmentName(name: string): number | undefined {
  const match = segmentPattern.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** What a replay may change in the log (see `WriteAheadLog.recover`). */
export type ReplayChanges = 'repair' | 'keepEmpty' | 'none';

export interface WalRecovery {
  /** Highest sequence found in the log (0 when empty). */
  readonly lastSequence: number;
  readonly segmentsReplayed: number;
  readonly framesReplayed: number;
  /** Bytes cut from the tail of the newest segment (a torn final write). */
  readonly tornBytesTruncated: number;
}

interface SegmentReplay {
  readonly lastSequence: number;
  readonly frames: number;
  readonly truncated: number;
  readonly empty: boolean;
}

export class WriteAheadLog {
  private file: VfsFile | undefined;
  private segmentNumber = 0;
  private segmentSize = 0;
  /** Bytes of the current segment known to be on disk (fsynced). */
  private syncedSize = 0;
  private bytesWrittenTotal = 0;

  constructor(
    private readonly vfs: Vfs,
    private readonly directory: string,
    private readonly segmentBytesMax: number,
    /** False only under the test-only planted bug `ignoreChecksums`. */
    private readonly verifyChecksums = true,
  ) {}

  get currentSegment(): number {
    return this.segmentNumber;
  }

  get bytesWritten(): number {
    return this.bytesWrittenTotal;
  }

  /** Live segment numbers at or above `firstLive`, ascending. */
  listSegments(firstLive: number): number[] {
    const numbers: number[] = [];
    for (const name of this.vfs.list(this.directory)) {
      const number = parseSegmentName(name);
      if (number !== undefined && number >= firstLive) numbers.push(number);
    }
    return numbers.sort((a, b) => a - b);
  }

  /**
   * Replays segments `numbers` (ascending) into `memtable`. What it may change on the way:
   * - 'repair': a torn final frame is cut off and empty segments are removed;
   * - 'keepEmpty': the same, but empty segments stay (an open that may end up writing nothing
   *   leaves the directory alone);
   * - 'none': not a byte, for a view of a log another process may be appending to: a frame that
   *   fails its check at the end of the last segment is an append in progress (or a torn one),
   *   and the replay stops before it.
   */
  recover(numbers: readonly number[], memtable: Memtable, changes: ReplayChanges = 'repair'): WalRecovery {
    let lastSequence = 0;
    let framesReplayed = 0;
    let tornBytesTruncated = 0;
    const newest = this.newestWithBytes(numbers);
    numbers.forEach((number, index) => {
      const result = this.replaySegment(number, index === newest, memtable, changes === 'none');
      lastSequence = Math.max(lastSequence, result.lastSequence);
      framesReplayed += result.frames;
      tornBytesTruncated += result.truncated;
      // An empty segment holds nothing to replay; removing it keeps reopen cycles from piling
      // up files. (Its loss in a crash is harmless, so no directory sync is needed.)
      if (result.empty && changes === 'repair')
        this.vfs.unlink(joinPath(this.directory, segmentName(number)));
    });
    return { lastSequence, segmentsReplayed: numbers.length, framesReplayed, tornBytesTruncated };
  }

  /**
   * The index in `numbers` of the newest segment that holds any bytes (the last when none does).
   * Empty segments after it do not make it older: a writer that stopped with deferred frames
   * unsynced, then an open that started a segment and crashed before retiring the log, leaves
   * exactly that, and the frames the crash took are a cut tail, not damage.
   */
  private newestWithBytes(numbers: readonly number[]): number {
    let index = numbers.length - 1;
    while (
      index > 0 &&
      this.vfs.stat(joinPath(this.directory, segmentName(numbers[index] as number))).size === 0
    ) {
      index -= 1;
    }
    return index;
  }

  /** True while deferred frames of the current segment wait for an fsync. */
  private get hasUnsynced(): boolean {
    return this.syncedSize < this.segmentSize;
  }

  /**
   * Starts a new, empty segment and makes its directory entry durable. Deferred frames of the
   * current one are fsynced first: only the newest segment may end in bytes that are not durable.
   */
  startSegment(number: number): void {
    this.syncPending();
    this.closeFile();
    const path = joinPath(this.directory, segmentName(number));
    this.file = this.vfs.createExclusive(path);
    this.vfs.syncDirectory(this.directory);
    this.segmentNumber = number;
    this.segmentSize = 0;
    this.syncedSize = 0;
  }

  /**
   * Seals and appends one frame (from BatchEncoder, with its trailer's room when `deferred`).
   * Rotates first when the segment is full. A durable frame is fsynced before this returns, and so
   * is every deferred frame before it, ahead of its append. `sync` is false only under the
   * test-only planted bug `skipWalSync`.
   */
  append(frame: Buffer, deferred: boolean, sync = true): void {
    if (this.segmentSize > 0 && this.segmentSize + frame.length > this.segmentBytesMax) {
      this.startSegment(this.segmentNumber + 1);
    }
    const file = this.file;
    if (file === undefined) throw new KausalError('CLOSED', 'write-ahead log is not open');
    if (deferred) sealFrame(frame, this.syncedSize);
    else {
      // Its magic vouches for every byte before it: those must be durable before it can be.
      if (sync) this.syncPending();
      sealFrame(frame);
    }
    file.append(frame);
    this.segmentSize += frame.length;
    this.bytesWrittenTotal += frame.length;
    if (!deferred && sync) this.syncCurrent();
  }

  /** Makes the deferred frames of the current segment durable (a no-op when there are none). */
  syncPending(): void {
    if (this.hasUnsynced) this.syncCurrent();
  }

  /**
   * Makes the deferred frames of the current segment durable with an empty durable frame after
   * them: appending it fsyncs them first (see append), and it then vouches for them, so damage to
   * them at rest is reported as corruption rather than cut as an unsynced tail. `nextSequence` is
   * the sequence the next batch will take (the empty frame takes none).
   */
  makeDurable(nextSequence: number): void {
    if (!this.hasUnsynced) return;
    const marker = Buffer.alloc(walHeaderBytes + walPayloadPrefixBytes);
    writeU64(marker, walHeaderBytes, nextSequence);
    this.append(marker, false);
  }

  private syncCurrent(): void {
    const size = this.segmentSize;
    this.file?.sync();
    this.syncedSize = size;
  }

  /**
   * Removes segments older than `firstLive` (their contents are durable in tables, and the
   * manifest that says so is synced), in the background: one left behind by a crash is below the
   * manifest's `walStart`, which the next open removes.
   */
  deleteSegmentsBefore(firstLive: number): void {
    for (const name of this.vfs.list(this.directory)) {
      const number = parseSegmentName(name);
      if (number !== undefined && number < firstLive) {
        this.vfs.unlinkInBackground(joinPath(this.directory, name));
      }
    }
  }

  close(): void {
    this.closeFile();
  }

  private closeFile(): void {
    const file = this.file;
    this.file = undefined;
    file?.close();
  }

  private replaySegment(
    number: number,
    isNewest: boolean,
    memtable: Memtable,
    readOnly: boolean,
  ): SegmentReplay {
    const path = joinPath(this.directory, segmentName(number));
    const file = this.vfs.open(path, isNewest && !readOnly ? 'readwrite' : 'read');
    try {
      const bytes = Buffer.from(file.read(0, file.size()));
      let offset = 0;
      let lastSequence = 0;
      let frames = 0;
      while (offset < bytes.length) {
        const check = checkFrame(bytes, offset, this.verifyChecksums);
        if (check.kind !== 'ok') {
          if (!isNewest || vouchedFor(bytes, offset)) {
            throw corruption(path, offset, `write-ahead log frame fails its check (${check.kind})`);
          }
          if (readOnly) return { lastSequence, frames, truncated: 0, empty: offset === 0 };
          // A torn final write, or deferred frames the crash caught unsynced: none of it was ever
          // durable. Cut it off durably so the segment is clean if a later segment follows it.
          file.truncate(offset);
          file.sync();
          return { lastSequence, frames, truncated: bytes.length - offset, empty: offset === 0 };
        }
        const applied = applyFrame(bytes, offset, check.payloadLength, memtable, path);
        if (applied.operationCount > 0) {
          lastSequence = applied.firstSequence + applied.operationCount - 1;
        }
        frames += 1;
        offset += check.frameLength;
      }
      return { lastSequence, frames, truncated: 0, empty: bytes.length === 0 };
    } finally {
      file.close();
    }
  }
}

// 'KWA': the first three bytes of both magics, 'KWAL' and 'KWAD' (wal-format.test.ts checks).
const magicPrefix = Buffer.from([walMagic & 0xff, (walMagic >>> 8) & 0xff, (walMagic >>> 16) & 0xff]);

/**
 * True when a valid frame after the bad one at `badOffset` vouches for it: was appended when the
 * bytes at `badOffset` were already durable. Then the bad frame is damage, not a crash's loss.
 */
function vouchedFor(bytes: Buffer, badOffset: number): boolean {
  let position = bytes.indexOf(magicPrefix, badOffset + 1);
  while (position >= 0) {
    const check = checkFrame(bytes, position);
    if (check.kind === 'ok' && check.syncedBefore > badOffset) return true;
    position = bytes.indexOf(magicPrefix, position + 1);
  }
  return false;
}
