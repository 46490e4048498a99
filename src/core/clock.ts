// Time behind an interface: storage asks a Clock, so simulations control it.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
  /** A monotonic reading in milliseconds, for durations. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  // The one sanctioned reading of the wall clock; everything else receives a Clock.
  // eslint-disable-next-line no-restricted-properties
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

export class ManualClock implements Clock {
  constructor(private currentMs = 0) {}

  nowMs(): number {
    return this.currentMs;
  }

  monotonicMs(): number {
    return this.currentMs;
  }

  advance(ms: number): void {
    this.currentMs += ms;
  }
}
