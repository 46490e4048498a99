// The MCP status text says what the CLI's status says about a workspace beyond its counts: a
// changed project configuration, and a next sync that parses every file again after an upgrade.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { WorkspaceStatus } from '../workspace/index.js';
import { headerLine, statusText } from './format.js';

function workspace(overrides: Partial<WorkspaceStatus>): WorkspaceStatus {
  return {
    name: 'demo',
    root: '/src/demo',
    linkedAt: '2026-11-24T10:00:00Z',
    syncedAt: '2026-11-24T10:00:00Z',
    files: 3,
    blocks: 9,
    edges: 12,
    unresolvedCalls: 0,
    rootExists: true,
    reparseNext: false,
    interrupted: false,
    changes: { added: 0, modified: 0, deleted: 0, configChanged: false },
    ...overrides,
  };
}

const textOf = (status: WorkspaceStatus): string =>
  statusText({ dataDirectory: '/data', workspaces: [status] }, 'embedded', undefined).join('\n');

it('says nothing more for a fresh workspace', () => {
  const text = textOf(workspace({}));
  assert.match(text, /demo {2}fresh/);
  assert.doesNotMatch(text, /earlier release|configuration|interrupted/);
});

it('says when the next sync parses everything again and when the configuration changed', () => {
  const text = textOf(
    workspace({
      reparseNext: true,
      changes: { added: 0, modified: 0, deleted: 0, configChanged: true },
    }),
  );
  assert.match(text, /parsed by an earlier release: the next sync parses every file again \(once\)/);
  assert.match(text, /project configuration .* changed since the sync; call sync/);
});

it('says when the last sync was interrupted', () => {
  assert.match(
    textOf(workspace({ interrupted: true })),
    /interrupted: the last link or sync stopped .*; call sync/,
  );
});

it('says in every answer when a workspace is interrupted', () => {
  const header = headerLine(
    { unresolvedCalls: 0, nameOnlyEdges: 0, freshness: [{ workspace: 'demo', state: 'interrupted' }] },
    'embedded',
  );
  assert.match(header, /freshness: demo INTERRUPTED \(the last link or sync did not finish; call sync\)/);
});
