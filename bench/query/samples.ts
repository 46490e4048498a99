// The query inputs both engines answer: uniformly random entities (so the skew of the answers is
// the graph's, hubs included), their names for find, and (from, to) pairs a few calls apart for
// path, found by a random walk so a path always exists.
import { SeededRng } from '../../src/core/rng.js';
import type { CodeModel } from './graph-model.js';

export interface Samples {
  readonly entities: Int32Array;
  readonly pairs: readonly (readonly [number, number])[];
}

/** Call targets by caller, as CSR arrays (the model's calls are grouped by caller). */
function calleesOf(model: CodeModel): { starts: Int32Array; targets: Int32Array } {
  const starts = new Int32Array(model.entityCount + 1);
  for (const source of model.callSource) starts[source + 1] = (starts[source + 1] ?? 0) + 1;
  for (let index = 0; index < model.entityCount; index++)
    starts[index + 1] = (starts[index + 1] ?? 0) + (starts[index] ?? 0);
  return { starts, targets: model.callTarget };
}

export function drawSamples(model: CodeModel, count: number, pairCount: number, seed: number): Samples {
  const rng = new SeededRng(seed);
  const entities = Int32Array.from({ length: count }, () => rng.below(model.entityCount));
  const { starts, targets } = calleesOf(model);
  const pairs: [number, number][] = [];
  for (let attempt = 0; pairs.length < pairCount && attempt < pairCount * 50; attempt++) {
    const from = rng.below(model.entityCount);
    let at = from;
    const steps = rng.between(2, 4);
    for (let step = 0; step < steps; step++) {
      const first = starts[at] ?? 0;
      const degree = (starts[at + 1] ?? 0) - first;
      if (degree === 0) break;
      at = targets[first + rng.below(degree)] ?? at;
    }
    if (at !== from) pairs.push([from, at]);
  }
  return { entities, pairs };
}
