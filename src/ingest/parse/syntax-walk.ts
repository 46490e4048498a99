// A depth-first walk over the nodes of a syntax tree that a plug-in cares about. The tree is not
// stepped through node by node from JavaScript: one tree-sitter query (its engine runs inside the
// grammar's WebAssembly) lists the nodes of interesting types in document order, and the nesting
// is rebuilt from their ranges with an explicit stack. No recursion, so deeply nested code
// (generated parsers, minified bundles) cannot overflow the stack, and a bundle's hundreds of
// thousands of uninteresting nodes never cross into JavaScript.
//
// Visitors see ancestors through the WalkContext: only ancestors of the types they asked for
// (entered or context types) are on the stack, never `node.parent`, which tree-sitter computes by
// descending from the root (slow in wide trees).
import { Query, type Language, type Node } from 'web-tree-sitter';

/** Returned by `enter` to step over a node's children (strings, comments, ambient blocks). */
export const skipChildren = Symbol('skipChildren');

export interface WalkContext {
  /** How many kept ancestors the node being entered has (the root is 0). */
  readonly depth: number;
  /** The type of the kept ancestor `levels` above the node being entered (0 is the node itself). */
  typeAbove(levels: number): string | undefined;
  /** The kept ancestor `levels` above the node being entered, or null. */
  nodeAbove(levels: number): Node | null;
}

export interface SyntaxVisitor<Frame> {
  /**
   * Called for each node of an interesting type, parents before children. A returned frame is
   * handed back to `leave` once the walk has passed the node's subtree. `context` is valid during
   * the call only.
   */
  enter(node: Node, context: WalkContext): Frame | typeof skipChildren | undefined;
  leave(frame: Frame): void;
}

interface OpenNode {
  readonly node: Node;
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  frame: unknown;
  hasFrame: boolean;
}

class StackContext implements WalkContext {
  readonly stack: OpenNode[] = [];

  get depth(): number {
    return this.stack.length - 1;
  }

  typeAbove(levels: number): string | undefined {
    return this.stack[this.stack.length - 1 - levels]?.type;
  }

  nodeAbove(levels: number): Node | null {
    return this.stack[this.stack.length - 1 - levels]?.node ?? null;
  }
}

/** What a walk captures: node types to enter, node types only kept as ancestors, and patterns. */
export interface WalkSpec {
  /** Every node of these types is entered. */
  readonly types: ReadonlySet<string>;
  /** Nodes of these types are kept on the ancestor stack (for `typeAbove`), not entered. */
  readonly context?: ReadonlySet<string>;
  /**
   * Query patterns whose matches are entered too, so a visitor sees only the nodes of a common
   * type that matter (`x instanceof C && …` among all binary expressions). Each pattern captures
   * its node as `@<node type>`.
   */
  readonly patterns?: readonly string[];
}

interface CompiledWalk {
  readonly query: Query;
  /** Capture names (node types) that are entered; the others are context. */
  readonly entered: ReadonlySet<string>;
}

const compiled = new WeakMap<Language, WeakMap<WalkSpec, CompiledWalk>>();

const captureName = /@([A-Za-z_][A-Za-z0-9_.]*)/g;
const namedNodeType = /\(\s*([a-z_][a-z0-9_]*)/g;
const fieldName = /([a-z_][a-z0-9_]*)\s*:/g;
const anonymousNodeType = /"((?:[^"\\]|\\.)*)"/g;

/** Whether every node type and field `pattern` names exists in `language` (captures aside). */
function namesExist(language: Language, pattern: string): boolean {
  const withoutStrings = pattern.replace(anonymousNodeType, '""');
  for (const match of withoutStrings.matchAll(namedNodeType)) {
    if (language.idForNodeType(match[1] as string, true) === null) return false;
  }
  for (const match of withoutStrings.matchAll(fieldName)) {
    if (language.fieldIdForName(match[1] as string) === null) return false;
  }
  for (const match of pattern.matchAll(anonymousNodeType)) {
    if (language.idForNodeType(match[1] as string, false) === null) return false;
  }
  return true;
}

function captureNamesOf(pattern: string): string[] {
  return [...pattern.replace(anonymousNodeType, '""').matchAll(captureName)].map(
    (match) => match[1] as string,
  );
}

function compiles(language: Language, pattern: string): boolean {
  try {
    new Query(language, pattern).delete();
    return true;
  } catch {
    return false;
  }
}

/**
 * One query per grammar and walk spec. Captures are named after node types, so the walk learns a
 * node's type without asking the tree. Types the grammar does not have are left out.
 */
function compile(language: Language, spec: WalkSpec): CompiledWalk {
  let perLanguage = compiled.get(language);
  if (perLanguage === undefined) compiled.set(language, (perLanguage = new WeakMap()));
  let walk = perLanguage.get(spec);
  if (walk !== undefined) return walk;
  const known = (types: Iterable<string>): string[] =>
    [...types].filter((type) => language.idForNodeType(type, true) !== null).sort();
  const entered = known(spec.types);
  const kept = known(spec.context ?? []).filter((type) => !spec.types.has(type));
  const patterns = [...entered, ...kept].map((type) => `(${type}) @${type}`);
  // A pattern naming a node type or field this grammar lacks (TypeScript's in JavaScript) is left
  // out. Compiling a query takes milliseconds per pattern (about 100 ms for TypeScript's, in every
  // thread that parses), so the patterns are checked against the grammar's names first and
  // compiled each alone only if the combined query still fails.
  const candidates = (spec.patterns ?? []).filter((pattern) => namesExist(language, pattern));
  let query: Query;
  let extra = candidates;
  try {
    query = new Query(language, [...patterns, ...candidates].join('\n'));
  } catch {
    extra = candidates.filter((pattern) => compiles(language, pattern));
    query = new Query(language, [...patterns, ...extra].join('\n'));
  }
  const patternTypes = extra.flatMap(captureNamesOf);
  walk = {
    query,
    entered: new Set([...entered, ...patternTypes]),
  };
  perLanguage.set(spec, walk);
  return walk;
}

/**
 * Walks `root`, entering the nodes the spec selects, parents before children, and telling the
 * visitor when each entered node's subtree is done.
 */
export function walkSyntax<Frame>(root: Node, spec: WalkSpec, visitor: SyntaxVisitor<Frame>): void {
  const { query, entered } = compile(root.tree.language, spec);
  const context = new StackContext();
  const stack = context.stack;
  stack.push({
    node: root,
    type: root.type,
    startIndex: root.startIndex,
    endIndex: root.endIndex,
    frame: undefined,
    hasFrame: false,
  });
  let skipping: OpenNode | undefined;
  const close = (open: OpenNode): void => {
    if (open === skipping) skipping = undefined;
    if (open.hasFrame) visitor.leave(open.frame as Frame);
  };
  for (const capture of query.captures(root)) {
    const node = capture.node;
    const startIndex = node.startIndex;
    const endIndex = node.endIndex;
    // Pop what this capture is not inside of. Ancestors come first, so what remains contains it.
    for (;;) {
      const top = stack[stack.length - 1] as OpenNode;
      if (stack.length === 1 || (startIndex >= top.startIndex && endIndex <= top.endIndex)) break;
      close(stack.pop() as OpenNode);
    }
    const top = stack[stack.length - 1] as OpenNode;
    // The same node matched by a type and by a pattern arrives twice.
    if (skipping !== undefined || node.id === top.node.id) continue;
    const type = capture.name;
    const open: OpenNode = { node, type, startIndex, endIndex, frame: undefined, hasFrame: false };
    stack.push(open);
    if (!entered.has(type)) continue;
    const result = visitor.enter(node, context);
    if (result === skipChildren) skipping = open;
    else if (result !== undefined) {
      open.frame = result;
      open.hasFrame = true;
    }
  }
  while (stack.length > 1) close(stack.pop() as OpenNode);
}

/** What extractors return from `enter`: the work to do once the node's subtree is done. */
export type Leave = () => void;

/**
 * `walkSyntax` for a visitor whose frames are `Leave` functions; `enter` also gets the node's
 * type as the walk knows it (its capture's name), without asking the tree.
 */
export function walkLeaving(
  root: Node,
  spec: WalkSpec,
  enter: (node: Node, type: string, context: WalkContext) => Leave | typeof skipChildren | undefined,
): void {
  walkSyntax<Leave>(root, spec, {
    enter: (node, context) => enter(node, context.typeAbove(0) ?? node.type, context),
    leave: (leave) => leave(),
  });
}

/** Counts ERROR and MISSING nodes: the parts of a file the parser had to skip or invent. */
export function countSyntaxErrors(root: Node): number {
  if (!root.hasError) return 0;
  let errors = 0;
  const cursor = root.walk();
  let depth = 0;
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) errors++;
      // Only subtrees that contain an error are worth entering.
      if (node.hasError && !node.isError && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (depth === 0 || !cursor.gotoParent()) return errors;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
