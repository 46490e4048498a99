// Validation of caller input at the public boundary. Past this point the engine trusts its inputs.
import { assertBlockId } from './block-id.js';
import { invalidArgument, limitExceeded } from './errors.js';
import { limits } from './limits.js';
import { edgeTypeCodes, type EdgeType, type WriteOperation } from './types.js';

const encoder = new TextEncoder();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validateEdgeType(type: unknown): asserts type is EdgeType {
  if (typeof type !== 'string') throw invalidArgument('edge type must be a string');
  if (Object.hasOwn(edgeTypeCodes, type)) return;
  const match = /^type_(\d{1,5})$/.exec(type);
  const code = match ? Number(match[1]) : NaN;
  if (!(code >= 1 && code <= limits.edgeTypeCodeMax)) {
    throw invalidArgument(
      `unknown edge type ${JSON.stringify(type.slice(0, 40))}; expected one of ${Object.keys(edgeTypeCodes).join(', ')}`,
    );
  }
}

/** Validates a block and returns its metadata serialized, so it is encoded only once. */
export function validateBlock(block: unknown): string {
  if (!isPlainObject(block)) throw invalidArgument('block must be an object');
  assertBlockId(block['id']);
  const { sourceUri, metadata, content } = block;
  if (typeof sourceUri !== 'string') throw invalidArgument('block.sourceUri must be a string');
  if (typeof content !== 'string') throw invalidArgument('block.content must be a string');
  if (!isPlainObject(metadata)) throw invalidArgument('block.metadata must be a JSON object');
  const metadataJson = JSON.stringify(metadata);
  checkLength('block.sourceUri', sourceUri, limits.sourceUriBytesMax);
  checkLength('block.metadata', metadataJson, limits.metadataBytesMax);
  checkLength('block.content', content, limits.contentBytesMax);
  return metadataJson;
}

/** Validates an edge and returns its properties serialized ('' when absent or not wanted). */
export function validateEdge(edge: unknown, withProperties = true): string {
  if (!isPlainObject(edge)) throw invalidArgument('edge must be an object');
  assertBlockId(edge['source'], 'edge.source');
  assertBlockId(edge['target'], 'edge.target');
  validateEdgeType(edge['type']);
  const properties = edge['properties'];
  if (!withProperties || properties === undefined) return '';
  if (!isPlainObject(properties)) throw invalidArgument('edge.properties must be a JSON object');
  const propertiesJson = JSON.stringify(properties);
  checkLength('edge.properties', propertiesJson, limits.edgePropertiesBytesMax);
  return propertiesJson;
}

/**
 * Validates one write operation; returns the JSON text its encoding needs (block metadata or
 * edge properties; '' for deletions).
 */
export function validateOperation(operation: unknown): string {
  const kind = isPlainObject(operation) ? operation['kind'] : undefined;
  switch (kind) {
    case 'put_block':
      return validateBlock((operation as Record<string, unknown>)['block']);
    case 'delete_block':
      assertBlockId((operation as Record<string, unknown>)['id']);
      return '';
    case 'put_edge':
      return validateEdge((operation as Record<string, unknown>)['edge']);
    case 'delete_edge':
      return validateEdge((operation as Record<string, unknown>)['edge'], false);
    default:
      throw invalidArgument(`unknown write operation kind ${JSON.stringify(kind ?? null)}`);
  }
}

export function validateOperations(operations: unknown): asserts operations is WriteOperation[] {
  if (!Array.isArray(operations)) throw invalidArgument('write() takes an array of operations');
  if (operations.length > limits.batchOperationsMax) {
    throw limitExceeded('batch', operations.length, limits.batchOperationsMax, 'operations');
  }
}

function checkLength(what: string, text: string, max: number): void {
  // Cheap bound first: a UTF-8 string takes at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 <= max) return;
  const bytes = text.length <= max ? encoder.encode(text).length : Buffer.byteLength(text, 'utf8');
  if (bytes > max) throw limitExceeded(what, bytes, max);
}
