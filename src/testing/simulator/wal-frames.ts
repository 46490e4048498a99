// Reads write-ahead log segments the way recovery does, to tell where a flipped bit landed: in the
// last valid frame of the newest segment (recovery cannot tell that from a torn append and may cut
// it), in an earlier frame (recovery must report corruption), or in torn bytes past the last valid
// frame (cut anyway). Uses the on-disk format only; no engine state.
import { checkFrame, readU64, walHeaderBytes } from '../../storage/wal/wal-format.js';

export interface FrameSpan {
  readonly start: number;
  readonly end: number;
  readonly firstSequence: number;
}

export const segmentPattern = /\/wal-(\d{12})\.log$/;
export const tablePattern = /\/table-\d{12}\.sst$/;

/** The frames that pass their checks, from the start of the segment up to the first that fails. */
export function validFrames(bytes: Uint8Array): FrameSpan[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: FrameSpan[] = [];
  let offset = 0;
  for (let guard = 0; offset < buffer.length && guard <= buffer.length; guard += 1) {
    const check = checkFrame(buffer, offset);
    if (check.kind !== 'ok') break;
    const end = offset + check.frameLength;
    frames.push({ start: offset, end, firstSequence: readU64(buffer, offset + walHeaderBytes) });
    offset = end;
  }
  return frames;
}

/**
 * The newest segment among `files` (highest number) that holds any bytes, or the newest when none
 * does: recovery does not count empty segments after it (wal.ts, newestWithBytes).
 */
export function newestSegment(files: ReadonlyMap<string, Uint8Array | 'directory'>): string | undefined {
  const segments = [...files]
    .flatMap(([path, bytes]) => {
      const match = segmentPattern.exec(path);
      const empty = !(bytes instanceof Uint8Array) || bytes.length === 0;
      return match === null ? [] : [{ path, number: Number(match[1]), empty }];
    })
    .sort((left, right) => right.number - left.number);
  return (segments.find((segment) => !segment.empty) ?? segments[0])?.path;
}
