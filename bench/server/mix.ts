// The query mix of the load benchmark, drawn from a seed: 40 % find (exact name), 20 % show
// callers and 20 % show callees (depth 1), 20 % trace of callees to depth 3, on uniformly random
// entities of the generated graph (bench/query/samples.ts), so hubs and leaves come up as often
// as the graph has them. The same mix runs through the server and in process.
import type { BlockId } from '../../src/core/block-id.js';
import type { Rng } from '../../src/core/rng.js';
import type { QueryContext } from '../../src/query/answer.js';
import { find, type FindRequest } from '../../src/query/find.js';
import { show, type ShowRequest } from '../../src/query/show.js';
import { trace, type TraceRequest } from '../../src/query/trace.js';
import type { KausalClient } from '../../src/server/client.js';
import type { ModelIds } from '../query/blocks.js';
import type { CodeModel } from '../query/graph-model.js';
import type { Samples } from '../query/samples.js';

export const mixKinds = ['find', 'callers', 'callees', 'trace3'] as const;
export type MixKind = (typeof mixKinds)[number];

/** Cumulative shares of the mix, in the order of `mixKinds`. */
const mixShares: Readonly<Record<MixKind, number>> = { find: 0.4, callers: 0.2, callees: 0.2, trace3: 0.2 };

export const mixDescription: Readonly<Record<MixKind, string>> = {
  find: '`find --name N` (exact, first 10)',
  callers: '`show --relation callers` (depth 1)',
  callees: '`show --relation callees` (depth 1)',
  trace3: '`trace --direction callees --depth 3`',
};

export type MixQuery =
  | { readonly kind: 'find'; readonly request: 'find'; readonly params: FindRequest }
  | { readonly kind: 'callers' | 'callees'; readonly request: 'show'; readonly params: ShowRequest }
  | { readonly kind: 'trace3'; readonly request: 'trace'; readonly params: TraceRequest };

/** The entities queries are drawn from: their names (for find) and block ids (show, trace). */
export interface QueryPool {
  readonly names: readonly string[];
  readonly ids: readonly BlockId[];
}

export function poolOf(model: CodeModel, ids: ModelIds, samples: Samples): QueryPool {
  return {
    names: Array.from(samples.entities, (entity) => model.names[entity] as string),
    ids: Array.from(samples.entities, (entity) => ids.entities[entity] as BlockId),
  };
}

export function nextQuery(rng: Rng, pool: QueryPool): MixQuery {
  const at = rng.below(pool.ids.length);
  const roll = rng.nextFloat();
  let kind: MixKind = 'trace3';
  let sum = 0;
  for (const candidate of mixKinds) {
    sum += mixShares[candidate];
    if (roll < sum) {
      kind = candidate;
      break;
    }
  }
  const target = pool.ids[at] as BlockId;
  switch (kind) {
    case 'find':
      return { kind, request: 'find', params: { name: pool.names[at] as string } };
    case 'callers':
    case 'callees':
      return { kind, request: 'show', params: { target, relation: kind } };
    case 'trace3':
      return { kind, request: 'trace', params: { target, direction: 'callees', depth: 3 } };
  }
}

/** Runs one query of the mix in process on `context`; returns the answer. */
export function answerInProcess(context: QueryContext, query: MixQuery): { readonly status: string } {
  switch (query.request) {
    case 'find':
      return find(context, query.params);
    case 'show':
      return show(context, query.params);
    case 'trace':
      return trace(context, query.params);
  }
}

/** Sends one query of the mix through a server connection; resolves to the answer's status. */
export async function runRemote(client: KausalClient, query: MixQuery): Promise<string> {
  switch (query.request) {
    case 'find':
      return (await client.request('find', query.params)).status;
    case 'show':
      return (await client.request('show', query.params)).status;
    case 'trace':
      return (await client.request('trace', query.params)).status;
  }
}
