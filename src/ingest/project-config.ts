// Project configuration that changes how imports resolve, read from the files the walker found:
// tsconfig.json/jsconfig.json (`paths`, `baseUrl`, following `extends`), go.mod (the module
// path), Cargo.toml (the crate name) and package.json (workspace package names). A file that is
// missing, too large or malformed contributes nothing; resolution then falls back to defaults.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { limits } from '../core/limits.js';
import type { ProjectConfig, TsPathConfig } from './language.js';
import { baseNameOf, directoryOf, joinPath } from './resolve/paths.js';

const tsconfigNames = new Set(['tsconfig.json', 'jsconfig.json']);
const projectConfigNames: ReadonlySet<string> = new Set([
  ...tsconfigNames,
  'go.mod',
  'Cargo.toml',
  'package.json',
]);

export function isProjectConfigPath(path: string): boolean {
  return projectConfigNames.has(baseNameOf(path));
}

export function loadProjectConfig(root: string, paths: readonly string[]): ProjectConfig {
  const typescript: TsPathConfig[] = [];
  const goModules: { directory: string; modulePath: string }[] = [];
  const rustCrates: { directory: string; crateName: string }[] = [];
  const packages: { directory: string; name: string; entry?: string }[] = [];
  for (const path of [...paths].sort()) {
    const name = baseNameOf(path);
    const directory = directoryOf(path);
    const text = readSmallFile(join(root, path));
    if (text === null) continue;
    if (tsconfigNames.has(name)) {
      const config = readTsconfig(root, path, 0);
      if (config !== null && !typescript.some((existing) => existing.directory === directory)) {
        typescript.push({ directory, ...config });
      }
    } else if (name === 'go.mod') {
      const modulePath = /^\s*module\s+(\S+)/m.exec(text)?.[1];
      if (modulePath !== undefined)
        goModules.push({ directory, modulePath: modulePath.replace(/^"|"$/g, '') });
    } else if (name === 'Cargo.toml') {
      const crateName = cargoCrateName(text);
      if (crateName !== null) rustCrates.push({ directory, crateName });
    } else if (name === 'package.json') {
      const parsed = parseJsonc(text);
      const packageName = isObject(parsed) ? parsed['name'] : undefined;
      if (typeof packageName === 'string' && packageName !== '') {
        const entry = packageEntry(parsed as Record<string, unknown>);
        packages.push(
          entry === undefined ? { directory, name: packageName } : { directory, name: packageName, entry },
        );
      }
    }
  }
  return { typescript, goModules, rustCrates, packages };
}

function readSmallFile(absolute: string): string | null {
  try {
    if (statSync(absolute).size > limits.projectConfigBytesMax) return null;
    return readFileSync(absolute, 'utf8');
  } catch {
    return null;
  }
}

interface CompilerPaths {
  baseUrl?: string;
  paths: { pattern: string; targets: string[] }[];
}

/** Reads `baseUrl` and `paths` of a tsconfig, merging what its `extends` chain provides. */
function readTsconfig(root: string, path: string, depth: number): CompilerPaths | null {
  if (depth > 8) return null;
  const text = readSmallFile(join(root, path));
  const parsed = text === null ? null : parseJsonc(text);
  if (!isObject(parsed)) return null;
  const directory = directoryOf(path);
  let inherited: CompilerPaths = { paths: [] };
  const extendsPath = parsed['extends'];
  if (typeof extendsPath === 'string' && (extendsPath.startsWith('./') || extendsPath.startsWith('../'))) {
    const target = joinPath(directory, extendsPath.endsWith('.json') ? extendsPath : `${extendsPath}.json`);
    inherited = (target === null ? null : readTsconfig(root, target, depth + 1)) ?? inherited;
  }
  const options = isObject(parsed['compilerOptions']) ? parsed['compilerOptions'] : {};
  const result: CompilerPaths = { ...inherited };
  const baseUrl = typeof options['baseUrl'] === 'string' ? joinPath(directory, options['baseUrl']) : null;
  if (baseUrl !== null) result.baseUrl = baseUrl;
  if (isObject(options['paths'])) {
    // `paths` targets are relative to baseUrl when set, else to the file that declares them.
    const relativeTo = baseUrl ?? directory;
    result.paths = Object.entries(options['paths']).map(([pattern, targets]) => ({
      pattern,
      targets: (Array.isArray(targets) ? targets : [])
        .filter((target): target is string => typeof target === 'string')
        .map((target) => joinPath(relativeTo, target))
        .filter((target): target is string => target !== null),
    }));
  }
  return result;
}

function packageEntry(manifest: Record<string, unknown>): string | undefined {
  for (const field of ['source', 'types', 'typings', 'module', 'main']) {
    const value = manifest[field];
    if (typeof value === 'string' && value !== '')
      return value.replace(/^\.\//, '').replace(/\.(d\.ts|[cm]?[jt]sx?)$/, '');
  }
  return undefined;
}

/** The crate name of a Cargo.toml: `[lib] name`, else `[package] name` with dashes as underscores. */
function cargoCrateName(text: string): string | null {
  let section = '';
  let packageName: string | null = null;
  let libraryName: string | null = null;
  for (const line of text.split('\n')) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      section = (header[1] ?? '').trim();
      continue;
    }
    const name = /^\s*name\s*=\s*"([^"]+)"/.exec(line)?.[1];
    if (name === undefined) continue;
    if (section === 'package') packageName = name;
    if (section === 'lib') libraryName = name;
  }
  const crate = libraryName ?? packageName;
  return crate === null ? null : crate.replace(/-/g, '_');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with comments and trailing commas, as tsconfig files allow; null when malformed. */
export function parseJsonc(text: string): unknown {
  let output = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '"') {
      const end = stringEnd(text, index);
      output += text.slice(index, end);
      index = end;
    } else if (char === '/' && text[index + 1] === '/') {
      const end = text.indexOf('\n', index);
      index = end < 0 ? text.length : end;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 2;
    } else {
      output += char;
      index++;
    }
  }
  try {
    return JSON.parse(output.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return null;
  }
}

/** The index just past the string literal starting at `start`. */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    if (text[index] === '\\') index += 2;
    else if (text[index] === '"') return index + 1;
    else index++;
  }
  return text.length;
}
