// Reduces TypeScript type annotations to what the resolver can use: one named type (`Subscriber`
// for `Subscriber<T> | undefined`) or the parameter types of a function type. Anything else (two
// classes in a union, object literal types, tuples) is dropped rather than guessed.
import type { Node } from 'web-tree-sitter';
import type { CallbackType, TypeName } from '../../facts.js';

/** Resolves a type parameter name to its constraint (or null when unconstrained), or undefined. */
export type TypeParameterLookup = (name: string) => TypeName | null | undefined;

const wrapperTypes = new Set([
  'type_annotation',
  'opting_type_annotation',
  'omitting_type_annotation',
  'parenthesized_type',
  'readonly_type',
  'asserts_annotation',
]);

const nullishTypes = new Set(['null', 'undefined', 'void', 'never']);

/** Unwraps annotations, parentheses and `T | null | undefined` down to the one meaningful type. */
function coreType(node: Node | null): Node | null {
  let current = node;
  for (let step = 0; current !== null && step < 16; step++) {
    if (wrapperTypes.has(current.type)) {
      current = current.firstNamedChild;
      continue;
    }
    if (current.type !== 'union_type') return current;
    const members = unionMembers(current).filter((member) => !isNullish(member));
    if (members.length !== 1) return null;
    current = members[0] as Node;
  }
  return null;
}

function unionMembers(union: Node): Node[] {
  const members: Node[] = [];
  const pending: Node[] = [union];
  while (pending.length > 0 && members.length < 16) {
    const node = pending.pop() as Node;
    if (node.type === 'union_type') pending.push(...node.namedChildren.filter((child) => child !== null));
    else members.push(node);
  }
  return members;
}

function isNullish(node: Node): boolean {
  if (node.type === 'literal_type' || node.type === 'predefined_type') return nullishTypes.has(node.text);
  return false;
}

/** The named type an annotation denotes, with generic arguments dropped; null when there is none. */
export function typeNameOf(node: Node | null, typeParameters: TypeParameterLookup): TypeName | null {
  let core = coreType(node);
  if (core === null) return null;
  if (core.type === 'generic_type') core = core.childForFieldName('name');
  if (core === null) return null;
  if (core.type === 'type_identifier' || core.type === 'identifier') {
    const parameter = typeParameters(core.text);
    return parameter === undefined ? core.text : parameter;
  }
  if (core.type === 'nested_type_identifier' || core.type === 'member_expression') {
    return core.text.replace(/\s+/g, '');
  }
  return null;
}

/** The parameter and return types of a function type annotation, or null for other types. */
export function callbackTypeOf(node: Node | null, typeParameters: TypeParameterLookup): CallbackType | null {
  const core = coreType(node);
  if (core === null || core.type !== 'function_type') return null;
  const parameters: (TypeName | null)[] = [];
  let thisType: TypeName | null = null;
  const list = core.childForFieldName('parameters');
  for (const parameter of list?.namedChildren ?? []) {
    if (parameter === null || !isParameterNode(parameter)) continue;
    const type = typeNameOf(parameter.childForFieldName('type'), typeParameters);
    if (parameter.childForFieldName('pattern')?.type === 'this') thisType = type;
    else parameters.push(type);
  }
  const returns = typeNameOf(core.childForFieldName('return_type'), typeParameters);
  return thisType === null ? { parameters, returns } : { parameters, returns, thisType };
}

export function isParameterNode(node: Node): boolean {
  return node.type === 'required_parameter' || node.type === 'optional_parameter';
}
