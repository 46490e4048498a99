// The embedded stores we compare against (lmdb, classic-level, better-sqlite3), installed on first
// use into bench/node_modules and loaded from there. They are pinned in bench/package.json, not in
// the root package, so the project's own `npm ci` stays fast and free of native builds.
//
// Install runs npm with bench/ as its working directory and a cleaned environment: under
// `npm run`, npm exports its own config as npm_config_* variables (ignore-scripts=true from the
// root .npmrc, local_prefix=the root), and those would override bench/.npmrc. The peers are native
// modules whose install scripts must run (better-sqlite3 compiles from source here).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDirectory = dirname(fileURLToPath(import.meta.url));
const benchPackagePath = join(benchDirectory, 'package.json');
const peerRequire = createRequire(benchPackagePath);
/** npm ci compiles better-sqlite3 (about a minute here); past this the install is abandoned. */
const installTimeoutMs = 15 * 60 * 1000;

export const peerNames = ['lmdb', 'classic-level', 'better-sqlite3'] as const;
export type PeerName = (typeof peerNames)[number];

// Minimal local views of the peers' APIs: only what the benchmarks call. The peers' own types are
// not installed at the root, and a narrow interface documents exactly what we rely on.

export interface LmdbRangeOptions {
  start?: Uint8Array;
  end?: Uint8Array;
}
export interface LmdbDatabase {
  get(key: Uint8Array): Buffer | undefined;
  put(key: Uint8Array, value: Uint8Array): unknown;
  transactionSync<T>(action: () => T): T;
  getKeys(options: LmdbRangeOptions): Iterable<Buffer>;
  /** Resolves once every earlier commit is flushed to disk (lmdb overlaps fsync with commits). */
  readonly flushed: PromiseLike<unknown>;
  close(): Promise<void>;
}
export interface LmdbModule {
  open(options: { path: string; encoding: 'binary'; keyEncoding: 'binary' }): LmdbDatabase;
}

export interface ClassicLevelBatchOperation {
  type: 'put';
  key: Buffer;
  value: Buffer;
}
export interface ClassicLevelDatabase {
  open(): Promise<void>;
  batch(operations: ClassicLevelBatchOperation[], options: { sync: boolean }): Promise<void>;
  get(key: Buffer): Promise<Buffer | undefined>;
  getSync(key: Buffer): Buffer | undefined;
  keys(options: { gte: Buffer; lt: Buffer }): { all(): Promise<Buffer[]> };
  close(): Promise<void>;
}
export interface ClassicLevelModule {
  ClassicLevel: new (
    location: string,
    options: { keyEncoding: 'buffer'; valueEncoding: 'buffer' },
  ) => ClassicLevelDatabase;
}

export interface SqliteStatement {
  run(...parameters: unknown[]): unknown;
  get(...parameters: unknown[]): unknown;
  all(...parameters: unknown[]): unknown[];
}
export interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): SqliteStatement;
  transaction<A extends unknown[]>(action: (...parameters: A) => void): (...parameters: A) => void;
  close(): unknown;
}
export type BetterSqlite3Module = new (filename: string) => SqliteDatabase;

export interface PeerModules {
  lmdb: LmdbModule;
  'classic-level': ClassicLevelModule;
  'better-sqlite3': BetterSqlite3Module;
}

/** The exact version bench/package.json pins for a peer. */
export function pinnedPeerVersion(name: PeerName): string {
  const manifest = JSON.parse(readFileSync(benchPackagePath, 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const version = manifest.dependencies?.[name];
  if (version === undefined) throw new Error(`bench/package.json does not pin ${name}`);
  return version;
}

/** The version installed in bench/node_modules, or undefined when the peer is missing. */
export function installedPeerVersion(name: PeerName): string | undefined {
  const manifestPath = join(benchDirectory, 'node_modules', name, 'package.json');
  if (!existsSync(manifestPath)) return undefined;
  return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string }).version;
}

export interface InstallOutcome {
  /** True when npm ci ran during this call. */
  readonly installed: boolean;
  /** Set when npm ci was needed and failed; the tail of its output. */
  readonly error?: string;
}

/**
 * Installs the peers when any is missing or differs from its pin. Never throws: a failed install is
 * reported and each peer then fails (or not) on its own when loaded.
 */
export function ensurePeersInstalled(log: (line: string) => void): InstallOutcome {
  const stale = peerNames.filter((name) => installedPeerVersion(name) !== pinnedPeerVersion(name));
  if (stale.length === 0) return { installed: false };
  log(
    `peers: installing ${stale.join(', ')} into bench/node_modules (npm in bench/; ` +
      'better-sqlite3 compiles from source, about a minute) ...',
  );
  const clean = runNpm(['ci']);
  if (clean.error === undefined) {
    log('peers: installed');
    return { installed: true };
  }
  // npm ci refuses the lockfile when the registry lacks an optional package for another platform
  // (msgpackr-extract's darwin builds are missing from the registry this project uses); npm install
  // still takes every version and integrity hash the lockfile has, and --no-save leaves it untouched.
  log(
    `peers: npm ci failed (${clean.error.split('\n').slice(0, 3).join('; ')}); retrying with npm install --no-save`,
  );
  const fallback = runNpm(['install', '--no-save']);
  if (fallback.error === undefined) {
    log('peers: installed');
    return { installed: true };
  }
  log('peers: install failed; continuing with whatever loads');
  return { installed: true, error: `npm ci: ${clean.error}\n\nnpm install: ${fallback.error}` };
}

/** Runs npm in bench/ with scripts enabled; returns the failure's summary and output tail, if any. */
function runNpm(command: readonly string[]): { error?: string } {
  const result = spawnSync('npm', [...command, '--ignore-scripts=false', '--no-audit', '--no-fund'], {
    cwd: benchDirectory,
    env: environmentWithoutNpmConfig(),
    encoding: 'utf8',
    timeout: installTimeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status === 0) return {};
  const lines = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n');
  const errors = lines.filter((line) => line.startsWith('npm error') && line.trim() !== 'npm error');
  const reason = result.error?.message ?? `exited with ${result.status ?? result.signal}`;
  return { error: [reason, ...errors.slice(0, 12)].join('\n') };
}

function environmentWithoutNpmConfig(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_config_')) environment[key] = value;
  }
  return environment;
}

/** Loads a peer from bench/node_modules; throws if it is missing or its native part fails. */
export function loadPeer<Name extends PeerName>(name: Name): PeerModules[Name] {
  return peerRequire(name) as PeerModules[Name];
}
