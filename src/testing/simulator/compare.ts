// Field-by-field comparison of what the engine returned with what a world expects. Each function
// returns a short description of the first difference, or undefined when they agree exactly.
// Metadata and properties compare as JSON text: what the engine reads back must equal a JSON round
// trip of what was written (it stores metadata as JSON, edge properties compactly), and
// JSON.stringify is stable for the plain objects the workload writes.
import type { BlockHeader, ContextBlock, StoredEdge } from '../../core/types.js';
import type { BlockVersion, EdgeVersion } from './world.js';

export function blockMismatch(
  expected: BlockVersion | undefined,
  actual: ContextBlock | undefined,
): string | undefined {
  if (expected === undefined) return actual === undefined ? undefined : `unexpected block ${actual.id}`;
  if (actual === undefined) return `block ${expected.id} is missing`;
  const problems: string[] = [];
  if (actual.id !== expected.id) problems.push(`id ${actual.id}`);
  if (actual.sequence !== expected.sequence)
    problems.push(`sequence ${actual.sequence} (expected ${expected.sequence})`);
  if (actual.sourceUri !== expected.sourceUri) problems.push('sourceUri differs');
  if (JSON.stringify(actual.metadata) !== expected.metadataJson) problems.push('metadata differs');
  if (actual.content !== expected.content) {
    problems.push(`content differs (${actual.content.length} vs ${expected.content.length} chars)`);
  }
  return problems.length === 0 ? undefined : `block ${expected.id}: ${problems.join(', ')}`;
}

/** A header read (getBlockHeader) against the model: a block without content, of its length. */
export function headerMismatch(
  expected: BlockVersion | undefined,
  actual: BlockHeader | undefined,
): string | undefined {
  if (actual === undefined) return blockMismatch(expected, undefined);
  const { contentLength, ...rest } = actual;
  const problem = blockMismatch(expected, { ...rest, content: expected?.content ?? '' });
  if (problem !== undefined || expected === undefined) return problem;
  return contentLength === expected.content.length
    ? undefined
    : `block ${expected.id}: content length ${contentLength} (expected ${expected.content.length})`;
}

export function edgeMismatch(expected: EdgeVersion, actual: StoredEdge): string | undefined {
  const name = `edge ${expected.source}-${expected.type}->${expected.target}`;
  if (
    actual.source !== expected.source ||
    actual.target !== expected.target ||
    actual.type !== expected.type
  ) {
    return `${name}: got ${actual.source}-${actual.type}->${actual.target}`;
  }
  if (actual.sequence !== expected.sequence)
    return `${name}: sequence ${actual.sequence} (expected ${expected.sequence})`;
  const properties = actual.properties === undefined ? undefined : JSON.stringify(actual.properties);
  if (properties !== expected.propertiesJson) {
    return `${name}: properties ${properties ?? 'absent'} (expected ${expected.propertiesJson ?? 'absent'})`;
  }
  return undefined;
}

/** Exact list equality, order included. */
export function edgeListMismatch(
  what: string,
  expected: readonly EdgeVersion[],
  actual: readonly StoredEdge[],
): string | undefined {
  const count = Math.max(expected.length, actual.length);
  for (let index = 0; index < count; index += 1) {
    const want = expected[index];
    const got = actual[index];
    if (want === undefined) return `${what}: unexpected extra edge at ${index} (${describeEdge(got)})`;
    if (got === undefined) return `${what}: missing edge at ${index} (${describeEdge(want)})`;
    const problem = edgeMismatch(want, got);
    if (problem !== undefined) return `${what}: at ${index}: ${problem}`;
  }
  return undefined;
}

function describeEdge(edge: Pick<StoredEdge, 'source' | 'type' | 'target'> | undefined): string {
  return edge === undefined ? 'none' : `${edge.source}-${edge.type}->${edge.target}`;
}
