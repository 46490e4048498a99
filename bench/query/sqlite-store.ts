// The same graph in SQLite (better-sqlite3), set up the way a careful user would: WAL; a table of
// blocks with only the columns queries need (indexed by name and qualified name), the metadata
// JSON and source text in a table of their own so lookups do not drag them through the cache; one
// edge table clustered on (source, type, target) with a second index on (target, type, source).
// Queries are plain SQL; trace is a recursive CTE (joined with CROSS JOIN: left to itself the
// planner scans every block); path runs the same layered BFS as ours over indexed lookups.
import { mkdirSync } from 'node:fs';
import type { BetterSqlite3Module, SqliteDatabase, SqliteStatement } from '../peers.js';
import { edgeTypeCodes } from '../../src/core/types.js';
import { callEdge, callSitesOf, moduleRows, structureEdges, type ModelIds } from './blocks.js';
import type { CodeModel } from './graph-model.js';

const schema = `
  CREATE TABLE blocks (
    id TEXT PRIMARY KEY, workspace TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
    qualified_name TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL, line_end INTEGER NOT NULL,
    signature TEXT NOT NULL, unresolved_calls INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE block_bodies (id TEXT PRIMARY KEY, metadata TEXT NOT NULL, content TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX blocks_by_name ON blocks (name);
  CREATE INDEX blocks_by_qualified_name ON blocks (qualified_name);
  CREATE TABLE edges (
    source TEXT NOT NULL, type INTEGER NOT NULL, target TEXT NOT NULL,
    line INTEGER, resolution TEXT, confidence REAL,
    PRIMARY KEY (source, type, target)
  ) WITHOUT ROWID;
  CREATE INDEX edges_by_target ON edges (target, type, source);
`;

const calls = edgeTypeCodes.calls;
const entityColumns =
  'b.id, b.workspace, b.kind, b.name, b.qualified_name, b.file, b.line, b.line_end, b.signature, b.unresolved_calls';
const entityOrder = 'b.workspace, b.file, b.line, b.qualified_name, b.id';

export interface SqliteQueries {
  find(name: string, limit: number): unknown[];
  callers(id: string, limit: number): unknown[];
  callees(id: string, limit: number): unknown[];
  trace(id: string, depth: number, nodes: number): unknown[];
  path(from: string, to: string, maxDepth: number, maxPaths: number): string[][];
  close(): void;
}

export function openSqlite(
  module: BetterSqlite3Module,
  directory: string,
  cacheBytes: number,
): SqliteDatabase {
  mkdirSync(directory, { recursive: true });
  const db = new module(`${directory}/graph.sqlite`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${Math.floor(cacheBytes / 1024)}`);
  return db;
}

export function loadSqlite(db: SqliteDatabase, model: CodeModel, ids: ModelIds): number {
  const started = performance.now();
  db.exec(schema);
  const insertBlock = db.prepare('INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertBody = db.prepare('INSERT INTO block_bodies VALUES (?, ?, ?)');
  const insertEdge = db.prepare('INSERT OR REPLACE INTO edges VALUES (?, ?, ?, ?, ?, ?)');
  const callSites = callSitesOf(model);
  const load = db.transaction(() => {
    for (let module = 0; module < model.size.modules; module++) {
      for (const row of moduleRows(model, ids, module, callSites)) {
        insertBlock.run(
          row.id,
          'bench',
          row.kind,
          row.name,
          row.qualifiedName,
          row.file,
          row.line,
          row.lineEnd,
          row.signature,
          row.unresolvedCalls,
        );
        insertBody.run(row.id, JSON.stringify(row.block.metadata), row.block.content);
      }
      for (const edge of structureEdges(model, ids, module)) {
        insertEdge.run(
          edge.source,
          edgeTypeCodes[edge.type as keyof typeof edgeTypeCodes],
          edge.target,
          null,
          null,
          null,
        );
      }
    }
    for (let call = 0; call < model.callSource.length; call++) {
      const edge = callEdge(model, ids, call);
      const properties = edge.properties ?? {};
      insertEdge.run(
        edge.source,
        calls,
        edge.target,
        properties['line'],
        properties['resolution'],
        properties['confidence'],
      );
    }
  });
  load();
  db.exec('ANALYZE');
  return (performance.now() - started) / 1000;
}

export function sqliteQueries(db: SqliteDatabase): SqliteQueries {
  const target = db.prepare(`SELECT ${entityColumns} FROM blocks b WHERE b.id = ?`);
  const find = db.prepare(
    `SELECT ${entityColumns}, count(*) OVER () AS total FROM blocks b WHERE b.name = ? ORDER BY ${entityOrder} LIMIT ?`,
  );
  const relation = (near: 'source' | 'target', far: 'source' | 'target'): SqliteStatement =>
    db.prepare(
      `SELECT ${entityColumns}, e.line AS site_line, e.resolution, e.confidence, count(*) OVER () AS total
       FROM edges e JOIN blocks b ON b.id = e.${far} WHERE e.${near} = ? AND e.type = ${calls} ORDER BY ${entityOrder} LIMIT ?`,
    );
  const callers = relation('target', 'source');
  const callees = relation('source', 'target');
  // Breadth first (SQLite's default queue order), the first `nodes` rows, then their blocks.
  const trace = db.prepare(
    `WITH RECURSIVE walk(id, depth) AS (
       SELECT ?, 0
       UNION
       SELECT e.target, walk.depth + 1 FROM walk JOIN edges e ON e.source = walk.id AND e.type = ${calls}
       WHERE walk.depth < ? LIMIT ?)
     SELECT walk.depth, ${entityColumns} FROM walk CROSS JOIN blocks b ON b.id = walk.id`,
  );
  const outgoing = db.prepare(`SELECT target FROM edges WHERE source = ? AND type = ${calls}`);
  return {
    find: (name, limit) => find.all(name, limit),
    callers: (id, limit) => [target.get(id), ...callers.all(id, limit)],
    callees: (id, limit) => [target.get(id), ...callees.all(id, limit)],
    trace: (id, depth, nodes) => trace.all(id, depth, nodes),
    path: (from, to, maxDepth, maxPaths) => {
      const paths = layeredPaths(from, to, maxDepth, maxPaths, (id) =>
        (outgoing.all(id) as { target: string }[]).map((row) => row.target),
      );
      for (const path of paths) for (const id of path) target.get(id);
      return paths;
    },
    close: () => db.close(),
  };
}

/** The algorithm of src/query/paths.ts (layered BFS, predecessor DAG, walk back) on any adjacency. */
export function layeredPaths(
  from: string,
  to: string,
  maxDepth: number,
  maxPaths: number,
  next: (id: string) => string[],
): string[][] {
  const layer = new Map<string, number>([[from, 0]]);
  const predecessors = new Map<string, string[]>();
  let frontier = [from];
  let reached = from === to;
  for (let depth = 1; depth <= maxDepth && frontier.length > 0 && !reached; depth++) {
    const following: string[] = [];
    for (const id of frontier) {
      for (const target of next(id)) {
        const known = layer.get(target);
        if (known !== undefined && known < depth) continue;
        if (known === undefined) {
          layer.set(target, depth);
          following.push(target);
        }
        predecessors.set(target, [...(predecessors.get(target) ?? []), id]);
        if (target === to) reached = true;
      }
    }
    frontier = following;
  }
  if (!reached) return [];
  const paths: string[][] = [];
  const stack: string[][] = [[to]];
  while (stack.length > 0 && paths.length < maxPaths) {
    const path = stack.pop() as string[];
    const head = path[0] as string;
    const before = predecessors.get(head);
    if (head === from || before === undefined) paths.push(path);
    else for (const id of before) stack.push([id, ...path]);
  }
  return paths;
}
