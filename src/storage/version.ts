// The MVCC rule, in one place. A version is (sequence, tombstone?). Between two versions of one key
// the higher sequence wins; at equal sequence a value wins over a tombstone, because
// tombstone(seq = N) shadows value(seq = M) if and only if N > M.

export interface VersionStamp {
  readonly sequence: number;
  readonly tombstone: boolean;
}

/** True when `candidate` shadows `current`. */
export function shadows(candidate: VersionStamp, current: VersionStamp): boolean {
  if (candidate.sequence !== current.sequence) return candidate.sequence > current.sequence;
  return !candidate.tombstone && current.tombstone;
}
