// Accuracy of KausalDB's `calls` edges on rxjs's sources against the TypeScript compiler.
// Ground truth (bench/ingest-accuracy-truth.ts): for every call inside a function or method, the
// declaration the checker resolves it to, kept when that declaration is in rxjs/src and is
// something KausalDB models as a block (`new X()` of a class without a constructor of its own is X
// even when the checker names a library base's constructor; a call through
// `const alias: T = fn` is a call of fn). Both sides are reduced to distinct (caller, callee)
// pairs, each side identified by file and declaration start line. Dispatch edges (interface
// call → implementation) are a deliberate superset of what the checker reports and are counted
// apart, not in precision.
//
//   node --import tsx bench/ingest-accuracy.bench.ts [--samples 10]
import { fileURLToPath } from 'node:url';
import type { BlockInput } from '../src/core/types.js';
import { ingestDirectory } from '../src/ingest/index.js';
import { computeGroundTruth } from './ingest-accuracy-truth.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const rxjsRoot = `${projectRoot}node_modules/rxjs`;
const callerKinds = new Set(['function', 'method', 'constructor']);

function keyOf(block: BlockInput): string {
  return `${String(block.metadata['file'])}:${String(block.metadata['lineStart'])}`;
}

interface Corpus {
  readonly name: string;
  readonly root: string;
  readonly tsconfig: string;
}

/** rxjs is the reference; KausalDB's own sources are a second, independent check. */
const corpora: readonly Corpus[] = [
  { name: 'rxjs 7.8.2 src/', root: `${rxjsRoot}/src`, tsconfig: `${rxjsRoot}/tsconfig.json` },
  {
    name: 'KausalDB src/ (at the time of the run)',
    root: `${projectRoot}src`,
    tsconfig: `${projectRoot}tsconfig.json`,
  },
];

async function main(): Promise<void> {
  const samples = Number(process.argv[process.argv.indexOf('--samples') + 1] ?? 10) || 10;
  console.log('Command: node --import tsx bench/ingest-accuracy.bench.ts');
  for (const corpus of corpora) await measure(corpus, samples);
}

async function measure(corpus: Corpus, samples: number): Promise<void> {
  const started = performance.now();
  const result = await ingestDirectory(corpus.root, { workspace: 'accuracy', languages: ['typescript'] });
  const ingestMs = performance.now() - started;
  const truthStarted = performance.now();
  const truth = computeGroundTruth(corpus.tsconfig, corpus.root);
  const truthMs = performance.now() - truthStarted;

  const blocks = new Map(result.blocks.map((block) => [block.id, block]));
  const ours = new Map<string, { resolution: string; label: string }>();
  const dispatch = new Set<string>();
  for (const edge of result.edges) {
    if (edge.type !== 'calls') continue;
    const source = blocks.get(edge.source);
    const target = blocks.get(edge.target);
    if (source === undefined || target === undefined || !callerKinds.has(String(source.metadata['kind'])))
      continue;
    const pair = `${keyOf(source)} -> ${keyOf(target)}`;
    const resolution = String(edge.properties?.['resolution']);
    if (resolution === 'dispatch') {
      dispatch.add(pair);
      continue;
    }
    const label = `${String(source.metadata['qualifiedName'])} -> ${String(target.metadata['qualifiedName'])}`;
    ours.set(pair, { resolution, label });
  }
  const truthPairs = new Map<string, number>();
  for (const edge of truth.edges) truthPairs.set(`${edge.caller} -> ${edge.callee}`, edge.line);

  const byResolution = new Map<string, { edges: number; correct: number }>();
  const falsePositives: string[] = [];
  let truePositives = 0;
  for (const [pair, { resolution, label }] of ours) {
    const entry = byResolution.get(resolution) ?? { edges: 0, correct: 0 };
    entry.edges++;
    if (truthPairs.has(pair)) {
      truePositives++;
      entry.correct++;
    } else falsePositives.push(`${pair}  (${label}, ${resolution})`);
    byResolution.set(resolution, entry);
  }
  const falseNegatives = [...truthPairs]
    .filter(([pair]) => !ours.has(pair))
    .map(([pair, line]) => `${pair}  (call at line ${line})`);
  const precision = truePositives / ours.size;
  const recall = truePositives / truthPairs.size;
  const dispatchAlsoTrue = [...dispatch].filter((pair) => truthPairs.has(pair)).length;

  console.log(`\n### ${corpus.name}\n`);
  console.log(
    `Ingest ${(ingestMs / 1000).toFixed(2)} s (${result.stats.parsedFiles} files); ground truth ${(truthMs / 1000).toFixed(2)} s\n`,
  );
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| call sites inside functions/methods (checker) | ${truth.callSites} |`);
  console.log(`| … resolved to a modelled declaration in the corpus | ${truth.edges.length} |`);
  console.log(`| … outside the project (lib.d.ts, Function.prototype, …) | ${truth.outsideProject} |`);
  console.log(`| … outside the model (parameters, locals, object properties) | ${truth.outsideModel} |`);
  console.log(`| … unresolved by the checker | ${truth.unresolved} |`);
  console.log(`| ground-truth (caller, callee) pairs | ${truthPairs.size} |`);
  console.log(`| KausalDB calls pairs (without dispatch) | ${ours.size} |`);
  console.log(`| true positives | ${truePositives} |`);
  console.log(`| **precision** | **${precision.toFixed(4)}** |`);
  console.log(`| **recall** | **${recall.toFixed(4)}** |`);
  console.log(
    `| dispatch pairs (not scored; also in ground truth) | ${dispatch.size} (${dispatchAlsoTrue}) |`,
  );
  console.log('\n| resolution | pairs | correct | precision |');
  console.log('|---|---|---|---|');
  for (const [resolution, entry] of [...byResolution].sort()) {
    console.log(
      `| ${resolution} | ${entry.edges} | ${entry.correct} | ${(entry.correct / entry.edges).toFixed(4)} |`,
    );
  }
  console.log(`\nFalse positives (${falsePositives.length}, first ${samples}):`);
  for (const line of falsePositives.slice(0, samples)) console.log(`  ${line}`);
  console.log(`False negatives (${falseNegatives.length}, first ${samples}):`);
  for (const line of falseNegatives.slice(0, samples)) console.log(`  ${line}`);
}

await main();
