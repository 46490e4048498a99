// The ingestion API: from a directory (or single files) to blocks and edges in memory. Storage is
// not touched here; a workspace sync writes this output through the database facade.
export type {
  CallFact,
  EntityFact,
  EntityKind,
  ExportFact,
  FileFacts,
  ImportFact,
  LanguageId,
  ReferenceFact,
  ValueRef,
} from './facts.js';
export { factsFormatVersion } from './facts.js';
export type { LanguagePlugin, LanguageResolution, ProjectConfig } from './language.js';
export { emptyProjectConfig } from './language.js';
export { languageOfPath, languagePlugins } from './languages/registry.js';
export { extractFile } from './parse/extract-file.js';
export {
  resolveWorkspace,
  resolveWorkspaceAsync,
  type ResolveOptions,
  type ResolveStats,
  type WorkspaceGraph,
} from './resolve/resolve-workspace.js';
export { dependentFiles } from './resolve/dependents.js';
export { affectedFilesSteps, type AffectedFiles, type FileChange } from './resolve/affected.js';
export { WorkspaceIndex, type FileNode } from './resolve/workspace-index.js';
export type { WorkspaceTables } from './resolve/workspace-tables.js';
export { entityBlockId } from './resolve/workspace-index.js';
export { loadProjectConfig } from './project-config.js';
export { parseWorkersYieldToQueries } from './workers/worker-priority.js';
export {
  ingestDirectory,
  validateWorkspaceName,
  type IngestedFile,
  type IngestOptions,
  type IngestPhase,
  type IngestProgress,
  type IngestResult,
  type IngestStats,
} from './ingest-directory.js';
export {
  defaultSkippedDirectories,
  walkDirectory,
  type WalkOptions,
  type WalkResult,
  type WalkStats,
} from './walk/walk-directory.js';
