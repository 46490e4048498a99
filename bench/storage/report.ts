// Renders docs/benchmarks/storage.md: one side-by-side table (ours, then each peer with our ratio to
// it), the target against lmdb, our engine under compaction, spread, and the method.
import type { InstallOutcome } from '../peers.js';
import type { MetricRow } from './format.js';
import { arrow, formatInteger, formatRate, formatRatio, formatValue } from './format.js';
import { renderCompactionSection, renderMethod, renderSpread } from './report-sections.js';
import type { EngineSummary } from './summary.js';
import type { WorkloadSize } from './workload.js';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  /** The commit benchmarked, with "+ local changes" when the work tree differs. */
  readonly commit: string;
  /** One-minute load average before and after: other work on the machine skews the figures. */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

export interface ReportInput {
  readonly generatedAt: string;
  readonly command: string;
  readonly machine: Machine;
  readonly size: WorkloadSize;
  readonly runs: number;
  readonly quick: boolean;
  readonly install: InstallOutcome;
  readonly summaries: readonly EngineSummary[];
  /** Hand-written analysis (bench/storage/analysis.md), included verbatim when present. */
  readonly analysis: string | undefined;
}

const section = (label: string) => ({ section: label }) as const;
const rows: ReadonlyArray<MetricRow | { readonly section: string }> = [
  section('Durable batched inserts (1,000 per commit)'),
  { key: 'sequentialInsertsPerSecond', label: 'sequential keys, inserts/s', unit: 'rate', better: 'higher' },
  { key: 'sequentialBatchP50Ms', label: '… commit p50, ms', unit: 'ms', better: 'lower' },
  { key: 'sequentialBatchP99Ms', label: '… commit p99, ms', unit: 'ms', better: 'lower' },
  { key: 'randomInsertsPerSecond', label: 'random keys, inserts/s', unit: 'rate', better: 'higher' },
  { key: 'randomBatchP50Ms', label: '… commit p50, ms', unit: 'ms', better: 'lower' },
  { key: 'randomBatchP99Ms', label: '… commit p99, ms', unit: 'ms', better: 'lower' },
  section('Point reads after close and reopen (each checked)'),
  { key: 'sequentialReadsPerSecond', label: 'sequential-key store, reads/s', unit: 'rate', better: 'higher' },
  { key: 'randomReadsPerSecond', label: 'random-key store, reads/s', unit: 'rate', better: 'higher' },
  { key: 'sequentialReopenMs', label: 'reopen time, ms', unit: 'ms', better: 'lower' },
  section('Edges (Zipf-skewed call graph)'),
  { key: 'edgeInsertsPerSecond', label: 'edge inserts/s', unit: 'rate', better: 'higher' },
  { key: 'edgeBatchP99Ms', label: '… commit p99, ms', unit: 'ms', better: 'lower' },
  { key: 'edgeLookupsPerSecond', label: 'lookups/s (in/out alternating)', unit: 'rate', better: 'higher' },
  section('Resources'),
  { key: 'peakRssMiB', label: 'peak RSS, MiB', unit: 'MiB', better: 'lower' },
  { key: 'baselineRssMiB', label: '… of which workload data, MiB', unit: 'MiB', better: 'lower' },
  { key: 'sequentialDiskMiB', label: 'disk, sequential store, MiB', unit: 'MiB', better: 'lower' },
  { key: 'randomDiskMiB', label: 'disk, random store, MiB', unit: 'MiB', better: 'lower' },
  { key: 'edgeDiskMiB', label: 'disk, edge store, MiB', unit: 'MiB', better: 'lower' },
];

export function renderReport(input: ReportInput): string {
  const ours = input.summaries.find((summary) => summary.engine === 'kausaldb');
  const peers = input.summaries.filter((summary) => summary.engine !== 'kausaldb');
  return [
    '# Storage benchmark: KausalDB against the embedded stores a Node user would pick',
    '',
    `_Generated ${input.generatedAt} by \`${input.command}\`; this file and storage.json are ` +
      'overwritten by every run._' +
      (input.quick ? ' **Quick run: sizes are ten times smaller than the full workload.**' : ''),
    '',
    ...renderMachine(input),
    ...renderEngines(input.summaries),
    `## Results: medians of ${input.runs} run${input.runs === 1 ? '' : 's'}`,
    '',
    'Ratio columns are ours ÷ peer. ↑ marks rows where higher is better (a ratio above 1 means we are',
    'ahead), ↓ rows where lower is better (a ratio below 1 means we are ahead).',
    '',
    ...renderTable(ours, peers),
    ...renderTarget(
      ours,
      input.summaries.find((summary) => summary.engine === 'lmdb'),
      input.analysis,
    ),
    ...renderCompactionSection(ours, input.size),
    ...renderSpread(input.summaries),
    ...renderMethod(input.size, input.summaries.find((summary) => summary.details)?.details?.edgeMaxIncoming),
    ...renderProblems(input),
  ].join('\n');
}

function renderMachine(input: ReportInput): string[] {
  const { machine } = input;
  return [
    '## Machine and command',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores; memory ${machine.memoryGiB.toFixed(0)} GiB`,
    `- Node ${machine.node} on ${machine.os}`,
    `- KausalDB commit: ${machine.commit}`,
    `- One-minute load average at start / end: ${machine.loadAverage.start.toFixed(2)} / ` +
      `${machine.loadAverage.end.toFixed(2)} (anything else running on the machine skews the figures)`,
    `- Command: \`${input.command}\` (peers install into bench/node_modules on first use)`,
    '',
  ];
}

function renderEngines(summaries: readonly EngineSummary[]): string[] {
  const lines = ['| engine | version | durability of one commit | runs |', '|---|---|---|---|'];
  for (const summary of summaries) {
    const durability = summary.durability ?? `**${summary.status}** (see below)`;
    lines.push(
      `| ${summary.engine} | ${summary.version ?? '—'} | ${durability} | ${summary.runsCompleted} |`,
    );
  }
  return [...lines, ''];
}

function renderTable(ours: EngineSummary | undefined, peers: readonly EngineSummary[]): string[] {
  const header = [
    'metric',
    'kausaldb (ours)',
    ...peers.flatMap((peer) => [peer.engine, `ours ÷ ${peer.engine}`]),
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`,
  ];
  for (const row of rows) {
    if ('section' in row) {
      lines.push(`| **${row.section}** |${' |'.repeat(header.length - 1)}`);
      continue;
    }
    const ourValue = ours?.medians[row.key];
    const cells = [`${row.label} ${arrow(row)}`, formatValue(ourValue, row.unit)];
    for (const peer of peers) {
      const peerValue = peer.medians[row.key];
      cells.push(formatValue(peerValue, row.unit), formatRatio(ourValue, peerValue));
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const level = peers.find((peer) => peer.engine === 'classic-level')?.medians.randomAsyncReadsPerSecond;
  const notes = [''];
  if (level !== undefined) {
    notes.push(
      `classic-level reads use \`getSync\`; its idiomatic async \`get\` reached ${formatRate(level)} reads/s ` +
        'on the random-key store.',
      '',
    );
  }
  return [...lines, ...notes];
}

function renderTarget(
  ours: EngineSummary | undefined,
  lmdb: EngineSummary | undefined,
  analysis: string | undefined,
): string[] {
  const lines = ['## Target: at least lmdb on durable batched inserts and on point reads after reopen', ''];
  if (ours?.status !== 'ok' || lmdb?.status !== 'ok') {
    return [...lines, 'Not evaluated: our engine or lmdb has no figures in this run (see below).', ''];
  }
  const checks = [
    ['durable batched inserts, sequential keys', 'sequentialInsertsPerSecond'],
    ['point reads after reopen, sequential-key store', 'sequentialReadsPerSecond'],
    ['durable batched inserts, random keys', 'randomInsertsPerSecond'],
    ['point reads after reopen, random-key store', 'randomReadsPerSecond'],
  ] as const;
  for (const [label, key] of checks) {
    const ourValue = ours.medians[key] ?? 0;
    const lmdbValue = lmdb.medians[key] ?? 0;
    const ratio = lmdbValue > 0 ? ourValue / lmdbValue : 0;
    const verdict =
      ratio >= 1
        ? `**met**: ${formatRatio(ourValue, lmdbValue)} lmdb`
        : `**short by ${((1 - ratio) * 100).toFixed(0)} %** (${formatRatio(ourValue, lmdbValue)} lmdb; ` +
          `${formatInteger(Math.round(lmdbValue - ourValue))} ops/s to find)`;
    lines.push(`- ${label}: ours ${formatRate(ourValue)}/s, lmdb ${formatRate(lmdbValue)}/s — ${verdict}`);
  }
  lines.push('', 'Runs on this machine vary by ±20–30 %; a ratio within about 0.1 of 1 is a tie.', '');
  lines.push('### Why', '');
  lines.push(
    analysis ??
      '_Not analysed yet: write the analysis in bench/storage/analysis.md and the next run includes it here._',
  );
  return [...lines, ''];
}

function renderProblems(input: ReportInput): string[] {
  const lines: string[] = [];
  if (input.install.error !== undefined) {
    lines.push('Installing the peers failed:', '', '```', input.install.error, '```', '');
  }
  for (const summary of input.summaries) {
    for (const error of summary.errors) {
      const firstLines = error.split('\n').slice(0, 12).join('\n');
      lines.push(`${summary.engine} — ${summary.status === 'ok' ? 'some runs failed' : summary.status}:`, '');
      lines.push('```', firstLines, '```', '');
    }
  }
  return lines.length === 0 ? [] : ['## Engines that could not be measured', '', ...lines];
}
