// Module-level declarations of TypeScript and JavaScript: functions (with their overloads folded
// into the implementation), and `const`/`let`/`var` declarators, which become functions when
// initialised with a function and constants or variables otherwise (`export const alias = fn`
// keeps its initializer as a ValueRef so calls through the alias reach `fn`).
import type { Node } from 'web-tree-sitter';
import type { EntityKind, TypeName } from '../../facts.js';
import { skipChildren } from '../../parse/syntax-walk.js';
import type { WalkContext } from '../../parse/syntax-walk.js';
import type { EcmaState, Leave } from './state.js';
import { functionExpressionTypes, valueRefOf } from './expressions.js';
import { recordRequire } from './modules.js';
import { typeNameOf } from './type-annotations.js';

/**
 * How many levels above a declaration (itself `level` above the node being entered) its written
 * range starts: `declare` and `export` wrap it.
 */
function rangeLevelOf(walk: WalkContext, level: number): number {
  let range = level;
  if (walk.typeAbove(range + 1) === 'ambient_declaration') range++;
  if (walk.typeAbove(range + 1) === 'export_statement') range++;
  return range;
}

/** The node spanning the declaration as written, with `declare` and `export` when present. */
export function rangeNodeAt(walk: WalkContext, level: number): Node {
  return walk.nodeAbove(rangeLevelOf(walk, level)) as Node;
}

/** Whether the declaration `level` above sits in the file or a namespace body (not a function). */
export function isModuleLevelAt(walk: WalkContext, level: number): boolean {
  const range = rangeLevelOf(walk, level);
  const container = walk.typeAbove(range + 1);
  if (container === 'program') return true;
  const owner = walk.typeAbove(range + 2);
  return container === 'statement_block' && (owner === 'internal_module' || owner === 'module');
}

export function isExportedAt(walk: WalkContext, level: number): boolean {
  return walk.typeAbove(rangeLevelOf(walk, level)) === 'export_statement';
}

export function isDefaultExportAt(walk: WalkContext, level: number): boolean {
  if (!isExportedAt(walk, level)) return false;
  const range = rangeNodeAt(walk, level);
  for (let index = 0; index < range.childCount; index++) {
    if (range.child(index)?.type === 'default') return true;
  }
  return false;
}

const signatureTypes = new Set(['function_signature', 'method_signature']);

/**
 * Whether an overload signature is followed by its implementation, in which case the
 * implementation alone is the entity (the TypeScript checker maps overloads to it too).
 */
export function hasImplementationAfter(range: Node, name: string, implementationType: string): boolean {
  let sibling = range.nextNamedSibling;
  for (let step = 0; sibling !== null && step < 256; step++) {
    let candidate: Node | null = sibling;
    if (candidate.type === 'export_statement') candidate = candidate.childForFieldName('declaration');
    if (candidate === null) return false;
    if (candidate.type !== 'comment') {
      const candidateName = candidate.childForFieldName('name')?.text;
      if (candidateName !== name) return false;
      if (candidate.type === implementationType) return true;
      if (!signatureTypes.has(candidate.type)) return false;
    }
    sibling = sibling.nextNamedSibling;
  }
  return false;
}

/** Whether an earlier signature of the same name (an earlier overload) precedes this one. */
export function hasSignatureBefore(range: Node, name: string): boolean {
  let sibling = range.previousNamedSibling;
  for (let step = 0; sibling !== null && step < 256; step++) {
    let candidate: Node | null = sibling;
    if (candidate.type === 'export_statement') candidate = candidate.childForFieldName('declaration');
    if (candidate === null) return false;
    if (candidate.type !== 'comment') {
      if (!signatureTypes.has(candidate.type) && candidate.type !== 'abstract_method_signature') return false;
      if (candidate.childForFieldName('name')?.text !== name) return false;
      return true;
    }
    sibling = sibling.previousNamedSibling;
  }
  return false;
}

export function enterFunctionDeclaration(state: EcmaState, node: Node): Leave | typeof skipChildren {
  const name = node.childForFieldName('name')?.text ?? 'default';
  const isSignature = node.type === 'function_signature';
  const modelled = state.functionDepth === 0 && isModuleLevelAt(state.walk, 0);
  if (isSignature) {
    // An overload or an ambient declaration: only the latter is an entity (it has no body).
    const range = rangeNodeAt(state.walk, 0);
    const folded =
      hasImplementationAfter(range, name, 'function_declaration') || hasSignatureBefore(range, name);
    if (modelled && !folded) {
      const parameters = state.openFunctionScope(node);
      addFunction(state, node, name, parameters.facts, true);
      state.closeFunctionScope();
    }
    return skipChildren;
  }
  const parameters = state.openFunctionScope(node);
  if (!modelled) {
    state.bindParameters(parameters, null);
    return () => state.closeFunctionScope();
  }
  const previousCaller = state.caller;
  state.caller = addFunction(state, node, name, parameters.facts, false);
  state.bindParameters(parameters, null);
  if (isDefaultExportAt(state.walk, 0))
    state.builder.addExport({ exported: 'default', value: { kind: 'name', name } });
  return () => {
    state.closeFunctionScope();
    state.caller = previousCaller;
  };
}

function addFunction(
  state: EcmaState,
  node: Node,
  name: string,
  parameters: ReturnType<EcmaState['openFunctionScope']>['facts'],
  isAbstract: boolean,
): number {
  const returns = typeNameOf(node.childForFieldName('return_type'), state.scopes.lookupTypeParameter);
  return state.builder.addEntity({
    kind: 'function',
    name,
    qualifiedName: state.prefix + name,
    parent: 0,
    exported: isExportedAt(state.walk, 0),
    node: rangeNodeAt(state.walk, 0),
    parameters,
    ...(returns === null ? {} : { returns }),
    ...(isAbstract ? { isAbstract } : {}),
  });
}

/**
 * A module-level `const x = …`: a function entity when initialised with a function expression,
 * otherwise a constant or variable whose initializer is kept as a ValueRef. Calls inside the
 * initializer are attributed to the new entity.
 */
export function enterTopLevelDeclarator(state: EcmaState, declarator: Node): Leave | undefined {
  // Declarations are kept on the walk's stack only at module level (see the extractor's patterns).
  const declarationType = state.walk.typeAbove(1);
  if (declarationType !== 'lexical_declaration' && declarationType !== 'variable_declaration')
    return undefined;
  if (!isModuleLevelAt(state.walk, 1)) return undefined;
  const declaration = state.walk.nodeAbove(1);
  if (declaration === null) return undefined;
  // `const x = require('y')` is a CommonJS import, not a constant.
  if (recordRequire(state, declarator)) return undefined;
  const nameNode = declarator.childForFieldName('name');
  if (nameNode?.type !== 'identifier') return undefined;
  const value = declarator.childForFieldName('value');
  const name = nameNode.text;
  const single =
    declaration.namedChildren.filter((child) => child?.type === 'variable_declarator').length === 1;
  const range = single ? rangeNodeAt(state.walk, 1) : declarator;
  const isFunction = value !== null && functionExpressionTypes.has(value.type);
  const annotated = typeNameOf(declarator.childForFieldName('type'), state.scopes.lookupTypeParameter);
  const kind: EntityKind = isFunction ? 'function' : isConstant(declaration) ? 'constant' : 'variable';
  const details: { returns?: TypeName; value?: ReturnType<typeof valueRefOf> } = {};
  if (isFunction) {
    const returns = typeNameOf(value.childForFieldName('return_type'), state.scopes.lookupTypeParameter);
    if (returns !== null) details.returns = returns;
  } else if (annotated !== null) {
    details.value = { kind: 'instance', type: annotated };
  } else if (value !== null) {
    const ref = valueRefOf(value, state.scopes);
    if (ref.kind !== 'unknown') details.value = ref;
  }
  const index = state.builder.addEntity({
    kind,
    name,
    qualifiedName: state.prefix + name,
    parent: 0,
    exported: isExportedAt(state.walk, 1),
    node: range,
    ...details,
    ...(isFunction ? { parameters: functionParameters(state, value) } : {}),
  });
  const previousCaller = state.caller;
  state.caller = index;
  return () => {
    state.caller = previousCaller;
  };
}

function isConstant(declaration: Node): boolean {
  return (
    declaration.type === 'lexical_declaration' && declaration.childForFieldName('kind')?.text === 'const'
  );
}

/** The parameter facts of a function expression, read without leaving a scope behind. */
function functionParameters(state: EcmaState, fn: Node): ReturnType<EcmaState['openFunctionScope']>['facts'] {
  const parameters = state.openFunctionScope(fn);
  state.closeFunctionScope();
  return parameters.facts;
}
