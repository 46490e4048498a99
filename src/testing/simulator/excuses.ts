// Which failures the engine may report, and only when the simulator can show their cause. An error
// is excused only by evidence gathered around the call itself: a crash during the call excuses
// CRASHED, an injected fault that fired excuses IO_ERROR or NO_SPACE, and a CORRUPTION error must
// name a file the simulator damaged (and that is still damaged). Anything else — an untyped error,
// an assertion, CORRUPTION of an intact file, NOT_FOUND, LOCKED — is a failure of the run.
import { AssertionError } from '../../core/assert.js';
import { KausalError } from '../../core/errors.js';
import type { SimVfs } from '../../vfs/sim-vfs.js';

export type Excuse = 'crash' | 'fault' | 'fail-stop' | 'corruption';

export interface CallEvidence {
  readonly crashed: boolean;
  readonly faultsDuringCall: number;
  /** Faults since the engine was opened, this call included: a fail-stop or paused writes need one. */
  readonly faultsThisSession: number;
}

/** Counts faults and crashes across one call. */
export class Probe {
  private readonly faults: number;
  private readonly crashes: number;

  constructor(
    private readonly disk: SimVfs,
    private readonly sessionFaultsBase: number,
  ) {
    this.faults = totalFaults(disk);
    this.crashes = disk.counters.crashes;
  }

  evidence(): CallEvidence {
    const faults = totalFaults(this.disk);
    return {
      crashed: this.disk.counters.crashes !== this.crashes,
      faultsDuringCall: faults - this.faults,
      faultsThisSession: faults - this.sessionFaultsBase,
    };
  }
}

export function totalFaults(disk: SimVfs): number {
  const { EIO, ENOSPC } = disk.counters.faults;
  return EIO + ENOSPC;
}

export type Judgement = { readonly excuse: Excuse } | { readonly problem: string };

export function judgeError(
  error: unknown,
  evidence: CallEvidence,
  namesDamagedFile: (message: string) => boolean,
): Judgement {
  if (!(error instanceof KausalError)) return { problem: `untyped error: ${describe(error)}` };
  const { code, message } = error;
  if (evidence.crashed) return { excuse: 'crash' }; // the process died; what it threw is moot
  switch (code) {
    case 'IO_ERROR':
    case 'NO_SPACE':
      // Paused writes quote the last background error, which may be stale; flushes fail only
      // through injected faults, so one this session is the evidence.
      if (message.includes('writes are paused') && evidence.faultsThisSession > 0) return { excuse: 'fault' };
      if (!carriesInjectedFault(error))
        return { problem: `${code} not caused by an injected fault: ${message}` };
      if (evidence.faultsDuringCall > 0) return { excuse: 'fault' };
      return { problem: `${code} with no injected fault during the call: ${message}` };
    case 'FAIL_STOP':
      if (evidence.faultsThisSession > 0 && carriesInjectedFault(error)) return { excuse: 'fail-stop' };
      return { problem: `FAIL_STOP with no injected fault this session: ${message}` };
    case 'CORRUPTION':
      if (namesDamagedFile(message)) return { excuse: 'corruption' };
      return { problem: `CORRUPTION of a file the simulator did not damage: ${message}` };
    default:
      return { problem: `unexpected ${code}: ${message}` };
  }
}

/** True when the error, or one of its causes, is (or quotes) an injected SimVfs fault. */
function carriesInjectedFault(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (/\((EIO|ENOSPC), injected\)/.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

function describe(error: unknown): string {
  if (error instanceof AssertionError) return `assertion failed: ${error.message}\n${error.stack ?? ''}`;
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return String(error);
}
