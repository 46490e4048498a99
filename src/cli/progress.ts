// Progress of link and sync on a terminal: one line rewritten in place with the phase, counts,
// rate and an estimate of the time left. Nothing at all when stdout is not a terminal or the
// output is JSON, so scripts see only the result.
import type { ProgressEvent } from '../service/requests.js';
import type { CliIo } from './io.js';

const redrawIntervalMs = 100;

export class ProgressLine {
  private phase = '';
  private phaseStarted = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly io: CliIo) {}

  update(progress: ProgressEvent): void {
    const now = performance.now();
    if (progress.phase !== this.phase) {
      this.phase = progress.phase;
      this.phaseStarted = now;
    }
    const final = progress.total !== undefined && progress.done >= progress.total;
    if (!final && now - this.lastDraw < redrawIntervalMs) return;
    this.lastDraw = now;
    const seconds = (now - this.phaseStarted) / 1000;
    const rate = seconds > 0 ? progress.done / seconds : 0;
    let line = `${progress.phase.padEnd(7)} ${progress.done}`;
    if (progress.total !== undefined) {
      line += `/${progress.total}`;
      if (rate > 0 && progress.total > progress.done)
        line += `  eta ${formatSeconds((progress.total - progress.done) / rate)}`;
    }
    if (rate > 0 && progress.phase !== 'resolve') line += `  ${Math.round(rate)}/s`;
    this.io.stdout(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  /** Clears the line so the result prints cleanly. */
  finish(): void {
    if (this.drawn) this.io.stdout('\r\x1b[2K');
    this.drawn = false;
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
