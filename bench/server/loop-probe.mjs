// Preloaded into the server process by the load benchmark (`node --import <this file>
// bin/kausal.js server start --foreground …`), so the server itself runs unchanged. It watches the
// server's event loop from inside and appends JSON lines to $KAUSAL_BENCH_PROBE:
//   {"kind":"stall","at":<epoch ms the timer was due>,"ms":<how late it fired>,"monotonicUs":…}
//     for every firing of a 5 ms timer that came at least $KAUSAL_BENCH_STALL_MS (default 50) late;
//   {"kind":"snapshot","label":…,"at":…,"wallMs":…,"cpuUserMs":…,"cpuSystemMs":…,"elu":…,"delay":{…}}
//     when the benchmark sends SIGUSR2 after writing the label to $KAUSAL_BENCH_PROBE.label: the
//     event-loop delay histogram (perf_hooks), the process's CPU time (all threads, parse workers
//     included), event-loop utilisation and the garbage collector's pauses ("gc": per kind the
//     count, total and longest pause, and how many lasted 8 ms or more) since the previous
//     snapshot; then everything resets.
// Without $KAUSAL_BENCH_PROBE it does nothing.
import { appendFileSync, readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';

const file = process.env.KAUSAL_BENCH_PROBE;
if (file !== undefined && file !== '') {
  const stallMs = Number(process.env.KAUSAL_BENCH_STALL_MS ?? 50);
  const tickMs = 5;
  const resolutionMs = 5;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  let utilisation = performance.eventLoopUtilization();

  const write = (record) => appendFileSync(file, `${JSON.stringify(record)}\n`);

  // Pauses of the main thread's garbage collector: scavenges of the young generation (minor),
  // full mark-compacts (major), and the rest (incremental marking steps, weak callbacks).
  const longPauseMs = 8;
  const emptyPauses = () => ({ count: 0, totalMs: 0, maxMs: 0, long: 0 });
  let gc = { minor: emptyPauses(), major: emptyPauses(), other: emptyPauses() };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail?.kind;
      const pauses =
        kind === constants.NODE_PERFORMANCE_GC_MINOR
          ? gc.minor
          : kind === constants.NODE_PERFORMANCE_GC_MAJOR
            ? gc.major
            : gc.other;
      pauses.count++;
      pauses.totalMs += entry.duration;
      pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
      if (entry.duration >= longPauseMs) pauses.long++;
    }
  }).observe({ entryTypes: ['gc'] });
  // The histogram records whole timer intervals; the delay is what exceeds the resolution.
  const ms = (nanoseconds) => Math.max(0, nanoseconds / 1e6 - resolutionMs);

  // Wall-clock ms to line up with the benchmark's records, and the monotonic clock in µs (the
  // clock of \`node --cpu-prof\` profiles) to line up with a profile of the server.
  const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
  let due = Date.now() + tickMs;
  let dueUs = monotonicUs() + tickMs * 1000;
  const tick = () => {
    const now = Date.now();
    const late = now - due;
    if (late >= stallMs) write({ kind: 'stall', at: due, ms: late, monotonicUs: dueUs });
    due = now + tickMs;
    dueUs = monotonicUs() + tickMs * 1000;
    setTimeout(tick, tickMs).unref();
  };
  setTimeout(tick, tickMs).unref();

  process.on('SIGUSR2', () => {
    let label = '';
    try {
      label = readFileSync(`${file}.label`, 'utf8').trim();
    } catch {
      // No label: the snapshot is still useful.
    }
    const nowCpu = process.cpuUsage(cpu);
    const nowWall = performance.now();
    const nowUtilisation = performance.eventLoopUtilization(utilisation);
    write({
      kind: 'snapshot',
      label,
      at: Date.now(),
      wallMs: nowWall - wall,
      cpuUserMs: nowCpu.user / 1000,
      cpuSystemMs: nowCpu.system / 1000,
      elu: nowUtilisation.utilization,
      delay: {
        count: histogram.count,
        mean: histogram.count === 0 ? 0 : ms(histogram.mean),
        p50: ms(histogram.percentile(50)),
        p90: ms(histogram.percentile(90)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
      },
      gc,
    });
    gc = { minor: emptyPauses(), major: emptyPauses(), other: emptyPauses() };
    histogram.reset();
    cpu = process.cpuUsage();
    wall = nowWall;
    utilisation = performance.eventLoopUtilization();
  });
}
