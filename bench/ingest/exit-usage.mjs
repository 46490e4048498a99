// Preloaded into a `kausal` process by the ingestion benchmark (`node --import`): when the
// process exits, writes its peak resident set and CPU time (every thread) as JSON to the file
// named by KAUSAL_BENCH_USAGE. The CLI's own code is unchanged.
import { writeFileSync } from 'node:fs';

const target = process.env.KAUSAL_BENCH_USAGE;
if (target !== undefined && target !== '') {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({
        peakRssBytes: usage.maxRSS * 1024, // maxRSS is in KiB
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      }),
    );
  });
}
