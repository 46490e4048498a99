// Expressions and parameters of TypeScript and JavaScript reduced to ValueRefs: what a callee or a
// receiver denotes, as far as the file itself can tell. Locals are looked up in the scope chain so
// they shadow module-level names; member chains become nested `member` refs.
import type { Node } from 'web-tree-sitter';
import { limits } from '../../../core/limits.js';
import type { CallbackType, ParameterFact, TypeName, ValueRef } from '../../facts.js';
import type { LocalScopes } from '../../parse/local-scopes.js';
import { callbackTypeOf, isParameterNode, typeNameOf } from './type-annotations.js';
import { nameInScope, unknownRef } from '../../parse/value-refs.js';

export const functionExpressionTypes: ReadonlySet<string> = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
]);

/** Refs worth a references edge: names and members of names, `this` or `super`, never locals. */
export function isNamedValue(ref: ValueRef): boolean {
  let current = ref;
  while (current.kind === 'member') current = current.object;
  return current.kind === 'name' || current.kind === 'this' || current.kind === 'super';
}

/** Expression wrappers that do not change which value is meant. */
const transparentExpressions = new Set([
  'parenthesized_expression',
  'non_null_expression',
  'satisfies_expression',
]);

export function valueRefOf(node: Node | null, scopes: LocalScopes, depth = 0): ValueRef {
  if (node === null || depth > limits.ingestValueRefDepthMax) return unknownRef;
  switch (node.type) {
    case 'identifier':
      return nameInScope(scopes, node.text);
    case 'this':
      return scopes.lookup('this') ?? { kind: 'this' };
    case 'super':
      return { kind: 'super' };
    case 'member_expression': {
      const property = node.childForFieldName('property');
      if (property === null) return unknownRef;
      const object = valueRefOf(node.childForFieldName('object'), scopes, depth + 1);
      return { kind: 'member', object, name: property.text };
    }
    case 'call_expression': {
      const callee = node.childForFieldName('function');
      if (callee === null || callee.type === 'import' || isRequireCall(node)) return unknownRef;
      return { kind: 'call', target: valueRefOf(callee, scopes, depth + 1) };
    }
    case 'new_expression':
      return { kind: 'new', target: valueRefOf(node.childForFieldName('constructor'), scopes, depth + 1) };
    case 'as_expression':
    case 'type_assertion':
      return assertedValue(node, scopes, depth);
    default:
      if (transparentExpressions.has(node.type)) return valueRefOf(node.firstNamedChild, scopes, depth + 1);
      return unknownRef;
  }
}

/** `x as Foo` and `<Foo>x` name the type outright; otherwise the inner expression decides. */
function assertedValue(node: Node, scopes: LocalScopes, depth: number): ValueRef {
  const typeNode = node.type === 'as_expression' ? node.namedChild(1) : node.namedChild(0)?.firstNamedChild;
  const type = typeNameOf(typeNode ?? null, scopes.lookupTypeParameter);
  if (type !== null) return { kind: 'instance', type };
  const inner = node.type === 'as_expression' ? node.namedChild(0) : node.namedChild(1);
  return valueRefOf(inner, scopes, depth + 1);
}

/** `require('x')` with a literal specifier: a CommonJS import, not a call into the project. */
export function isRequireCall(node: Node): boolean {
  if (node.type !== 'call_expression') return false;
  const callee = node.childForFieldName('function');
  return callee?.type === 'identifier' && callee.text === 'require' && requireSpecifier(node) !== null;
}

export function requireSpecifier(call: Node): string | null {
  const argument = call.childForFieldName('arguments')?.namedChild(0);
  if (argument?.type !== 'string') return null;
  return argument.namedChild(0)?.text ?? '';
}

export interface ParameterList {
  readonly facts: ParameterFact[];
  /** The declared type of `this` (`function (this: Subscriber<R>)`), when there is one. */
  readonly thisType: TypeName | null;
  /** Names bound by destructuring patterns, which are locals of unknown value. */
  readonly patternNames: string[];
}

/** The parameters of a function node: `parameters` (a list) or `parameter` (`x => …`). */
export function parameterListOf(fn: Node, scopes: LocalScopes): ParameterList {
  const list: ParameterList = { facts: [], thisType: null, patternNames: [] };
  const single = fn.childForFieldName('parameter');
  if (single !== null) {
    list.facts.push({ name: single.text });
    return list;
  }
  for (const parameter of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (parameter === null || parameter.type === 'comment' || parameter.type === 'decorator') continue;
    addParameter(parameter, scopes, list);
  }
  return list;
}

function addParameter(parameter: Node, scopes: LocalScopes, list: ParameterList): void {
  let pattern: Node | null = parameter;
  let annotation: Node | null = null;
  let defaultValue: Node | null = null;
  if (isParameterNode(parameter)) {
    pattern = parameter.childForFieldName('pattern');
    annotation = parameter.childForFieldName('type');
    defaultValue = parameter.childForFieldName('value');
  } else if (parameter.type === 'assignment_pattern') {
    pattern = parameter.childForFieldName('left');
    defaultValue = parameter.childForFieldName('right');
  }
  if (pattern?.type === 'this') {
    (list as { thisType: TypeName | null }).thisType = typeNameOf(annotation, scopes.lookupTypeParameter);
    return;
  }
  if (pattern?.type === 'rest_pattern') pattern = pattern.firstNamedChild;
  const name = pattern?.type === 'identifier' ? pattern.text : '';
  if (name === '' && pattern !== null) list.patternNames.push(...patternNames(pattern));
  const fact: { name: string; type?: TypeName; callback?: CallbackType } = { name };
  const type = typeNameOf(annotation, scopes.lookupTypeParameter) ?? constructedType(defaultValue);
  if (type !== null) fact.type = type;
  const callback = callbackTypeOf(annotation, scopes.lookupTypeParameter);
  if (callback !== null) fact.callback = callback;
  list.facts.push(fact);
}

/** `x = new Foo()` as a default value types `x` as `Foo`. */
function constructedType(value: Node | null): TypeName | null {
  if (value?.type !== 'new_expression') return null;
  const constructor = value.childForFieldName('constructor');
  return constructor?.type === 'identifier' ? constructor.text : null;
}

const patternTypes = new Set([
  'object_pattern',
  'array_pattern',
  'assignment_pattern',
  'rest_pattern',
  'pair_pattern',
  'object_assignment_pattern',
]);

/** Every name a destructuring pattern binds, found with an explicit stack. */
export function patternNames(pattern: Node): string[] {
  const names: string[] = [];
  const pending: Node[] = [pattern];
  while (pending.length > 0 && names.length < 256) {
    const node = pending.pop() as Node;
    if (node.type === 'identifier' || node.type === 'shorthand_property_identifier_pattern') {
      names.push(node.text);
    } else if (patternTypes.has(node.type)) {
      for (const child of node.namedChildren) {
        // A pair's key and a default's value are not bindings.
        if (child === null) continue;
        const field = fieldNameOf(node, child);
        if (
          field === 'key' ||
          field === 'right' ||
          (node.type === 'object_assignment_pattern' && field === 'right')
        )
          continue;
        pending.push(child);
      }
    }
  }
  return names;
}

function fieldNameOf(parent: Node, child: Node): string | null {
  for (let index = 0; index < parent.childCount; index++) {
    if (parent.child(index)?.id === child.id) return parent.fieldNameForChild(index);
  }
  return null;
}

/** The name of a class member or object key: identifiers, `#private`, strings, `[computed]`. */
export function memberNameOf(node: Node | null): string {
  if (node === null) return '';
  if (node.type === 'string') return node.namedChild(0)?.text ?? '';
  return node.text;
}
