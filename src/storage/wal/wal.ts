// The write-ahead log: numbered segment files of frames, each frame one atomic batch. A batch is
// acknowledged only after its frame is appended and the segment fsynced. Recovery replays every
// live segment in order; a torn frame at the very end of the newest segment (a crash mid-append)
// is cut off, while a bad frame anywhere else is corruption and stops the open with the file and
// offset named — it is never skipped.
import { KausalError, corruption } from '../../core/errors.js';
import type { Vfs, VfsFile } from '../../vfs/vfs.js';
import { joinPath } from '../../vfs/vfs.js';
import type { Memtable } from '../memtable/memtable.js';
import { applyFrame } from './frame-apply.js';
import { checkFrame, walHeaderBytes, walMagic } from './wal-format.js';

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
    numbers.forEach((number, index) => {
      const last = index === numbers.length - 1;
      const result = this.replaySegment(number, last, memtable, changes === 'none');
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

  /** Starts a new, empty segment and makes its directory entry durable. */
  startSegment(number: number): void {
    this.closeFile();
    const path = joinPath(this.directory, segmentName(number));
    this.file = this.vfs.createExclusive(path);
    this.vfs.syncDirectory(this.directory);
    this.segmentNumber = number;
    this.segmentSize = 0;
  }

  /** Appends one frame and makes it durable. Rotates first when the segment is full. */
  append(frame: Buffer, sync = true): void {
    if (this.segmentSize > 0 && this.segmentSize + frame.length > this.segmentBytesMax) {
      this.startSegment(this.segmentNumber + 1);
    }
    const file = this.file;
    if (file === undefined) throw new KausalError('CLOSED', 'write-ahead log is not open');
    file.append(frame);
    this.segmentSize += frame.length;
    this.bytesWrittenTotal += frame.length;
    if (sync) file.sync();
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
          if (!isNewest || hasValidFrameAfter(bytes, offset)) {
            throw corruption(path, offset, `write-ahead log frame fails its check (${check.kind})`);
          }
          if (readOnly) return { lastSequence, frames, truncated: 0, empty: offset === 0 };
          // A torn final write: the batch was never acknowledged. Cut it off durably so the
          // segment is clean if a later segment follows it.
          file.truncate(offset);
          file.sync();
          return { lastSequence, frames, truncated: bytes.length - offset, empty: offset === 0 };
        }
        const applied = applyFrame(bytes, offset, check.payloadLength, memtable, path);
        if (applied.operationCount > 0) {
          lastSequence = applied.firstSequence + applied.operationCount - 1;
        }
        frames += 1;
        offset += walHeaderBytes + check.payloadLength;
      }
      return { lastSequence, frames, truncated: 0, empty: bytes.length === 0 };
    } finally {
      file.close();
    }
  }
}

const magicBytes = Buffer.from([
  walMagic & 0xff,
  (walMagic >>> 8) & 0xff,
  (walMagic >>> 16) & 0xff,
  walMagic >>> 24,
]);

function hasValidFrameAfter(bytes: Buffer, badOffset: number): boolean {
  let position = bytes.indexOf(magicBytes, badOffset + 1);
  while (position >= 0) {
    if (checkFrame(bytes, position).kind === 'ok') return true;
    position = bytes.indexOf(magicBytes, position + 1);
  }
  return false;
}
