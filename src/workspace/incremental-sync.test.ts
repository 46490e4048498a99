// Incremental sync re-resolves only the files whose edges can change: the edited files, and the
// files that mention a name whose meaning the edit changed (src/ingest/resolve/affected.ts).
// Whatever it skips, the database after every sync must equal a fresh link of the same tree:
// blocks with their text, edges, the name index and the stored facts. Each case below is an edit
// that changes what another file resolves to without that file importing the edited one, or
// through a name the other file does not spell out, so a sync that re-resolved too little fails.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../database.js';
import { makeTempDir } from '../testing/temp-dir.js';
import { linkWorkspace, requireWorkspace, syncWorkspace, type SyncReport } from './index.js';

const options = { workers: 0 };
type TestContext = { after(fn: () => void): void };
type Tree = Record<string, string | null>;

function writeTree(root: string, tree: Tree): void {
  for (const [path, text] of Object.entries(tree)) {
    const file = join(root, path);
    if (text === null) {
      rmSync(file, { force: true });
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/**
 * Everything a database holds about its workspaces, as comparable text: every block (entities,
 * stored facts, name-index vocabulary) and every edge, except the records that hold times, sizes
 * and hashes (file table, stat table, workspace record).
 */
function everything(db: Database): { blocks: string[]; edges: string[] } {
  const records = new Set(['files', 'stats', 'workspace']);
  const blocks: string[] = [];
  for (const block of db.scanBlocks()) {
    if (records.has(String(block.metadata['internal']))) continue;
    blocks.push(JSON.stringify([block.id, block.sourceUri, block.metadata, block.content]));
  }
  const edges = [...db.scanEdges()].map((edge) =>
    JSON.stringify([edge.source, edge.type, edge.target, edge.properties ?? {}]),
  );
  return { blocks: blocks.sort(), edges: edges.sort() };
}

/** Fails with only the lines that differ, which a deepEqual of thousands of lines would bury. */
function assertSame(
  actual: ReturnType<typeof everything>,
  expected: ReturnType<typeof everything>,
  what: string,
): void {
  const differences: string[] = [];
  for (const part of ['blocks', 'edges'] as const) {
    const have = new Set(actual[part]);
    const want = new Set(expected[part]);
    for (const line of actual[part]) if (!want.has(line)) differences.push(`+ ${part} ${line}`);
    for (const line of expected[part]) if (!have.has(line)) differences.push(`- ${part} ${line}`);
  }
  assert.deepEqual(differences, [], `${what}: the sync differs from a fresh link`);
}

async function freshlyLinked(t: TestContext, root: string): Promise<ReturnType<typeof everything>> {
  const db = Database.open(makeTempDir(t));
  await linkWorkspace(db, root, 'w', options);
  const result = everything(db);
  db.close();
  return result;
}

/** Calls edges as `caller -> callee` by qualified name, for readable assertions. */
function calls(db: Database): string[] {
  const names = new Map<string, string>();
  for (const block of db.scanBlocks()) {
    if (block.metadata['workspace'] === 'w') names.set(block.id, String(block.metadata['qualifiedName']));
  }
  const found: string[] = [];
  for (const edge of db.scanEdges()) {
    if (edge.type !== 'calls') continue;
    const source = names.get(edge.source);
    const target = names.get(edge.target);
    if (source !== undefined && target !== undefined) found.push(`${source} -> ${target}`);
  }
  return found.sort();
}

interface Edit {
  readonly what: string;
  readonly tree: Tree;
  /** The files the sync must have re-resolved, when the case pins it. */
  readonly resolved?: number;
  /** A call that must exist after the edit (proves the case exercises what it claims). */
  readonly calls?: string;
  /** A call that must be gone after the edit. */
  readonly notCalls?: string;
}

/** Links `initial`, then applies each edit, syncs, and compares with a fresh link every time. */
async function checkEdits(t: TestContext, initial: Tree, edits: readonly Edit[]): Promise<SyncReport[]> {
  const root = makeTempDir(t);
  writeTree(root, initial);
  const db = Database.open(makeTempDir(t));
  await linkWorkspace(db, root, 'w', options);
  assertSame(everything(db), await freshlyLinked(t, root), 'the link itself');
  const reports: SyncReport[] = [];
  for (const edit of edits) {
    writeTree(root, edit.tree);
    const report = await syncWorkspace(db, requireWorkspace(db, 'w'), options);
    reports.push(report);
    assertSame(everything(db), await freshlyLinked(t, root), edit.what);
    const graph = calls(db);
    if (edit.calls !== undefined) assert.ok(graph.includes(edit.calls), `${edit.what}: ${graph.join('\n')}`);
    if (edit.notCalls !== undefined)
      assert.ok(!graph.includes(edit.notCalls), `${edit.what}: ${graph.join('\n')}`);
    if (edit.resolved !== undefined) assert.equal(report.files.resolved, edit.resolved, edit.what);
  }
  db.close();
  return reports;
}

const pythonProject: Tree = {
  'pkg/__init__.py': '',
  'pkg/base.py':
    'class Base:\n    def run(self):\n        return self.step()\n\n    def step(self):\n        return 0\n',
  'pkg/impl.py': 'from pkg.base import Base\n\n\nclass Impl(Base):\n    def step(self):\n        return 1\n',
  'pkg/use.py':
    'from pkg.impl import Impl\n\n\ndef go():\n    thing = Impl()\n    thing.run()\n    return thing.extra()\n',
  'pkg/helpers.py': 'def helper():\n    return 1\n\n\ndef other():\n    return 2\n',
  'pkg/alias.py': 'from pkg.helpers import helper as h\n\nshortcut = h\n',
  'pkg/user.py': 'from pkg.alias import shortcut\n\n\ndef use():\n    return shortcut()\n',
  'pkg/guess.py': 'def poke(thing):\n    return thing.unusual_name()\n',
  'pkg/later.py': 'from pkg import extra\n\n\ndef z():\n    return extra.made_later()\n',
  'pkg/only_imports.py': 'import pkg.extra\n',
  'pkg/sub.py':
    'from pkg.base import Base\n\n\nclass Sub(Base):\n    def go(self):\n        return self.helper_method() + self.tool.work()\n',
};

/** pkg/base.py with a constructor that sets the field `tool` to `value`. */
function baseWithTool(value: string): string {
  return `from pkg.helpers import Tool\n\n\nclass Base:\n    def __init__(self):\n        self.ready = True\n        self.tool = ${value}\n\n    def run(self):\n        return self.step()\n\n    def step(self):\n        return 0\n\n    def helper_method(self):\n        return 1\n`;
}

describe('incremental sync', () => {
  it('re-resolves only the edited file after a body-only edit', async (t) => {
    const reports = await checkEdits(t, pythonProject, [
      {
        what: 'a body edit',
        tree: { 'pkg/base.py': pythonProject['pkg/base.py']?.replace('return 0', 'return 41 + 1') ?? '' },
        resolved: 1,
      },
      {
        what: 'a function appended that nothing mentions',
        tree: {
          'pkg/helpers.py': `${pythonProject['pkg/helpers.py']}\n\ndef brand_new():\n    return len([])\n`,
        },
        resolved: 1,
      },
      {
        what: 'a comment and blank lines above everything (all lines move)',
        tree: { 'pkg/base.py': `# moved\n\n\n${pythonProject['pkg/base.py']}` },
        resolved: 1,
      },
    ]);
    assert.equal(reports.length, 3);
  });

  it('follows Python edits to methods, bases, constructors, aliases and name-only guesses', async (t) => {
    await checkEdits(t, pythonProject, [
      {
        what: 'a method added that a dependent calls through an instance',
        tree: {
          'pkg/impl.py': `${pythonProject['pkg/impl.py']}\n    def extra(self):\n        return 2\n`,
        },
        calls: 'pkg.use.go -> pkg.impl.Impl.extra',
      },
      {
        what: 'an override added in a file the base class does not import (self.step() dispatch)',
        tree: {
          'pkg/more.py':
            'from pkg.base import Base\n\n\nclass More(Base):\n    def step(self):\n        return 3\n',
        },
        calls: 'pkg.base.Base.run -> pkg.more.More.step',
      },
      {
        what: 'a constructor added to a base class (Impl() now runs it)',
        tree: {
          'pkg/base.py':
            'class Base:\n    def __init__(self):\n        self.ready = True\n\n    def run(self):\n        return self.step()\n\n    def step(self):\n        return 0\n',
        },
        calls: 'pkg.use.go -> pkg.base.Base.__init__',
      },
      {
        what: 'a method added to a base class, called through self in a subclass elsewhere',
        tree: {
          'pkg/base.py':
            'class Base:\n    def __init__(self):\n        self.ready = True\n\n    def run(self):\n        return self.step()\n\n    def step(self):\n        return 0\n\n    def helper_method(self):\n        return 1\n',
        },
        calls: 'pkg.sub.Sub.go -> pkg.base.Base.helper_method',
      },
      {
        what: 'a class that a name-only guess through an untyped field finds',
        tree: {
          'pkg/base.py': baseWithTool('None'),
          'pkg/helpers.py': `${pythonProject['pkg/helpers.py']}\n\nclass Tool:\n    def work(self):\n        return 0\n`,
        },
        calls: 'pkg.sub.Sub.go -> pkg.helpers.Tool.work',
      },
      {
        what: 'a field of a base class typed, used through self in a subclass elsewhere',
        tree: { 'pkg/base.py': baseWithTool('Tool()') },
        calls: 'pkg.sub.Sub.go -> pkg.helpers.Tool.work',
      },
      {
        what: 'a method that a name-only guess elsewhere finds',
        tree: {
          'pkg/helpers.py': `${pythonProject['pkg/helpers.py']}\n\nclass Tool:\n    def work(self):\n        return 0\n\n\nclass Odd:\n    def unusual_name(self):\n        return 0\n`,
        },
        calls: 'pkg.guess.poke -> pkg.helpers.Odd.unusual_name',
      },
      {
        what: 'a function renamed, reached from a file that does not import it (through an alias)',
        tree: {
          'pkg/helpers.py':
            'def helper2():\n    return 1\n\n\ndef other():\n    return 2\n\n\nclass Tool:\n    def work(self):\n        return 0\n',
        },
        notCalls: 'pkg.user.use -> pkg.helpers.helper',
      },
      {
        what: 'the alias retargeted',
        tree: { 'pkg/alias.py': 'from pkg.helpers import other as h\n\nshortcut = h\n' },
        calls: 'pkg.user.use -> pkg.helpers.other',
      },
      {
        what: 'a new base class',
        tree: {
          'pkg/impl.py':
            'from pkg.base import Base\n\n\nclass Other:\n    def run(self):\n        return 5\n\n\nclass Impl(Other):\n    def step(self):\n        return 1\n\n    def extra(self):\n        return 2\n',
        },
        calls: 'pkg.use.go -> pkg.impl.Other.run',
      },
      {
        what: 'a glob import',
        tree: { 'pkg/alias.py': 'from pkg.helpers import *\n\nshortcut = other\n' },
        calls: 'pkg.user.use -> pkg.helpers.other',
      },
      {
        what: 'a module deleted, then one added under a name a dependent imports',
        tree: { 'pkg/more.py': null, 'pkg/extra.py': 'def made_later():\n    return 0\n' },
        calls: 'pkg.later.z -> pkg.extra.made_later',
      },
    ]);
  });

  it('follows TypeScript edits to this-calls, exports, defaults and bases', async (t) => {
    const project: Tree = {
      'src/a.ts':
        'export class A {\n  run(): number {\n    return this.step();\n  }\n  step(): number {\n    return 0;\n  }\n}\n',
      'src/b.ts': "import { A } from './a.js';\nexport class B extends A {}\n",
      'src/lib.ts':
        'function one(): number {\n  return 1;\n}\nfunction two(): number {\n  return 2;\n}\nexport { one as value };\nexport default one;\n',
      'src/index.ts': "export * from './lib.js';\n",
      'src/main.ts':
        "import { value } from './index.js';\nimport first from './lib.js';\nimport { B } from './b.js';\nexport function main(): number {\n  return value() + first() + new B().run();\n}\n",
    };
    await checkEdits(t, project, [
      {
        what: 'a body edit',
        tree: { 'src/a.ts': project['src/a.ts']?.replace('return 0', 'return 7') ?? '' },
        resolved: 1,
      },
      {
        what: 'an override that this.step() in a file it is not imported by now reaches',
        tree: {
          'src/b.ts':
            "import { A } from './a.js';\nexport class B extends A {\n  step(): number {\n    return 1;\n  }\n}\n",
        },
        calls: 'A.run -> B.step',
      },
      {
        what: 'a changed export, re-exported through export *',
        tree: {
          'src/lib.ts':
            project['src/lib.ts']?.replace('export { one as value }', 'export { two as value }') ?? '',
        },
        calls: 'main -> two',
      },
      {
        what: 'a changed default export',
        tree: {
          'src/lib.ts':
            'function one(): number {\n  return 1;\n}\nfunction two(): number {\n  return 2;\n}\nexport { two as value };\nexport default two;\n',
        },
        notCalls: 'main -> one',
      },
      {
        what: 'a new base class',
        tree: {
          'src/c.ts': 'export class C {\n  run(): number {\n    return 9;\n  }\n}\n',
          'src/b.ts':
            "import { C } from './c.js';\nexport class B extends C {\n  step(): number {\n    return 1;\n  }\n}\n",
        },
        calls: 'main -> C.run',
      },
    ]);
  });

  it('follows project configuration edits that change no source file', async (t) => {
    const tsconfig = (target: string): string =>
      JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': [`${target}/*`] } } });
    const project: Tree = {
      'tsconfig.json': tsconfig('src/lib'),
      'src/lib/math.ts': 'export function add(): number {\n  return 1;\n}\n',
      'src/next/math.ts':
        'export function add(): number {\n  return twice();\n}\nfunction twice(): number {\n  return 2;\n}\n',
      'src/app.ts':
        "import { add } from '@lib/math';\nexport function main(): number {\n  return add();\n}\n",
      'go.mod': 'module example.com/first\n',
      'util/util.go': 'package util\n\nfunc Helper() int {\n\treturn 1\n}\n',
      'cmd/main.go':
        'package main\n\nimport "example.com/second/util"\n\nfunc main() {\n\tutil.Helper()\n}\n',
    };
    const reports = await checkEdits(t, project, [
      { what: 'a tsconfig path alias pointed elsewhere', tree: { 'tsconfig.json': tsconfig('src/next') } },
      {
        what: 'a go.mod module path renamed',
        tree: { 'go.mod': 'module example.com/second\n' },
        calls: 'main.main -> util.Helper',
      },
      { what: 'nothing changed', tree: {}, resolved: 0 },
    ]);
    assert.equal(reports[0]?.files.resolved, 5, 'every source file is re-resolved');
    assert.equal(reports[0]?.files.changed, 0, 'and none is parsed again');
  });

  it('follows Go method sets and Rust impl blocks declared in other files', async (t) => {
    await checkEdits(
      t,
      {
        'go.mod': 'module example.com/shop\n\ngo 1.21\n',
        'shop/getter.go': 'package shop\n\ntype Getter interface {\n\tGet(key string) int\n}\n',
        'shop/fetch.go': 'package shop\n\nfunc Fetch(g Getter) int {\n\treturn g.Get("key")\n}\n',
        'shop/store.go':
          'package shop\n\ntype Store struct{}\n\nfunc (s *Store) Get(key string) int {\n\treturn 1\n}\n',
        'crate/Cargo.toml': '[package]\nname = "crate"\nversion = "0.1.0"\n',
        'crate/src/lib.rs':
          'pub mod store;\npub mod getter;\npub mod glue;\n\nuse crate::store::Store;\n\npub fn run(store: &Store) -> u32 {\n    store.get()\n}\n',
        'crate/src/getter.rs': 'pub trait Getter {\n    fn get(&self) -> u32 {\n        0\n    }\n}\n',
        'crate/src/store.rs': 'pub struct Store;\n',
        'crate/src/glue.rs': 'use crate::getter::Getter;\nuse crate::store::Store;\n\npub fn nothing() {}\n',
      },
      [
        {
          what: 'a Go interface that gains a method no type has',
          tree: {
            'shop/getter.go':
              'package shop\n\ntype Getter interface {\n\tGet(key string) int\n\tSize() int\n}\n',
          },
          notCalls: 'shop.Fetch -> shop.Store.Get',
        },
        {
          what: 'a Go method that completes the method set, in another file of the package',
          tree: { 'shop/size.go': 'package shop\n\nfunc (s *Store) Size() int {\n\treturn 0\n}\n' },
          calls: 'shop.Fetch -> shop.Store.Get',
        },
        {
          what: 'a Rust impl of a trait for a type, both declared in other files',
          tree: {
            'crate/src/glue.rs':
              'use crate::getter::Getter;\nuse crate::store::Store;\n\nimpl Getter for Store {}\n\npub fn nothing() {}\n',
          },
          calls: 'run -> getter.Getter.get',
        },
      ],
    );
  });
});

/** A small deterministic random source (mulberry32). */
function random(seed: number): {
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
} {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (below) => Math.floor(next() * below),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
}

type Random = ReturnType<typeof random>;
const classNames = ['A', 'B', 'C'];
const functionNames = ['f', 'g', 'h'];
const methodNames = ['run', 'step', 'go'];

/** A Python module as data, so that an edit can change one thing in it. */
interface PythonModule {
  imports: { module: string; kind: 'named' | 'namespace' | 'glob'; name: string; local: string }[];
  classes: {
    name: string;
    base: string;
    field: { name: string; value: string } | null;
    methods: { name: string; calls: string[]; value: number }[];
  }[];
  functions: { name: string; calls: string[]; value: number }[];
  aliases: { name: string; value: string }[];
}

/** Classes are capitalised, functions not: a name says what it is wherever it is imported. */
const pythonNames = {
  classes: ['A', 'B', 'C', 'D', 'E', 'F'],
  functions: ['f', 'g', 'h', 'k', 'm', 'n'],
  methods: ['run', 'step', 'go', 'stop', 'open', 'close'],
  fields: ['x', 'y'],
};

/** Top-level names a module declares, by module name. */
type Declared = (module: string) => readonly string[];

function declaredPythonNames(module: PythonModule | undefined): string[] {
  if (module === undefined) return [];
  return [
    ...module.classes.map((entry) => entry.name),
    ...module.functions.map((entry) => entry.name),
    ...module.aliases.map((entry) => entry.name),
  ];
}

const isClassName = (name: string): boolean => /^[A-Z]/.test(name.slice(name.lastIndexOf('.') + 1));

/** What a module can name: its declarations, named imports, and `ns.name` through namespaces. */
function pythonScope(module: PythonModule, declared: Declared): { classes: string[]; functions: string[] } {
  const names = [
    ...declaredPythonNames(module),
    ...module.imports.filter((entry) => entry.kind === 'named').map((entry) => entry.local),
    ...module.imports
      .filter((entry) => entry.kind === 'namespace')
      .flatMap((entry) => declared(entry.module).map((name) => `${entry.local}.${name}`)),
  ];
  return { classes: names.filter(isClassName), functions: names.filter((name) => !isClassName(name)) };
}

function pythonCall(rng: Random, module: PythonModule, declared: Declared, inMethod: boolean): string {
  const scope = pythonScope(module, declared);
  const method = rng.pick(pythonNames.methods);
  const someClass = scope.classes.length > 0 ? rng.pick(scope.classes) : rng.pick(pythonNames.classes);
  const someFunction =
    scope.functions.length > 0 ? rng.pick(scope.functions) : rng.pick(pythonNames.functions);
  switch (rng.int(inMethod ? 7 : 4)) {
    case 0:
      return `${someFunction}()`;
    case 1:
      return `thing.${method}()`;
    case 2:
      return `${someClass}().${method}()`;
    case 3:
      return `${someClass}()`;
    case 4:
      return `self.${method}()`;
    case 5:
      return `self.${rng.pick(pythonNames.fields)}.${method}()`;
    default:
      return `super().${method}()`;
  }
}

/** Declarations only; `connectPythonModule` adds imports and calls once every module has them. */
function randomPythonDeclarations(rng: Random): PythonModule {
  const module: PythonModule = { imports: [], classes: [], functions: [], aliases: [] };
  for (let count = 1 + rng.int(2); count > 0; count--) {
    module.classes.push({
      name: rng.pick(pythonNames.classes),
      base: '',
      field: null,
      methods: [{ name: rng.pick(pythonNames.methods), calls: [], value: rng.int(100) }],
    });
  }
  for (let count = rng.int(3); count > 0; count--) {
    module.functions.push({ name: rng.pick(pythonNames.functions), calls: [], value: rng.int(100) });
  }
  return module;
}

function connectPythonModule(
  rng: Random,
  module: PythonModule,
  modules: readonly string[],
  self: string,
  declared: Declared,
): void {
  for (const other of modules) {
    if (other !== self && rng.chance(0.6)) addPythonImport(rng, module, other, declared);
  }
  // Mostly subclasses of classes from elsewhere: overrides, inherited members and fields, dispatch.
  for (const entry of module.classes) {
    const bases = pythonScope(module, declared).classes.filter((name) => name !== entry.name);
    if (bases.length > 0 && rng.chance(0.8)) entry.base = rng.pick(bases);
    if (rng.chance(0.5)) entry.field = pythonField(rng, module, declared);
    for (const method of entry.methods) method.calls.push(...pythonCalls(rng, module, declared, true));
  }
  for (const entry of module.functions) entry.calls.push(...pythonCalls(rng, module, declared, false));
  if (rng.chance(0.3)) addPythonAlias(rng, module, declared);
}

function pythonCalls(rng: Random, module: PythonModule, declared: Declared, inMethod: boolean): string[] {
  const calls: string[] = [];
  for (let count = 1 + rng.int(3); count > 0; count--)
    calls.push(pythonCall(rng, module, declared, inMethod));
  return calls;
}

function pythonField(rng: Random, module: PythonModule, declared: Declared): { name: string; value: string } {
  const classes = pythonScope(module, declared).classes;
  return {
    name: rng.pick(pythonNames.fields),
    value: classes.length > 0 ? rng.pick(classes) : rng.pick(pythonNames.classes),
  };
}

function addPythonImport(rng: Random, module: PythonModule, other: string, declared: Declared): void {
  const choice = rng.int(8);
  const names = declared(other);
  if (choice === 0) module.imports.push({ module: other, kind: 'namespace', name: '', local: other });
  else if (choice === 1) module.imports.push({ module: other, kind: 'glob', name: '', local: '' });
  else if (names.length > 0) {
    const name = rng.pick(names);
    module.imports.push({
      module: other,
      kind: 'named',
      name,
      local: rng.chance(0.2) ? `${name}_alias` : name,
    });
  }
}

function addPythonAlias(rng: Random, module: PythonModule, declared: Declared): void {
  const functions = pythonScope(module, declared).functions.filter((name) => !name.includes('.'));
  if (functions.length === 0) return;
  module.aliases.push({ name: `${rng.pick(pythonNames.functions)}_ref`, value: rng.pick(functions) });
}

/** One small edit of a module: the kind of change a developer makes between two syncs. */
function editPythonModule(
  rng: Random,
  module: PythonModule,
  modules: readonly string[],
  self: string,
  declared: Declared,
): string {
  const callables = [...module.classes.flatMap((entry) => entry.methods), ...module.functions];
  const someClass = module.classes.length > 0 ? rng.pick(module.classes) : undefined;
  switch (rng.int(13)) {
    case 0:
    case 1:
      for (const callable of callables) callable.value = rng.int(100);
      return 'bodies';
    case 2:
      someClass?.methods.push({
        name: rng.pick(pythonNames.methods),
        calls: pythonCalls(rng, module, declared, true),
        value: rng.int(100),
      });
      return 'a method added';
    case 3:
      if (someClass !== undefined && someClass.methods.length > 1)
        someClass.methods.splice(rng.int(someClass.methods.length), 1);
      return 'a method removed';
    case 4: {
      if (someClass === undefined) return 'nothing';
      const bases = pythonScope(module, declared).classes.filter((name) => name !== someClass.name);
      someClass.base = rng.chance(0.2) || bases.length === 0 ? '' : rng.pick(bases);
      return 'a base changed';
    }
    case 5:
      if (someClass !== undefined)
        someClass.field = rng.chance(0.2) ? null : pythonField(rng, module, declared);
      return 'a field changed';
    case 6: {
      const renamed = rng.pick([...module.functions, ...module.classes]);
      if (renamed !== undefined)
        renamed.name = rng.pick(isClassName(renamed.name) ? pythonNames.classes : pythonNames.functions);
      return 'a rename';
    }
    case 7:
      module.functions.push({
        name: rng.pick(pythonNames.functions),
        calls: pythonCalls(rng, module, declared, false),
        value: 1,
      });
      return 'a function added';
    case 8:
      if (module.functions.length > 0) module.functions.splice(rng.int(module.functions.length), 1);
      else if (module.classes.length > 1) module.classes.splice(rng.int(module.classes.length), 1);
      return 'a declaration removed';
    case 9: {
      const other = rng.pick(modules.filter((name) => name !== self));
      if (other !== undefined) addPythonImport(rng, module, other, declared);
      return 'an import added';
    }
    case 10:
      if (module.imports.length > 0) module.imports.splice(rng.int(module.imports.length), 1);
      return 'an import removed';
    case 11:
      if (someClass !== undefined) {
        const method = rng.pick(someClass.methods);
        if (method !== undefined) method.calls = pythonCalls(rng, module, declared, true);
      }
      return 'calls changed';
    default:
      if (module.aliases.length > 0 && rng.chance(0.5)) module.aliases.splice(0, 1);
      else addPythonAlias(rng, module, declared);
      return 'an alias';
  }
}

function renderPython(module: PythonModule): string {
  const lines: string[] = [];
  for (const entry of module.imports) {
    if (entry.kind === 'namespace') lines.push(`import p.${entry.module} as ${entry.local}`);
    else if (entry.kind === 'glob') lines.push(`from p.${entry.module} import *`);
    else
      lines.push(
        `from p.${entry.module} import ${entry.name}${entry.local === entry.name ? '' : ` as ${entry.local}`}`,
      );
  }
  const body = (calls: readonly string[], value: number, indent: string): string[] => [
    ...calls.map((call) => `${indent}${call}`),
    `${indent}return ${value}`,
  ];
  for (const entry of module.classes) {
    lines.push('', '', `class ${entry.name}${entry.base === '' ? '' : `(${entry.base})`}:`);
    if (entry.field !== null) {
      lines.push(
        '    def __init__(self, thing=None):',
        `        self.${entry.field.name} = ${entry.field.value}()`,
      );
    }
    for (const method of entry.methods) {
      lines.push(
        `    def ${method.name}(self, thing=None):`,
        ...body(method.calls, method.value, '        '),
      );
    }
  }
  for (const entry of module.functions) {
    lines.push('', '', `def ${entry.name}(thing=None):`, ...body(entry.calls, entry.value, '    '));
  }
  for (const entry of module.aliases) lines.push('', `${entry.name} = ${entry.value}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A random Python package, then random small edits (a body, a method, a base, a field, a rename,
 * an import, an alias; a module added or deleted): after every sync the database equals a fresh
 * link.
 */
async function randomPythonEdits(t: TestContext, seed: number, steps: number): Promise<SyncReport[]> {
  const rng = random(seed);
  let names = ['m0', 'm1', 'm2', 'm3', 'm4'];
  const modules = new Map(names.map((name) => [name, randomPythonDeclarations(rng)]));
  const declared: Declared = (name) => declaredPythonNames(modules.get(name));
  for (const name of names)
    connectPythonModule(rng, modules.get(name) as PythonModule, names, name, declared);
  const initial: Tree = { 'p/__init__.py': '' };
  for (const [name, module] of modules) initial[`p/${name}.py`] = renderPython(module);
  const edits: Edit[] = [];
  let next = names.length;
  for (let step = 0; step < steps; step++) {
    const name = rng.pick(names);
    const choice = rng.int(25);
    const what = `seed ${seed}, step ${step}`;
    if (choice === 0 && names.length > 3) {
      names = names.filter((other) => other !== name);
      modules.delete(name);
      edits.push({ what: `${what}: ${name} deleted`, tree: { [`p/${name}.py`]: null } });
    } else if (choice === 1) {
      const added = `m${next++}`;
      names = [...names, added];
      const module = randomPythonDeclarations(rng);
      modules.set(added, module);
      connectPythonModule(rng, module, names, added, declared);
      edits.push({ what: `${what}: ${added} added`, tree: { [`p/${added}.py`]: renderPython(module) } });
    } else {
      const module = modules.get(name) as PythonModule;
      const change = editPythonModule(rng, module, names, name, declared);
      edits.push({ what: `${what}: ${change} in ${name}`, tree: { [`p/${name}.py`]: renderPython(module) } });
    }
  }
  return checkEdits(t, initial, edits);
}

/** A TypeScript module that imports, re-exports, extends and calls into its siblings. */
function typescriptModule(rng: Random, modules: readonly string[], self: string): string {
  const lines: string[] = [];
  const others = modules.filter((name) => name !== self);
  const known: string[] = [];
  for (const other of others) {
    if (!rng.chance(0.5)) continue;
    const choice = rng.int(5);
    if (choice === 0) {
      lines.push(`import * as ${other} from './${other}.js';`);
      known.push(`${other}.${rng.pick([...classNames, ...functionNames])}`);
    } else if (choice === 1) {
      lines.push(`export * from './${other}.js';`);
    } else if (choice === 2) {
      lines.push(`import ${other}Default from './${other}.js';`);
      known.push(`${other}Default`);
    } else {
      const name = rng.pick([...classNames, ...functionNames]);
      const local = rng.chance(0.3) ? `${name}Alias` : name;
      lines.push(`import { ${name}${local === name ? '' : ` as ${local}`} } from './${other}.js';`);
      known.push(local);
    }
  }
  const declared = new Set<string>();
  const callable = (): string => rng.pick([...known, ...declared]);
  const body = (inMethod: boolean): string[] => {
    const statements: string[] = [];
    for (let count = 1 + rng.int(3); count > 0; count--) {
      const choice = rng.int(inMethod ? 4 : 2);
      const target = declared.size + known.length > 0 ? callable() : 'Math.max';
      if (choice === 0) statements.push(`    ${target}();`);
      else if (choice === 1) statements.push(`    new ${target}().${rng.pick(methodNames)}();`);
      else if (choice === 2) statements.push(`    this.${rng.pick(methodNames)}();`);
      else statements.push(`    super.${rng.pick(methodNames)}();`);
    }
    statements.push(`    return ${rng.int(100)};`);
    return statements;
  };
  for (let count = rng.int(3); count > 0; count--) {
    const name = rng.pick(classNames);
    if (declared.has(name)) continue;
    const bases = [...known, ...declared].filter((candidate) => candidate !== name);
    const base = rng.chance(0.6) && bases.length > 0 ? ` extends ${rng.pick(bases)}` : '';
    declared.add(name);
    lines.push('', `export class ${name}${base} {`);
    for (const method of methodNames) {
      if (rng.chance(0.5))
        lines.push(`  ${method}(): number {`, ...body(true).map((line) => `  ${line}`), '  }');
    }
    lines.push('}');
  }
  for (const name of functionNames) {
    if (declared.has(name) || !rng.chance(0.5)) continue;
    declared.add(name);
    lines.push('', `${rng.chance(0.7) ? 'export ' : ''}function ${name}(): number {`, ...body(false), '}');
  }
  const names = [...declared];
  if (names.length > 0 && rng.chance(0.4))
    lines.push('', `export { ${rng.pick(names)} as ${rng.pick(functionNames)}Renamed };`);
  if (names.length > 0 && rng.chance(0.4)) lines.push('', `export default ${rng.pick(names)};`);
  return `${lines.join('\n')}\n`;
}

/**
 * Random projects and random edits (a module rewritten, a body changed, a module added or
 * deleted): after every sync the database equals a fresh link.
 */
async function randomEdits(
  t: TestContext,
  seed: number,
  steps: number,
  path: (module: string) => string,
  generate: (rng: Random, modules: readonly string[], self: string) => string,
  fixed: Tree,
): Promise<void> {
  const rng = random(seed);
  let modules = ['m0', 'm1', 'm2', 'm3'];
  const initial: Tree = { ...fixed };
  for (const module of modules) initial[path(module)] = generate(rng, modules, module);
  const tree: Tree = { ...initial };
  const edits: Edit[] = [];
  let nextModule = modules.length;
  for (let step = 0; step < steps; step++) {
    const module = rng.pick(modules);
    const choice = rng.int(10);
    const edit: Tree = {};
    if (choice < 3) {
      edit[path(module)] = (tree[path(module)] ?? '').replace(
        /return (\d+)/g,
        () => `return ${rng.int(100)}`,
      );
    } else if (choice === 3 && modules.length > 2) {
      modules = modules.filter((name) => name !== module);
      edit[path(module)] = null;
    } else if (choice === 4) {
      const added = `m${nextModule++}`;
      modules = [...modules, added];
      edit[path(added)] = generate(rng, modules, added);
    } else {
      edit[path(module)] = generate(rng, modules, module);
    }
    Object.assign(tree, edit);
    edits.push({ what: `seed ${seed}, step ${step}: ${JSON.stringify(Object.keys(edit))}`, tree: edit });
  }
  await checkEdits(t, initial, edits);
}

describe('incremental sync under random edits', () => {
  it('Python: equals a fresh link after every sync, re-resolving less than everything', async (t) => {
    let resolved = 0;
    let total = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      for (const report of await randomPythonEdits(t, seed, 25)) {
        resolved += report.files.resolved;
        total += report.files.total;
      }
    }
    assert.ok(resolved < total / 2, `re-resolved ${resolved} of ${total} files`);
  });

  it('TypeScript: equals a fresh link after every sync', async (t) => {
    for (const seed of [1, 2, 3, 4]) {
      await randomEdits(t, seed, 12, (module) => `src/${module}.ts`, typescriptModule, {});
    }
  });
});
