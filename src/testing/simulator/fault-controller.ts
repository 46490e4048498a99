// Arms and disarms injected faults over a run. Faults come in phases (a seed-chosen set of
// probabilistic rules, armed together for a while, then calm again) and as one-shots (the nth next
// matching operation fails once). Each rule is injected per operation kind, so the report can say
// how often EIO hit fsync as opposed to, say, reads. Faults stay armed through reopens, so recovery
// itself runs under them; the simulator disarms everything before its final checks.
import type { Rng } from '../../core/rng.js';
import type { SimFaultHandle } from '../../vfs/sim-faults.js';
import type { SimVfs } from '../../vfs/sim-vfs.js';
import { faultOperations, spaceOperations, type FaultConfig, type FaultRule } from './config.js';

interface ArmedFault {
  readonly label: string;
  readonly handle: SimFaultHandle;
  readonly untilStep: number;
}

/** One-shot faults expire after this many steps if nothing matched them. */
const oneShotStepsMax = 50;

export class FaultController {
  private armed: ArmedFault[] = [];
  private readonly fired = new Map<string, number>();

  constructor(
    private readonly disk: SimVfs,
    private readonly rng: Rng,
    private readonly config: FaultConfig,
  ) {}

  get active(): boolean {
    return this.armed.length > 0;
  }

  /** Called once per step: expires old faults, maybe starts a phase or arms a one-shot. */
  tick(step: number): void {
    this.expire((fault) => fault.untilStep <= step);
    const { rules } = this.config;
    if (rules.length === 0) return;
    if (
      !this.armed.some((fault) => fault.label.endsWith('phase')) &&
      this.rng.chance(this.config.phaseChance)
    ) {
      const until = step + this.rng.between(1, this.config.phaseStepsMax);
      for (const rule of rules) this.arm(rule, until);
    }
    if (this.rng.chance(this.config.oneShotChance)) this.armOneShot(step);
  }

  disarmAll(): void {
    this.expire(() => true);
  }

  /** Faults fired so far, by "KIND operation (phase|once)". */
  firedCounts(): Record<string, number> {
    const counts = new Map(this.fired);
    for (const fault of this.armed)
      counts.set(fault.label, (counts.get(fault.label) ?? 0) + fault.handle.fired);
    const result: Record<string, number> = {};
    for (const [label, count] of [...counts].sort()) if (count > 0) result[label] = count;
    return result;
  }

  private arm(rule: FaultRule, untilStep: number): void {
    const handle = this.disk.injectFault({
      kind: rule.kind,
      operation: rule.operation,
      probability: rule.probability,
    });
    this.armed.push({ label: `${rule.kind} ${rule.operation} phase`, handle, untilStep });
  }

  private armOneShot(step: number): void {
    const kind = this.rng.chance(0.8) ? 'EIO' : 'ENOSPC';
    // A full disk fails only operations that allocate; EIO can hit any of them.
    const operation = this.rng.pick(kind === 'EIO' ? faultOperations : spaceOperations);
    const handle = this.disk.injectFault({ kind, operation, nth: this.rng.between(1, 20), count: 1 });
    this.armed.push({ label: `${kind} ${operation} once`, handle, untilStep: step + oneShotStepsMax });
  }

  private expire(selected: (fault: ArmedFault) => boolean): void {
    const keep: ArmedFault[] = [];
    for (const fault of this.armed) {
      if (!selected(fault)) {
        keep.push(fault);
        continue;
      }
      fault.handle.remove();
      if (fault.handle.fired > 0)
        this.fired.set(fault.label, (this.fired.get(fault.label) ?? 0) + fault.handle.fired);
    }
    this.armed = keep;
  }
}
