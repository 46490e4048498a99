// Classes, interfaces, enums and type aliases of TypeScript and JavaScript. Module-level types
// are entities; classes declared inside functions are locals and their members are not blocks.
// Fields are recorded with their declared type or initializer so `this.field.method()` resolves:
// declared fields, constructor parameter properties and `this.x = …` assignments all count.
import type { Node } from 'web-tree-sitter';
import type { EntityKind, FieldFact, TypeName } from '../../facts.js';
import { skipChildren } from '../../parse/syntax-walk.js';
import {
  hasImplementationAfter,
  hasSignatureBefore,
  isDefaultExportAt,
  isExportedAt,
  isModuleLevelAt,
  rangeNodeAt,
} from './declarations.js';
import type { EcmaState, Leave } from './state.js';
import { functionExpressionTypes, memberNameOf, valueRefOf } from './expressions.js';
import { callbackTypeOf, isParameterNode, typeNameOf } from './type-annotations.js';

export function enterClass(state: EcmaState, node: Node): Leave {
  const previousType = state.typeEntity;
  const previousCaller = state.caller;
  state.scopes.push();
  state.bindTypeParameters(node.childForFieldName('type_parameters'));
  const modelled = node.type !== 'class' && state.functionDepth === 0 && isModuleLevelAt(state.walk, 0);
  if (!modelled) {
    state.typeEntity = -1;
    return () => {
      state.scopes.pop();
      state.typeEntity = previousType;
    };
  }
  const name = node.childForFieldName('name')?.text ?? 'default';
  const heritage = readHeritage(state, node);
  const index = state.builder.addEntity({
    kind: 'class',
    name,
    qualifiedName: state.prefix + name,
    parent: 0,
    exported: isExportedAt(state.walk, 0),
    node: rangeNodeAt(state.walk, 0),
    ...(heritage.bases.length > 0 ? { bases: heritage.bases } : {}),
    ...(heritage.implementations.length > 0 ? { implements: heritage.implementations } : {}),
    ...(node.type === 'abstract_class_declaration' ? { isAbstract: true } : {}),
  });
  if (isDefaultExportAt(state.walk, 0))
    state.builder.addExport({ exported: 'default', value: { kind: 'name', name } });
  state.typeEntity = index;
  state.caller = index;
  return () => {
    state.scopes.pop();
    state.typeEntity = previousType;
    state.caller = previousCaller;
  };
}

function readHeritage(state: EcmaState, node: Node): { bases: TypeName[]; implementations: TypeName[] } {
  const bases: TypeName[] = [];
  const implementations: TypeName[] = [];
  for (const child of node.namedChildren) {
    if (child?.type !== 'class_heritage') continue;
    for (const clause of child.namedChildren) {
      if (clause === null) continue;
      if (clause.type === 'extends_clause') {
        const base = heritageName(clause.childForFieldName('value'));
        if (base !== null) bases.push(base);
      } else if (clause.type === 'implements_clause') {
        for (const type of clause.namedChildren) {
          const implemented = type === null ? null : state.typeNameInScope(type);
          if (implemented !== null) implementations.push(implemented);
        }
      } else {
        // JavaScript: `class A extends B` has the expression directly under class_heritage.
        const base = heritageName(clause);
        if (base !== null) bases.push(base);
      }
    }
  }
  return { bases, implementations };
}

/** `extends Base` or `extends ns.Base`; mixin calls (`extends Mixin(Base)`) name no single class. */
function heritageName(node: Node | null): TypeName | null {
  if (node?.type === 'identifier' || node?.type === 'member_expression') return node.text.replace(/\s+/g, '');
  return null;
}

export function enterInterface(state: EcmaState, node: Node): Leave | typeof skipChildren {
  if (state.functionDepth > 0 || !isModuleLevelAt(state.walk, 0)) return skipChildren;
  const previousType = state.typeEntity;
  state.scopes.push();
  state.bindTypeParameters(node.childForFieldName('type_parameters'));
  const name = node.childForFieldName('name')?.text ?? '';
  const bases: TypeName[] = [];
  for (const child of node.namedChildren) {
    if (child?.type !== 'extends_type_clause') continue;
    for (const type of child.namedChildren) {
      const base = type === null ? null : state.typeNameInScope(type);
      if (base !== null) bases.push(base);
    }
  }
  state.typeEntity = state.builder.addEntity({
    kind: 'interface',
    name,
    qualifiedName: state.prefix + name,
    parent: 0,
    exported: isExportedAt(state.walk, 0),
    node: rangeNodeAt(state.walk, 0),
    ...(bases.length > 0 ? { bases } : {}),
  });
  return () => {
    state.scopes.pop();
    state.typeEntity = previousType;
  };
}

/** Declarations without code: interface members, abstract methods, type aliases, enums. */
export function enterMemberSignature(state: EcmaState, node: Node): typeof skipChildren {
  if (node.type === 'type_alias_declaration' || node.type === 'enum_declaration') {
    if (state.functionDepth === 0 && isModuleLevelAt(state.walk, 0)) addTypeDeclaration(state, node);
    return skipChildren;
  }
  const owner = state.typeEntity;
  const parentType = state.walk.typeAbove(1);
  if (
    owner < 0 ||
    state.functionDepth > 0 ||
    (parentType !== 'interface_body' && parentType !== 'class_body')
  ) {
    return skipChildren;
  }
  const name = memberNameOf(node.childForFieldName('name'));
  if (node.type === 'property_signature') {
    addTypedField(state, owner, name, node.childForFieldName('type'));
    return skipChildren;
  }
  if (parentType === 'class_body' && node.type === 'method_signature') {
    if (hasImplementationAfter(node, name, 'method_definition')) return skipChildren;
  }
  // Overloads without an implementation fold into the first one (the checker maps them apart, a
  // graph of code has one entity per member).
  if (hasSignatureBefore(node, name)) return skipChildren;
  const parameters = state.openFunctionScope(node);
  state.closeFunctionScope();
  const returns = typeNameOf(node.childForFieldName('return_type'), state.scopes.lookupTypeParameter);
  state.builder.addEntity({
    kind: 'method',
    name,
    qualifiedName: `${state.builder.entity(owner).qualifiedName}.${name}`,
    parent: owner,
    exported: state.builder.entity(owner).exported,
    node,
    isAbstract: true,
    parameters: parameters.facts,
    ...(returns === null ? {} : { returns }),
    ...(hasModifier(node, 'static') ? { isStatic: true } : {}),
  });
  return skipChildren;
}

function addTypeDeclaration(state: EcmaState, node: Node): void {
  const name = node.childForFieldName('name')?.text ?? '';
  const kind: EntityKind = node.type === 'enum_declaration' ? 'enum' : 'type_alias';
  const details: { aliasOf?: TypeName; callback?: ReturnType<typeof callbackTypeOf> & object } = {};
  if (kind === 'type_alias') {
    state.scopes.push();
    state.bindTypeParameters(node.childForFieldName('type_parameters'));
    const value = node.childForFieldName('value');
    const aliasOf = typeNameOf(value, state.scopes.lookupTypeParameter);
    const callback = callbackTypeOf(value, state.scopes.lookupTypeParameter);
    state.scopes.pop();
    if (aliasOf !== null) details.aliasOf = aliasOf;
    if (callback !== null) details.callback = callback;
  }
  state.builder.addEntity({
    kind,
    name,
    qualifiedName: state.prefix + name,
    parent: 0,
    exported: isExportedAt(state.walk, 0),
    node: rangeNodeAt(state.walk, 0),
    ...details,
  });
}

/**
 * Methods, constructors, accessors and fields of a module-level class. A field initialised with a
 * function (`handler = () => …`) is a method. Members of local classes and object literals only
 * open a function scope.
 */
export function enterClassMember(state: EcmaState, node: Node): Leave | undefined {
  const owner = state.typeEntity;
  const inModelledClass = owner >= 0 && state.functionDepth === 0 && state.walk.typeAbove(1) === 'class_body';
  if (node.type === 'class_static_block') return undefined;
  if (node.type === 'method_definition') return enterMethod(state, node, inModelledClass ? owner : -1);
  if (!inModelledClass) return undefined;
  const name = memberNameOf(node.childForFieldName(node.type === 'field_definition' ? 'property' : 'name'));
  const value = node.childForFieldName('value');
  if (value !== null && functionExpressionTypes.has(value.type)) {
    return enterFunctionField(state, node, owner, name, value);
  }
  const annotation = node.childForFieldName('type');
  const type = typeNameOf(annotation, state.scopes.lookupTypeParameter);
  const field: FieldFact = { name, ...(type === null ? {} : { type }) };
  // A declared type that names no class (`now: () => number`) makes the initializer irrelevant:
  // whatever is stored there later is called, not the initial value.
  const initial = value === null || annotation !== null ? null : valueRefOf(value, state.scopes);
  state.builder.addField(
    owner,
    initial !== null && initial.kind !== 'unknown' ? { ...field, value: initial } : field,
  );
  return undefined;
}

function enterMethod(state: EcmaState, node: Node, owner: number): Leave {
  const parameters = state.openFunctionScope(node);
  if (owner < 0) {
    state.bindParameters(parameters, null);
    return () => state.closeFunctionScope();
  }
  const name = memberNameOf(node.childForFieldName('name'));
  const isConstructor = name === 'constructor';
  const returns = typeNameOf(node.childForFieldName('return_type'), state.scopes.lookupTypeParameter);
  const ownerEntity = state.builder.entity(owner);
  const index = state.builder.addEntity({
    kind: isConstructor ? 'constructor' : 'method',
    name,
    qualifiedName: `${ownerEntity.qualifiedName}.${name}`,
    parent: owner,
    exported: ownerEntity.exported,
    node,
    parameters: parameters.facts,
    ...(returns === null ? {} : { returns }),
    ...(hasModifier(node, 'static') ? { isStatic: true } : {}),
  });
  if (isConstructor) addParameterProperties(state, node, owner);
  state.bindParameters(parameters, null);
  const previousCaller = state.caller;
  state.caller = index;
  return () => {
    state.closeFunctionScope();
    state.caller = previousCaller;
  };
}

function enterFunctionField(state: EcmaState, node: Node, owner: number, name: string, value: Node): Leave {
  const parameters = state.openFunctionScope(value);
  state.closeFunctionScope();
  const returns = typeNameOf(value.childForFieldName('return_type'), state.scopes.lookupTypeParameter);
  const ownerEntity = state.builder.entity(owner);
  const index = state.builder.addEntity({
    kind: 'method',
    name,
    qualifiedName: `${ownerEntity.qualifiedName}.${name}`,
    parent: owner,
    exported: ownerEntity.exported,
    node,
    parameters: parameters.facts,
    ...(returns === null ? {} : { returns }),
    ...(hasModifier(node, 'static') ? { isStatic: true } : {}),
  });
  const previousCaller = state.caller;
  state.caller = index;
  return () => {
    state.caller = previousCaller;
  };
}

/** `constructor(private store: Store)` declares the field `store` of type `Store`. */
function addParameterProperties(state: EcmaState, constructor: Node, owner: number): void {
  for (const parameter of constructor.childForFieldName('parameters')?.namedChildren ?? []) {
    if (parameter === null || !isParameterNode(parameter)) continue;
    const isProperty = parameter.namedChildren.some(
      (child) => child?.type === 'accessibility_modifier' || child?.type === 'override_modifier',
    );
    const readonly = hasModifier(parameter, 'readonly');
    const pattern = parameter.childForFieldName('pattern');
    if ((!isProperty && !readonly) || pattern?.type !== 'identifier') continue;
    addTypedField(state, owner, pattern.text, parameter.childForFieldName('type'));
  }
}

function addTypedField(state: EcmaState, owner: number, name: string, annotation: Node | null): void {
  const type = typeNameOf(annotation, state.scopes.lookupTypeParameter);
  state.builder.addField(owner, type === null ? { name } : { name, type });
}

export function hasModifier(node: Node, keyword: string): boolean {
  for (let index = 0; index < node.childCount; index++) {
    const child = node.child(index);
    if (child === null) continue;
    if (child.type === keyword) return true;
    // Modifiers come before the name; stop at the first named part that is not one.
    if (child.isNamed && child.type !== 'accessibility_modifier' && child.type !== 'decorator') {
      if (child.type !== 'override_modifier') return false;
    }
  }
  return false;
}
