// Loads one engine by name: ours from src/, each peer from bench/node_modules. Loading throws when
// the engine is missing or its native part fails; the runner reports that and the run goes on.
import { readFileSync } from 'node:fs';
import { installedPeerVersion, loadPeer } from '../peers.js';
import { betterSqlite3Engine } from './better-sqlite3.js';
import { classicLevelEngine } from './classic-level.js';
import { kausalEngine, loadOurDatabase } from './kausaldb.js';
import { lmdbEngine } from './lmdb.js';
import type { EngineName, StoreEngine } from './store.js';

export async function loadEngine(name: EngineName): Promise<StoreEngine> {
  switch (name) {
    case 'kausaldb':
      return kausalEngine(await loadOurDatabase(), ourVersion());
    case 'lmdb':
      return lmdbEngine(loadPeer('lmdb'), installedPeerVersion('lmdb') ?? 'unknown');
    case 'classic-level':
      return classicLevelEngine(
        loadPeer('classic-level'),
        installedPeerVersion('classic-level') ?? 'unknown',
      );
    case 'better-sqlite3':
      return betterSqlite3Engine(
        loadPeer('better-sqlite3'),
        installedPeerVersion('better-sqlite3') ?? 'unknown',
      );
  }
}

function ourVersion(): string {
  const manifest = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? 'unknown';
}
