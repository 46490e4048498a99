// A synthetic code graph with the shape of a large real codebase, generated from a seed:
// modules of 20 functions and methods, names drawn from a Zipf-skewed vocabulary (so `init` and
// `get` repeat thousands of times while most names are rare), and calls with a power-law degree
// distribution: out-degrees from a discrete Pareto law, targets mostly local (same or nearby
// module) and otherwise chosen by popularity (Zipf), which yields hub utilities with thousands
// of callers. Everything is typed arrays; blocks are materialised per module when written.
import { SeededRng, type Rng } from '../../src/core/rng.js';

export interface ModelSize {
  readonly modules: number;
  readonly entitiesPerModule: number;
  /** Call edges to generate (deduplicated per caller and callee; the exact count is reported). */
  readonly calls: number;
}

export const fullModelSize: ModelSize = { modules: 5_000, entitiesPerModule: 20, calls: 1_000_000 };
export const quickModelSize: ModelSize = { modules: 500, entitiesPerModule: 20, calls: 100_000 };

export const resolutions = ['lexical', 'import', 'receiver', 'name-only', 'dispatch'] as const;
const resolutionWeights = [0.4, 0.3, 0.15, 0.1, 0.05];
const confidences = [1, 0.95, 0.9, 0.5, 0.7];

export interface CodeModel {
  readonly size: ModelSize;
  readonly entityCount: number;
  /** Per entity: its simple name, and the class it belongs to (-1 for a top-level function). */
  readonly names: readonly string[];
  readonly classOf: Int32Array;
  readonly classNames: readonly string[];
  readonly lineOf: Int32Array;
  readonly unresolvedOf: Uint8Array;
  /** Calls as parallel arrays, grouped by caller (callers ascending). */
  readonly callSource: Int32Array;
  readonly callTarget: Int32Array;
  readonly callLine: Int32Array;
  readonly callResolution: Uint8Array;
  /** Per module: modules it imports. */
  readonly imports: readonly Int32Array[];
}

const verbs = [
  'get',
  'set',
  'init',
  'run',
  'load',
  'save',
  'parse',
  'render',
  'handle',
  'process',
  'build',
  'create',
  'update',
  'delete',
  'find',
  'validate',
  'read',
  'write',
  'send',
  'fetch',
  'compute',
  'apply',
  'resolve',
  'merge',
  'emit',
  'open',
  'close',
  'flush',
  'encode',
  'decode',
];
const nouns = [
  'user',
  'item',
  'order',
  'node',
  'edge',
  'block',
  'graph',
  'file',
  'config',
  'request',
  'response',
  'token',
  'session',
  'cache',
  'index',
  'table',
  'query',
  'result',
  'event',
  'stream',
  'buffer',
  'record',
  'schema',
  'module',
  'path',
  'entry',
  'batch',
  'frame',
  'page',
  'view',
  'state',
  'value',
  'key',
  'list',
  'map',
  'set',
  'tree',
  'task',
  'job',
  'plan',
];
const suffixes = ['', '', '', '_async', '_all', '_by_id', '_impl', '_internal', '_v2', '_safe'];
const bareNames = [
  'init',
  'run',
  'main',
  'get',
  'set',
  'constructor',
  'toString',
  'close',
  'start',
  'stop',
  'reset',
  'update',
  'render',
  'handle',
  'apply',
];

/** Zipf-like rank in [0, count): P(rank) ∝ 1 / (rank + 1), by inverse transform of the log CDF. */
function zipfRank(rng: Rng, count: number): number {
  return Math.min(count - 1, Math.floor(Math.exp(rng.nextFloat() * Math.log(count + 1))) - 1);
}

/** Discrete Pareto out-degree with exponent 2.5 and a floor of 3 (mean ≈ 9), capped at 400. */
function outDegree(rng: Rng): number {
  const degree = Math.floor(3 * Math.pow(1 - rng.nextFloat(), -1 / 1.5));
  return Math.min(400, degree);
}

function weighted(rng: Rng, weights: readonly number[]): number {
  let roll = rng.nextFloat();
  for (let index = 0; index < weights.length; index++) {
    roll -= weights[index] ?? 0;
    if (roll < 0) return index;
  }
  return weights.length - 1;
}

function vocabulary(): string[] {
  const words: string[] = [...bareNames];
  for (const verb of verbs)
    for (const noun of nouns) for (const suffix of suffixes) words.push(`${verb}_${noun}${suffix}`);
  return words;
}

export function generateModel(size: ModelSize, seed: number): CodeModel {
  const rng = new SeededRng(seed);
  const entityCount = size.modules * size.entitiesPerModule;
  const words = vocabulary();
  // Shuffle so the popular names are spread over the vocabulary, not the bare ones first.
  const order = Array.from(words.keys());
  for (let index = order.length - 1; index > 0; index--) {
    const other = rng.below(index + 1);
    [order[index], order[other]] = [order[other] as number, order[index] as number];
  }
  const names: string[] = [];
  const classOf = new Int32Array(entityCount).fill(-1);
  const classNames: string[] = [];
  const lineOf = new Int32Array(entityCount);
  const unresolvedOf = new Uint8Array(entityCount);
  for (let module = 0; module < size.modules; module++) {
    // A third of the modules hold a class whose methods are the module's last half.
    const hasClass = module % 3 === 0;
    if (hasClass) classNames.push(`${capitalise(words[order[zipfRank(rng, 400)] ?? 0] ?? 'x')}${module}`);
    for (let slot = 0; slot < size.entitiesPerModule; slot++) {
      const entity = module * size.entitiesPerModule + slot;
      names.push(nameOf(rng, words, order));
      if (hasClass && slot >= size.entitiesPerModule / 2) classOf[entity] = classNames.length - 1;
      lineOf[entity] = 1 + slot * 25;
      unresolvedOf[entity] = rng.chance(0.3) ? rng.between(1, 4) : 0;
    }
  }
  const calls = generateCalls(rng, size, entityCount);
  const imports: Int32Array[] = [];
  for (let module = 0; module < size.modules; module++) {
    const targets = new Set<number>();
    const count = rng.between(1, 8);
    for (let index = 0; index < count; index++) {
      const target = rng.chance(0.5)
        ? (module + rng.between(1, 20)) % size.modules
        : zipfRank(rng, size.modules);
      if (target !== module) targets.add(target);
    }
    imports.push(Int32Array.from([...targets].sort((a, b) => a - b)));
  }
  return { size, entityCount, names, classOf, classNames, lineOf, unresolvedOf, ...calls, imports };
}

/**
 * 10 % bare names (`init`, `get`: thousands of each), 30 % a popular two-word name (Zipf), 60 %
 * a three-word name nearly unique to its entity: about half the entities share a name with another.
 */
function nameOf(rng: Rng, words: readonly string[], order: readonly number[]): string {
  const roll = rng.nextFloat();
  if (roll < 0.1) return rng.pick(bareNames);
  if (roll < 0.4) return words[order[zipfRank(rng, words.length)] ?? 0] as string;
  return `${rng.pick(verbs)}_${rng.pick(nouns)}_${rng.pick(nouns)}${rng.pick(suffixes)}`;
}

function capitalise(word: string): string {
  return word
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function generateCalls(
  rng: Rng,
  size: ModelSize,
  entityCount: number,
): Pick<CodeModel, 'callSource' | 'callTarget' | 'callLine' | 'callResolution'> {
  // Popularity ranks map to entities through a permutation, so hubs are spread over modules.
  const popular = Int32Array.from({ length: entityCount }, (_, index) => index);
  for (let index = entityCount - 1; index > 0; index--) {
    const other = rng.below(index + 1);
    const swap = popular[index] as number;
    popular[index] = popular[other] as number;
    popular[other] = swap;
  }
  const degrees = Int32Array.from({ length: entityCount }, () => outDegree(rng));
  const total = degrees.reduce((sum, degree) => sum + degree, 0);
  // A little over the target: deduplication drops repeated caller–callee pairs.
  const scale = (size.calls * 1.03) / total;
  const callSource = new Int32Array(size.calls + entityCount);
  const callTarget = new Int32Array(size.calls + entityCount);
  const callLine = new Int32Array(size.calls + entityCount);
  const callResolution = new Uint8Array(size.calls + entityCount);
  let count = 0;
  for (let caller = 0; caller < entityCount && count < size.calls; caller++) {
    const wanted = Math.max(1, Math.round((degrees[caller] ?? 1) * scale));
    const seen = new Set<number>();
    const module = Math.floor(caller / size.entitiesPerModule);
    for (let attempt = 0; attempt < wanted * 2 && seen.size < wanted && count < size.calls; attempt++) {
      const target = pickTarget(rng, size, entityCount, module, popular);
      if (target === caller || seen.has(target)) continue;
      seen.add(target);
      callSource[count] = caller;
      callTarget[count] = target;
      callLine[count] = 1 + (caller % size.entitiesPerModule) * 25 + 1 + (seen.size % 20);
      callResolution[count] = weighted(rng, resolutionWeights);
      count++;
    }
  }
  return {
    callSource: callSource.subarray(0, count),
    callTarget: callTarget.subarray(0, count),
    callLine: callLine.subarray(0, count),
    callResolution: callResolution.subarray(0, count),
  };
}

/** 45 % within the module, 25 % in a nearby module, 30 % by popularity across the codebase. */
function pickTarget(
  rng: Rng,
  size: ModelSize,
  entityCount: number,
  module: number,
  popular: Int32Array,
): number {
  const roll = rng.nextFloat();
  if (roll < 0.45) return module * size.entitiesPerModule + rng.below(size.entitiesPerModule);
  if (roll < 0.7) {
    const near = (module + rng.between(1, 10)) % size.modules;
    return near * size.entitiesPerModule + rng.below(size.entitiesPerModule);
  }
  return popular[zipfRank(rng, entityCount)] as number;
}

export function confidenceOf(resolution: number): number {
  return confidences[resolution] ?? 1;
}

export function qualifiedNameOf(model: CodeModel, entity: number): string {
  const owner = model.classOf[entity] ?? -1;
  const name = model.names[entity] as string;
  return owner < 0 ? name : `${model.classNames[owner]}.${name}`;
}

export function fileOf(model: CodeModel, module: number): string {
  return `src/pkg${Math.floor(module / 100)}/mod${module}.ts`;
}
