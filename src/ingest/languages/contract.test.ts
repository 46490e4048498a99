// The contract every language plug-in keeps, run over each plug-in's case (contract-cases.ts):
// required metadata, deterministic ids, correct lines, resolved calls with provenance, facts that
// survive serialisation, and files with syntax errors that still yield what the tree recovered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockInput, GraphEdge } from '../../core/types.js';
import { isBlockId } from '../../core/block-id.js';
import { extractFile } from '../parse/extract-file.js';
import { resolveWorkspace } from '../resolve/resolve-workspace.js';
import { contractCases } from './contract-cases.js';
import { languagePlugins, languageOfPath } from './registry.js';

const requiredMetadata: Readonly<Record<string, string>> = {
  workspace: 'string',
  language: 'string',
  kind: 'string',
  name: 'string',
  qualifiedName: 'string',
  file: 'string',
  lineStart: 'number',
  lineEnd: 'number',
  exported: 'boolean',
  signature: 'string',
};

function byQualifiedName(blocks: readonly BlockInput[]): Map<string, BlockInput> {
  return new Map(blocks.map((block) => [String(block.metadata['qualifiedName']), block]));
}

function callPairs(blocks: readonly BlockInput[], edges: readonly GraphEdge[]): Set<string> {
  const names = new Map(blocks.map((block) => [block.id, String(block.metadata['qualifiedName'])]));
  return new Set(
    edges
      .filter((edge) => edge.type === 'calls')
      .map((edge) => `${names.get(edge.source)} -> ${names.get(edge.target)}`),
  );
}

describe('language plug-in contract', () => {
  it('covers every plug-in with a case', () => {
    const covered = new Set(contractCases.map((testCase) => testCase.language));
    for (const plugin of languagePlugins)
      assert.ok(covered.has(plugin.id), `no contract case for ${plugin.id}`);
  });

  for (const testCase of contractCases) {
    describe(testCase.language, () => {
      it('reads its own files', () => {
        assert.equal(languageOfPath(testCase.path), testCase.language);
      });

      it('extracts the expected entities with their lines', async () => {
        const facts = await extractFile(testCase.language, testCase.path, testCase.source);
        assert.equal(facts.syntaxErrors, 0);
        const graph = resolveWorkspace('contract', [facts]);
        const blocks = byQualifiedName(graph.blocks);
        for (const expected of testCase.entities) {
          const block = blocks.get(expected.qualifiedName);
          assert.ok(block, `missing ${expected.qualifiedName}; have ${[...blocks.keys()].join(', ')}`);
          assert.equal(block.metadata['kind'], expected.kind, expected.qualifiedName);
          assert.deepEqual(
            [block.metadata['lineStart'], block.metadata['lineEnd']],
            expected.lines,
            expected.qualifiedName,
          );
        }
      });

      it('gives every block the required metadata, a source URI and its source text', async () => {
        const facts = await extractFile(testCase.language, testCase.path, testCase.source);
        const graph = resolveWorkspace('contract', [facts]);
        const sourceLines = testCase.source.split('\n');
        for (const block of graph.blocks) {
          assert.ok(isBlockId(block.id));
          for (const [key, type] of Object.entries(requiredMetadata)) {
            assert.equal(
              typeof block.metadata[key],
              type,
              `${key} of ${String(block.metadata['qualifiedName'])}`,
            );
          }
          assert.equal(block.metadata['workspace'], 'contract');
          assert.equal(block.metadata['file'], testCase.path);
          const start = block.metadata['lineStart'] as number;
          const end = block.metadata['lineEnd'] as number;
          assert.ok(start >= 1 && end >= start);
          assert.equal(block.sourceUri, `file://${testCase.path}#L${start}-${end}`);
          const firstLine = block.content.split('\n')[0] ?? '';
          assert.ok(testCase.source.includes(block.content), 'content is a slice of the file');
          assert.ok((sourceLines[start - 1] ?? '').includes(firstLine), 'content starts on lineStart');
        }
      });

      it('derives ids from workspace, file, kind and qualified name, deterministically', async () => {
        const facts = await extractFile(testCase.language, testCase.path, testCase.source);
        const first = resolveWorkspace('contract', [facts]);
        const again = resolveWorkspace('contract', [
          await extractFile(testCase.language, testCase.path, testCase.source),
        ]);
        const other = resolveWorkspace('elsewhere', [facts]);
        assert.deepEqual(
          first.blocks.map((block) => block.id),
          again.blocks.map((block) => block.id),
        );
        assert.equal(
          new Set(first.blocks.map((block) => block.id)).size,
          first.blocks.length,
          'ids are unique',
        );
        const otherIds = new Set(other.blocks.map((block) => block.id));
        assert.ok(
          first.blocks.every((block) => !otherIds.has(block.id)),
          'another workspace gets other ids',
        );
      });

      it('keeps facts as plain data that resolve the same after a round trip', async () => {
        const facts = await extractFile(testCase.language, testCase.path, testCase.source);
        const copy = JSON.parse(JSON.stringify(structuredClone(facts)));
        assert.deepEqual(copy, facts);
        const original = resolveWorkspace('contract', [facts]);
        const restored = resolveWorkspace('contract', [copy]);
        assert.deepEqual(restored.blocks, original.blocks);
        assert.deepEqual(restored.edges, original.edges);
      });

      it('resolves the expected calls with their provenance', async () => {
        const facts = await extractFile(testCase.language, testCase.path, testCase.source);
        const graph = resolveWorkspace('contract', [facts]);
        const pairs = callPairs(graph.blocks, graph.edges);
        for (const expected of testCase.calls)
          assert.ok(pairs.has(expected), `missing ${expected}; have ${[...pairs].join(', ')}`);
        for (const edge of graph.edges.filter((candidate) => candidate.type === 'calls')) {
          assert.equal(typeof edge.properties?.['line'], 'number');
          assert.ok(
            ['lexical', 'import', 'receiver', 'dispatch', 'name-only'].includes(
              String(edge.properties?.['resolution']),
            ),
          );
          const confidence = edge.properties?.['confidence'] as number;
          assert.ok(confidence > 0 && confidence <= 1);
        }
      });

      it('links every entity to its module and container, with edges between known blocks', async () => {
        const facts = await extractFile(testCase.language, testCase.path, testCase.source);
        const graph = resolveWorkspace('contract', [facts]);
        const ids = new Set(graph.blocks.map((block) => block.id));
        for (const edge of graph.edges)
          assert.ok(ids.has(edge.source) && ids.has(edge.target), `dangling ${edge.type}`);
        const module = graph.blocks.find((block) => block.metadata['kind'] === 'module');
        assert.ok(module);
        for (const block of graph.blocks) {
          if (block === module) continue;
          assert.ok(
            graph.edges.some(
              (edge) => edge.type === 'defined_in' && edge.source === block.id && edge.target === module.id,
            ),
          );
          assert.ok(graph.edges.some((edge) => edge.type === 'contains' && edge.target === block.id));
        }
      });

      it('recovers entities from a file with syntax errors and counts the errors', async () => {
        const facts = await extractFile(testCase.language, testCase.path, testCase.broken.source);
        assert.ok(facts.syntaxErrors > 0, 'the broken file is reported as such');
        const graph = resolveWorkspace('contract', [facts]);
        const module = graph.blocks.find((block) => block.metadata['kind'] === 'module');
        assert.equal(module?.metadata['syntaxErrors'], facts.syntaxErrors);
        const names = new Set(graph.blocks.map((block) => block.metadata['qualifiedName']));
        for (const survivor of testCase.broken.survivors)
          assert.ok(names.has(survivor), `lost ${survivor}: ${[...names].join(', ')}`);
      });
    });
  }
});
