// better-sqlite3 adapter in the configuration its users are told to pick: WAL journal with
// synchronous=NORMAL. Note the weaker guarantee: a commit is not fsynced (only checkpoints are), so
// it survives a process crash but the last commits may be lost on power failure.
import { mkdirSync } from 'node:fs';
import type { BetterSqlite3Module, SqliteDatabase, SqliteStatement } from '../peers.js';
import type { BenchStore, StoreEngine } from './store.js';
import type { BlockSet, EdgeSet } from './workload.js';

const schema = `
  CREATE TABLE IF NOT EXISTS blocks (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS edges (source BLOB NOT NULL, target BLOB NOT NULL, type TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS edges_by_source ON edges (source, type);
  CREATE INDEX IF NOT EXISTS edges_by_target ON edges (target, type);
`;

export function betterSqlite3Engine(module: BetterSqlite3Module, version: string): StoreEngine {
  return {
    name: 'better-sqlite3',
    version,
    durability: 'WAL, synchronous=NORMAL (commits not fsynced; checkpoints are)',
    open: (directory) => {
      mkdirSync(directory, { recursive: true });
      const db = new module(`${directory}/bench.sqlite`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(schema);
      return new SqliteStore(db);
    },
  };
}

class SqliteStore implements BenchStore {
  private readonly insertBlock: SqliteStatement;
  private readonly selectBlock: SqliteStatement;
  private readonly insertEdge: SqliteStatement;
  private readonly selectOutgoing: SqliteStatement;
  private readonly selectIncoming: SqliteStatement;
  private readonly writeBlockBatch: (blocks: BlockSet, first: number, count: number) => void;
  private readonly writeEdgeBatch: (edges: EdgeSet, first: number, count: number) => void;

  constructor(private readonly db: SqliteDatabase) {
    this.insertBlock = db.prepare('INSERT OR REPLACE INTO blocks (key, value) VALUES (?, ?)');
    this.selectBlock = db.prepare('SELECT value FROM blocks WHERE key = ?');
    this.insertEdge = db.prepare('INSERT INTO edges (source, target, type) VALUES (?, ?, ?)');
    this.selectOutgoing = db.prepare("SELECT target FROM edges WHERE source = ? AND type = 'calls'");
    this.selectIncoming = db.prepare("SELECT source FROM edges WHERE target = ? AND type = 'calls'");
    this.writeBlockBatch = db.transaction((blocks: BlockSet, first: number, count: number) => {
      for (let index = first; index < first + count; index++) {
        this.insertBlock.run(blocks.peerKey(index), blocks.valueBytes(index));
      }
    });
    this.writeEdgeBatch = db.transaction((edges: EdgeSet, first: number, count: number) => {
      for (let edge = first; edge < first + count; edge++) {
        const source = edges.nodes.idBytes(edges.source(edge));
        this.insertEdge.run(source, edges.nodes.idBytes(edges.target(edge)), 'calls');
      }
    });
  }

  writeBlocks(blocks: BlockSet, first: number, count: number): void {
    this.writeBlockBatch(blocks, first, count);
  }

  readBlockMatches(blocks: BlockSet, index: number): boolean {
    const row = this.selectBlock.get(blocks.peerKey(index)) as { value: Buffer } | undefined;
    return row !== undefined && row.value.equals(blocks.valueBytes(index));
  }

  writeEdges(edges: EdgeSet, first: number, count: number): void {
    this.writeEdgeBatch(edges, first, count);
  }

  outgoingCount(edges: EdgeSet, node: number): number {
    return this.selectOutgoing.all(edges.nodes.idBytes(node)).length;
  }

  incomingCount(edges: EdgeSet, node: number): number {
    return this.selectIncoming.all(edges.nodes.idBytes(node)).length;
  }

  close(): void {
    this.db.close();
  }
}
