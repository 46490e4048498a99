// How TypeScript and JavaScript specifiers name files: relative paths with extension and `index`
// probing (a `.js` specifier may name a `.ts` source, as TypeScript's ESM output requires),
// tsconfig `paths` and `baseUrl`, and packages of the same workspace by their package.json name.
// Anything else is an external package and resolves to nothing.
import type { ImportFact } from '../../facts.js';
import type { ProjectView, TsPathConfig } from '../../language.js';
import { directoryOf, isWithin, joinPath } from '../../resolve/paths.js';

const probeExtensions = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Compiled extensions and the source extensions they may stand for. */
const sourceForOutput: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx', '.d.ts', '.js'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.d.mts', '.mjs'],
  '.cjs': ['.cts', '.d.cts', '.cjs'],
};

export function resolveEcmaImport(
  fact: ImportFact,
  fromPath: string,
  project: ProjectView,
): readonly string[] {
  const specifier = fact.specifier;
  if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
    const base = joinPath(directoryOf(fromPath), specifier);
    return base === null ? [] : probe(base, project);
  }
  if (specifier.startsWith('/') || specifier.includes(':')) return [];
  return resolveNonRelative(specifier, fromPath, project);
}

function resolveNonRelative(specifier: string, fromPath: string, project: ProjectView): readonly string[] {
  const config = governingConfig(fromPath, project.config.typescript);
  if (config !== undefined) {
    for (const { pattern, targets } of config.paths) {
      const captured = matchPattern(pattern, specifier);
      if (captured === null) continue;
      for (const target of targets) {
        const found = probe(target.replace('*', captured), project);
        if (found.length > 0) return found;
      }
    }
    if (config.baseUrl !== undefined) {
      const base = joinPath(config.baseUrl, specifier);
      const found = base === null ? [] : probe(base, project);
      if (found.length > 0) return found;
    }
  }
  return resolveWorkspacePackage(specifier, project);
}

/** The tsconfig of the nearest enclosing directory that has one. */
function governingConfig(fromPath: string, configs: readonly TsPathConfig[]): TsPathConfig | undefined {
  let best: TsPathConfig | undefined;
  for (const config of configs) {
    if (!isWithin(fromPath, config.directory)) continue;
    if (best === undefined || config.directory.length > best.directory.length) best = config;
  }
  return best;
}

/** Matches a tsconfig `paths` pattern (at most one `*`); returns what `*` captured, or null. */
function matchPattern(pattern: string, specifier: string): string | null {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === specifier ? '' : null;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  if (specifier.length < prefix.length + suffix.length) return null;
  if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix)) return null;
  return specifier.slice(prefix.length, specifier.length - suffix.length);
}

function resolveWorkspacePackage(specifier: string, project: ProjectView): readonly string[] {
  for (const workspacePackage of project.config.packages) {
    const name = workspacePackage.name;
    if (specifier !== name && !specifier.startsWith(`${name}/`)) continue;
    const rest = specifier.slice(name.length + 1);
    const directory = workspacePackage.directory;
    if (rest !== '') {
      const base = joinPath(directory, rest);
      const found = base === null ? [] : probe(base, project);
      if (found.length > 0) return found;
      const underSource = joinPath(directory, `src/${rest}`);
      return underSource === null ? [] : probe(underSource, project);
    }
    for (const entry of [workspacePackage.entry, 'src/index', 'index']) {
      if (entry === undefined) continue;
      const base = joinPath(directory, entry);
      const found = base === null ? [] : probe(base, project);
      if (found.length > 0) return found;
    }
  }
  return [];
}

/** The first existing file among the candidates a specifier base may name. */
export function probe(base: string, project: ProjectView): readonly string[] {
  const dot = base.lastIndexOf('.');
  const extension = dot > base.lastIndexOf('/') ? base.slice(dot) : '';
  const sources = sourceForOutput[extension];
  if (sources !== undefined) {
    const stem = base.slice(0, dot);
    for (const source of sources) if (project.hasFile(stem + source)) return [stem + source];
  }
  if (project.hasFile(base)) return [base];
  for (const candidate of probeExtensions) if (project.hasFile(base + candidate)) return [base + candidate];
  for (const candidate of probeExtensions) {
    const index = `${base}/index${candidate}`;
    if (project.hasFile(index)) return [index];
  }
  return [];
}
