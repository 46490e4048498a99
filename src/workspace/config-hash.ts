// The fingerprint of a workspace's project configuration: what import resolution reads from
// tsconfig/jsconfig, go.mod, Cargo.toml and package.json files (not their bytes, so a version bump
// in a package.json changes nothing). A sync records it and re-resolves every file when it moved.
import { sha256Hex } from '../core/block-id.js';
import type { ProjectConfig } from '../ingest/index.js';

/** `config` is built from paths in sorted order, so the same files give the same text. */
export function projectConfigHash(config: ProjectConfig): string {
  return sha256Hex(JSON.stringify(config));
}
