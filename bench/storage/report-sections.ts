// The report's secondary sections: our engine under compaction with its statistics, run-to-run
// spread, and the method (what exactly each engine did, so the numbers can be judged).
import { formatInteger, formatRate, formatValue } from './format.js';
import type { MetricKey } from './protocol.js';
import type { EngineSummary } from './summary.js';
import type { WorkloadSize } from './workload.js';
import { warmUpSize } from './workload.js';

export function renderCompactionSection(ours: EngineSummary | undefined, size: WorkloadSize): string[] {
  const lines = ['## Our engine: single durable writes while flushing and compacting', ''];
  if (ours?.status !== 'ok') return [...lines, 'Not measured: our engine has no figures in this run.', ''];
  const medians = ours.medians;
  const memtableKiB = size.stressMemtableBytes / 1024;
  lines.push(
    `${formatInteger(size.stressWriteCount)} more blocks written one per durable \`write\` into the ` +
      `random-key store, reopened with a ${formatInteger(memtableKiB)} KiB memtable so flushes and tiered ` +
      'compactions run throughout; every write is timed (medians over runs).',
    '',
    '| single-write latency p50 | p99 | p99.9 | max | writes/s | peak RSS |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${formatValue(medians.stressWriteP50Ms, 'ms')} ms | ${formatValue(medians.stressWriteP99Ms, 'ms')} ms | ` +
      `${formatValue(medians.stressWriteP999Ms, 'ms')} ms | ${formatValue(medians.stressWriteMaxMs, 'ms')} ms | ` +
      `${medians.stressWritesPerSecond === undefined ? '—' : formatRate(medians.stressWritesPerSecond)} | ` +
      `${formatValue(medians.stressPeakRssMiB, 'MiB')} MiB |`,
    '',
  );
  const stats = ours.details?.stats ?? {};
  const afterStress = asRecord(stats['afterWriteStress']);
  const afterReads = asRecord(stats['afterRandomReads']);
  if (afterStress !== undefined) {
    lines.push(
      `During the stress writes (last run; counters start at open): write amplification ${fixed(afterStress['writeAmplification'])}, ` +
        `${String(afterStress['flushes'] ?? '—')} flushes, ${String(afterStress['compactions'] ?? '—')} ` +
        `compactions, ${String(afterStress['tables'] ?? '—')} tables; tiers: ${describeTiers(afterStress['tiers'])}.`,
    );
  }
  if (afterReads !== undefined) {
    lines.push(
      `Block-cache hit rate over the random-key point reads: ${percent(afterReads['blockCacheHitRate'])}; ` +
        `tables then: ${describeTiers(afterReads['tiers'])}.`,
    );
  }
  // One line per snapshot keeps the report short; storage.json has them for every run.
  lines.push('', '<details><summary>db.stats() of the last run</summary>', '', '```');
  for (const [point, value] of Object.entries(stats)) lines.push(`${point}: ${JSON.stringify(value)}`);
  lines.push('```', '', '</details>', '');
  return lines;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function fixed(value: unknown): string {
  return typeof value === 'number' ? value.toFixed(2) : '—';
}

function percent(value: unknown): string {
  return typeof value === 'number' ? `${(value * 100).toFixed(1)} %` : '—';
}

function describeTiers(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return 'none';
  return value
    .map((entry) => {
      const tier = asRecord(entry) ?? {};
      const mebibytes = typeof tier['bytes'] === 'number' ? (tier['bytes'] / 1024 / 1024).toFixed(1) : '?';
      return `tier ${String(tier['tier'])}: ${String(tier['tables'])} (${mebibytes} MiB)`;
    })
    .join(', ');
}

const spreadColumns: ReadonlyArray<readonly [string, MetricKey]> = [
  ['seq. inserts/s', 'sequentialInsertsPerSecond'],
  ['random inserts/s', 'randomInsertsPerSecond'],
  ['seq. reads/s', 'sequentialReadsPerSecond'],
  ['random reads/s', 'randomReadsPerSecond'],
  ['edge inserts/s', 'edgeInsertsPerSecond'],
  ['edge lookups/s', 'edgeLookupsPerSecond'],
];

export function renderSpread(summaries: readonly EngineSummary[]): string[] {
  const header = ['engine', 'runs', ...spreadColumns.map(([label]) => label)];
  const lines = ['## Run-to-run spread (min – max)', '', `| ${header.join(' | ')} |`];
  lines.push(`|${header.map(() => '---').join('|')}|`);
  for (const summary of summaries) {
    if (summary.status !== 'ok') continue;
    const cells = spreadColumns.map(([, key]) => {
      const low = summary.minimums[key];
      const high = summary.maximums[key];
      return low === undefined || high === undefined ? '—' : `${formatRate(low)} – ${formatRate(high)}`;
    });
    lines.push(`| ${summary.engine} | ${summary.runsCompleted} | ${cells.join(' | ')} |`);
  }
  return [...lines, ''];
}

export function renderMethod(size: WorkloadSize, edgeMaxIncoming: number | undefined): string[] {
  const batches = size.blockCount / size.batchOperations;
  return [
    '## Method',
    '',
    `- Every engine runs the same workload, generated from the same seed, in its own child process per run ` +
      "(so peak RSS is that engine's alone), in a fresh directory under bench/.work/ that is deleted " +
      'afterwards. Engines take turns in a rotating order from run to run, and the page cache is synced ' +
      'between children. Before the timed phases each child runs every code path untimed on a separate ' +
      `store (${formatInteger(warmUpSize.blockFactor * size.blockCount)} sequential-key blocks, ` +
      `${formatInteger(warmUpSize.edgeCount)} edges), so the figures are steady state: without it, our ` +
      "engine's first 200,000-block phase in a fresh process ran at about half its later rate while V8 " +
      'compiled it and grew its young generation.',
    `- Inserts: ${formatInteger(size.blockCount)} blocks of 200-byte incompressible values (base64 of random ` +
      `bytes; ours stores them as \`content\`, the peers as the same 200 bytes) in ${formatInteger(batches)} ` +
      `batches of ${formatInteger(size.batchOperations)}, each one durable commit, timed one by one; the rate ` +
      'is over the whole loop. Sequential keys first, then random keys in a fresh store. Our ids are 16 bytes; ' +
      "the peers' keys are the benchmark's 10-byte keys (the ids' low 10 bytes).",
    `- Reads: close, reopen, ${formatInteger(size.readCount)} uniformly random point reads of the keys ` +
      'written, each value compared byte for byte; a mismatch fails the run.',
    `- Edges: ${formatInteger(size.edgeNodeCount)} blocks written first (untimed), then ` +
      `${formatInteger(size.edgeCount)} distinct \`calls\` edges in batches of ${formatInteger(size.batchOperations)}, ` +
      'sources uniform and targets Zipf-distributed (exponent 0.8: a few hubs, the largest with ' +
      `${edgeMaxIncoming === undefined ? '?' : formatInteger(edgeMaxIncoming)} callers, most nodes with a handful); ` +
      `after a reopen, ${formatInteger(size.edgeLookupCount)} lookups of random nodes alternate outgoing and ` +
      'incoming, materialise the neighbours and check their count. lmdb and LevelDB hold two keys per edge ' +
      '(`o/<source>/<type>/<target>`, `i/<target>/<type>/<source>`, binary ids) read by a prefix range ' +
      'scan; SQLite has `edges(source, target, type)` with indexes on (source, type) and (target, type).',
    '- Durability: ours fsyncs once per `write`; lmdb commits with `transactionSync` and then awaits ' +
      '`db.flushed` (lmdb overlaps its fsync with the next commit by default, so this makes each batch ' +
      'durable before the next starts); classic-level uses `batch(..., { sync: true })`; better-sqlite3 ' +
      'runs WAL with synchronous=NORMAL, which does **not** fsync a commit (only checkpoints), so its ' +
      'insert figures carry a weaker guarantee than the others.',
    "- Peak RSS is the child's high-water mark (`process.resourceUsage().maxRSS`) after the edge phase; " +
      '"workload data" is the RSS just before the first store opens, mostly the values and keys every ' +
      "engine shares. Disk is the allocated size of the store's files after close.",
    '',
  ];
}
