// Faults on demand for the simulated file system. A fault matches operations by kind of operation
// and by path; it is armed from its nth match on, fires with its probability, and fires at most
// `count` times. The first armed fault that fires decides the error; every matching fault counts
// the match. Probabilities draw from the simulator's seeded RNG, so runs replay.
import { assert } from '../core/assert.js';
import type { KausalError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { vfsError } from './vfs-error.js';

export type SimFaultKind = 'EIO' | 'ENOSPC';

/** Every operation the simulator counts. */
export type SimOperation =
  | 'open'
  | 'create'
  | 'exists'
  | 'stat'
  | 'rename'
  | 'unlink'
  | 'list'
  | 'mkdir'
  | 'syncDirectory'
  | 'lock'
  | 'release'
  | 'read'
  | 'write'
  | 'append'
  | 'size'
  | 'truncate'
  | 'sync'
  | 'close';

/** close and release never fail, so cleanup paths stay simple; everything else can. */
export type SimFaultOperation = Exclude<SimOperation, 'close' | 'release'>;

export interface SimFaultSpec {
  readonly kind: SimFaultKind;
  /** Which operations it matches; all that can fail when omitted. */
  readonly operation?: SimFaultOperation | readonly SimFaultOperation[];
  /** Exact path (normalized, so "/a/b" and "a//b" are equal) or a pattern tested on "/a/b". */
  readonly path?: string | RegExp;
  /** Armed from the nth matching operation on (1-based; default 1). */
  readonly nth?: number;
  /** Chance that an armed match fires (default 1). */
  readonly probability?: number;
  /** Most firings: default 1 when `nth` is given (a one-shot), otherwise unlimited. */
  readonly count?: number;
}

export interface SimFaultHandle {
  /** Times this fault fired so far. */
  readonly fired: number;
  remove(): void;
}

interface ActiveFault {
  readonly kind: SimFaultKind;
  readonly operations: ReadonlySet<SimOperation> | undefined;
  readonly path: string | RegExp | undefined;
  readonly nth: number;
  readonly probability: number;
  readonly count: number;
  matched: number;
  fired: number;
}

export class SimFaults {
  private active: ActiveFault[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly normalize: (path: string) => string,
  ) {}

  add(spec: SimFaultSpec): SimFaultHandle {
    const nth = spec.nth ?? 1;
    const probability = spec.probability ?? 1;
    const count = spec.count ?? (spec.nth === undefined ? Infinity : 1);
    assert(Number.isSafeInteger(nth) && nth >= 1, `fault nth must be a positive integer, not ${nth}`);
    assert(probability >= 0 && probability <= 1, `fault probability must be in [0, 1], not ${probability}`);
    assert(count === Infinity || (Number.isSafeInteger(count) && count >= 1), `bad fault count ${count}`);
    const operations = spec.operation === undefined ? undefined : new Set([spec.operation].flat());
    const path = typeof spec.path === 'string' ? this.normalize(spec.path) : spec.path;
    const fault: ActiveFault = {
      kind: spec.kind,
      operations,
      path,
      nth,
      probability,
      count,
      matched: 0,
      fired: 0,
    };
    this.active.push(fault);
    return {
      get fired() {
        return fault.fired;
      },
      remove: () => {
        this.active = this.active.filter((candidate) => candidate !== fault);
      },
    };
  }

  clear(): void {
    this.active = [];
  }

  /** The kind of the fault that fires for this operation on these (normalized) paths, if any. */
  check(operation: SimFaultOperation, paths: readonly string[]): SimFaultKind | undefined {
    let firing: SimFaultKind | undefined;
    for (const fault of this.active) {
      if (!matches(fault, operation, paths)) continue;
      fault.matched += 1;
      if (firing !== undefined || fault.matched < fault.nth || fault.fired >= fault.count) continue;
      if (fault.probability < 1 && !this.rng.chance(fault.probability)) continue;
      fault.fired += 1;
      firing = fault.kind;
    }
    return firing;
  }
}

function matches(fault: ActiveFault, operation: SimOperation, paths: readonly string[]): boolean {
  if (fault.operations !== undefined && !fault.operations.has(operation)) return false;
  const pattern = fault.path;
  if (pattern === undefined) return true;
  return paths.some((path) => {
    if (typeof pattern === 'string') return path === pattern;
    pattern.lastIndex = 0;
    return pattern.test(path);
  });
}

/** The error an operation throws when a fault of `kind` fires on it. */
export function faultError(kind: SimFaultKind, operation: string, path: string): KausalError {
  if (kind === 'ENOSPC')
    return vfsError('NO_SPACE', operation, path, 'no space left on device (ENOSPC, injected)');
  return vfsError('IO_ERROR', operation, path, 'input/output error (EIO, injected)');
}
