// Quick start: stores a real codebase in a KausalDB database with the storage API alone — one
// block per source file and an `imports` edge per relative import — then reopens it and asks
// which modules are imported most. Code-aware ingestion (functions, calls) is `kausal link`.
//   npm run quickstart -- [directory]   (default: node_modules/rxjs/src)
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Database, blockIdFromKey, type WriteOperation } from '../src/index.js';

const root = resolve(process.argv[2] ?? 'node_modules/rxjs/src');
const dataDirectory = resolve('.kausal/quickstart');
const sourcePattern = /\.(ts|tsx|js|mjs|cjs|jsx)$/;
const importPattern = /(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]/g;

function listSources(directory: string, found: string[] = []): string[] {
  for (const name of readdirSync(directory).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(directory, name);
    if (statSync(path).isDirectory()) listSources(path, found);
    else if (sourcePattern.test(name)) found.push(path);
  }
  return found;
}

function resolveImport(fromFile: string, specifier: string, known: Set<string>): string | undefined {
  const base = join(dirname(fromFile), specifier).replace(/\.js$/, '');
  const candidates = ['.ts', '.tsx', '.js', '/index.ts', '/index.js', ''].map((suffix) => base + suffix);
  return candidates.find((candidate) => known.has(candidate));
}

const files = listSources(root);
const known = new Set(files);
const idOf = (path: string): string => blockIdFromKey(`quickstart:${relative(root, path)}`);
rmSync(dataDirectory, { recursive: true, force: true });
let db = Database.open(dataDirectory);
const started = performance.now();
let edgeCount = 0;
for (let start = 0; start < files.length; start += 500) {
  const operations: WriteOperation[] = [];
  for (const file of files.slice(start, start + 500)) {
    const content = readFileSync(file, 'utf8');
    const path = relative(root, file);
    const lines = content.split('\n').length;
    const block = {
      id: idOf(file),
      sourceUri: `file://${path}#L1-${lines}`,
      metadata: { file: path, lines },
      content,
    };
    operations.push({ kind: 'put_block', block });
    for (const match of content.matchAll(importPattern)) {
      const target = resolveImport(file, match[1] as string, known);
      if (target === undefined) continue;
      operations.push({
        kind: 'put_edge',
        edge: { source: idOf(file), target: idOf(target), type: 'imports' },
      });
      edgeCount += 1;
    }
  }
  db.write(operations);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `Stored ${files.length} files and ${edgeCount} import edges from ${root} in ${seconds.toFixed(2)} s`,
);
db.close();

db = Database.open(dataDirectory);
const ranked = files
  .map((file) => ({
    file: relative(root, file),
    importers: db.incomingEdges(idOf(file), { type: 'imports' }).length,
  }))
  .sort((a, b) => b.importers - a.importers)
  .slice(0, 5);
console.log('Most imported modules (after reopening the database):');
for (const { file, importers } of ranked) console.log(`  ${String(importers).padStart(4)}  ${file}`);
const stats = db.stats();
console.log(`Database: ${dataDirectory} — ${stats.tables} table(s), ${stats.tableBytes} bytes`);
db.close();
