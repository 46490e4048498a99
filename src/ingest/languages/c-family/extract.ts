// Fact extraction for C and C++. Function definitions (not prototypes), structs, unions, enums,
// typedefs, file-scope variables and, in C++, classes, namespaces (as qualifiers: `app.Store.get`),
// inline and out-of-line methods (`int Store::get()` attaches to `Store` by name) and pure virtual
// methods (for dispatch). Calls are recorded by name; C links by name, so the resolver may guess
// across the project, and says so.
import type { Node } from 'web-tree-sitter';
import type { EntityKind, ParameterFact, TypeName, ValueRef } from '../../facts.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import { LocalScopes } from '../../parse/local-scopes.js';
import type { Leave, WalkContext, WalkSpec } from '../../parse/syntax-walk.js';
import { skipChildren, walkLeaving } from '../../parse/syntax-walk.js';
import { instanceRef, memberRef, nameInScope, unknownRef } from '../../parse/value-refs.js';

const typeSpecifiers: Readonly<Record<string, EntityKind>> = {
  struct_specifier: 'struct',
  class_specifier: 'class',
  union_specifier: 'union',
  enum_specifier: 'enum',
};

const visitedTypes = new Set([
  ...Object.keys(typeSpecifiers),
  'preproc_include',
  'namespace_definition',
  'function_definition',
  'field_declaration',
  'declaration',
  'type_definition',
  'lambda_expression',
  'compound_statement',
  'call_expression',
  'new_expression',
]);

const walkSpec: WalkSpec = {
  types: visitedTypes,
  context: new Set(['type_definition', 'template_declaration']),
};

const declaratorWrappers = new Set([
  'pointer_declarator',
  'reference_declarator',
  'parenthesized_declarator',
  'init_declarator',
  'array_declarator',
  'attributed_declarator',
]);

class CFamilyExtractor {
  private caller = 0;
  private typeEntity = -1;
  private functionDepth = 0;
  private prefix = '';
  private readonly scopes = new LocalScopes();
  private walk!: WalkContext;

  constructor(
    private readonly builder: FactsBuilder,
    private readonly isCpp: boolean,
  ) {}

  run(root: Node): void {
    walkLeaving(root, walkSpec, (node, type, context) => {
      this.walk = context;
      return this.enter(node, type);
    });
  }

  private enter(node: Node, type: string): Leave | typeof skipChildren | undefined {
    const typeKind = typeSpecifiers[type];
    if (typeKind !== undefined) return this.enterType(node, typeKind);
    switch (type) {
      case 'preproc_include':
        this.readInclude(node);
        return skipChildren;
      case 'namespace_definition':
        return this.enterNamespace(node);
      case 'function_definition':
        return this.enterFunction(node);
      case 'field_declaration':
        this.readFieldDeclaration(node);
        return undefined;
      case 'declaration':
        return this.enterDeclaration(node);
      case 'type_definition':
        this.readTypedef(node);
        return undefined;
      case 'lambda_expression':
      case 'compound_statement':
        if (this.functionDepth === 0) return undefined;
        this.scopes.push();
        return () => this.scopes.pop();
      case 'call_expression':
      case 'new_expression':
        this.readCall(node);
        return undefined;
      default:
        return undefined;
    }
  }

  private readInclude(node: Node): void {
    const path = node.childForFieldName('path');
    if (path === null) return;
    const system = path.type === 'system_lib_string';
    const specifier = system
      ? path.text.slice(1, -1)
      : (path.namedChild(0)?.text ?? path.text.replace(/^"|"$/g, ''));
    this.builder.addImport({
      specifier,
      line: node.startPosition.row + 1,
      bindings: [{ kind: 'glob', local: '', imported: '' }],
      ...(system ? { system } : {}),
    });
  }

  private enterNamespace(node: Node): Leave | undefined {
    const name = node.childForFieldName('name')?.text;
    if (name === undefined || this.functionDepth > 0) return undefined;
    const previous = this.prefix;
    this.prefix = `${previous}${name.replace(/::/g, '.')}.`;
    return () => {
      this.prefix = previous;
    };
  }

  private enterType(node: Node, kind: EntityKind): Leave | undefined {
    const body = node.childForFieldName('body');
    let name = node.childForFieldName('name')?.text;
    // `typedef struct { … } Point;` names the struct by its typedef.
    if (name === undefined && this.walk.typeAbove(1) === 'type_definition') {
      name = declaredName(this.walk.nodeAbove(1)?.childForFieldName('declarator') ?? null) ?? undefined;
    }
    if (body === null || name === undefined || this.functionDepth > 0) return undefined;
    const bases: TypeName[] = [];
    for (const child of node.namedChildren) {
      if (child?.type !== 'base_class_clause') continue;
      for (const base of child.namedChildren) {
        const type = base === null ? null : typeName(base);
        if (type !== null) bases.push(type);
      }
    }
    const owner = this.typeEntity >= 0 ? this.builder.entity(this.typeEntity) : undefined;
    const range = this.walk.typeAbove(1) === 'type_definition' ? (this.walk.nodeAbove(1) as Node) : node;
    const index = this.builder.addEntity({
      kind: kind === 'struct' && this.isCpp && bases.length > 0 ? 'class' : kind,
      name,
      qualifiedName: owner === undefined ? this.prefix + name : `${owner.qualifiedName}.${name}`,
      parent: owner === undefined ? 0 : this.typeEntity,
      exported: true,
      node: range,
      ...(bases.length > 0 ? { bases } : {}),
    });
    const previousType = this.typeEntity;
    const previousCaller = this.caller;
    this.typeEntity = index;
    this.caller = index;
    return () => {
      this.typeEntity = previousType;
      this.caller = previousCaller;
    };
  }

  private readTypedef(node: Node): void {
    if (this.functionDepth > 0 || this.typeEntity >= 0) return;
    const type = node.childForFieldName('type');
    const name = declaredName(node.childForFieldName('declarator'));
    if (name === null) return;
    // A typedef of an anonymous struct is that struct (entered separately), and
    // `typedef struct Point {…} Point` adds nothing to the struct it names.
    if (type !== null && typeSpecifiers[type.type] !== undefined && type.childForFieldName('name') === null)
      return;
    const aliasOf = typeName(type);
    if (aliasOf === name) return;
    this.builder.addEntity({
      kind: 'type_alias',
      name,
      qualifiedName: this.prefix + name,
      parent: 0,
      exported: true,
      node,
      ...(aliasOf === null ? {} : { aliasOf }),
    });
  }

  private enterFunction(node: Node): Leave {
    const declarator = functionDeclarator(node.childForFieldName('declarator'));
    const nameNode = declarator?.childForFieldName('declarator') ?? null;
    const previousCaller = this.caller;
    const parameters = readParameters(declarator?.childForFieldName('parameters') ?? null);
    if (this.functionDepth === 0 && nameNode !== null)
      this.caller = this.addFunction(node, nameNode, parameters);
    this.scopes.push();
    this.functionDepth++;
    this.scopes.bindParameters(parameters);
    return () => {
      this.functionDepth--;
      this.scopes.pop();
      this.caller = previousCaller;
    };
  }

  private addFunction(node: Node, nameNode: Node, parameters: ParameterFact[]): number {
    const returns = typeName(node.childForFieldName('type'));
    const range = this.walk.typeAbove(1) === 'template_declaration' ? (this.walk.nodeAbove(1) as Node) : node;
    const isStatic = hasChild(node, 'storage_class_specifier', 'static');
    const common = {
      node: range,
      parameters,
      ...(returns === null ? {} : { returns }),
    };
    if (nameNode.type === 'qualified_identifier') {
      // `int Store::get() { … }`: a method of Store defined outside the class.
      const path = nameNode.text.replace(/\s+/g, '').split('::');
      const name = path.pop() ?? '';
      const owner = path[path.length - 1] ?? '';
      return this.builder.addEntity({
        kind: name === owner ? 'constructor' : 'method',
        name,
        qualifiedName: `${this.prefix}${path.join('.')}.${name}`,
        parent: 0,
        exported: true,
        owner,
        ...common,
      });
    }
    const name = nameNode.text;
    const ownerIndex = this.typeEntity;
    if (ownerIndex >= 0) {
      const owner = this.builder.entity(ownerIndex);
      return this.builder.addEntity({
        kind: name === owner.name ? 'constructor' : 'method',
        name,
        qualifiedName: `${owner.qualifiedName}.${name}`,
        parent: ownerIndex,
        exported: true,
        ...common,
        ...(isStatic ? { isStatic } : {}),
      });
    }
    return this.builder.addEntity({
      kind: 'function',
      name,
      qualifiedName: this.prefix + name,
      parent: 0,
      // `static` functions are private to their file.
      exported: !isStatic,
      ...common,
    });
  }

  /** In a class: data members become fields; a pure virtual method (`= 0`) an abstract method. */
  private readFieldDeclaration(node: Node): void {
    if (this.typeEntity < 0 || this.functionDepth > 0) return;
    const declarator = node.childForFieldName('declarator');
    const function_ = functionDeclarator(declarator);
    if (function_ === null) {
      const name = declaredName(declarator);
      const type = typeName(node.childForFieldName('type'));
      if (name !== null) this.builder.addField(this.typeEntity, type === null ? { name } : { name, type });
      return;
    }
    if (node.childForFieldName('default_value')?.text !== '0') return;
    const name = function_.childForFieldName('declarator')?.text ?? '';
    const owner = this.builder.entity(this.typeEntity);
    const returns = typeName(node.childForFieldName('type'));
    this.builder.addEntity({
      kind: 'method',
      name,
      qualifiedName: `${owner.qualifiedName}.${name}`,
      parent: this.typeEntity,
      exported: true,
      node,
      isAbstract: true,
      parameters: readParameters(function_.childForFieldName('parameters')),
      ...(returns === null ? {} : { returns }),
    });
  }

  /** Locals inside functions; file-scope variables (not prototypes) as entities. */
  private enterDeclaration(node: Node): Leave | undefined {
    const type = typeName(node.childForFieldName('type'));
    const declarators = node
      .childrenForFieldName('declarator')
      .filter((child): child is Node => child !== null);
    if (this.functionDepth > 0) {
      for (const declarator of declarators) {
        const name = declaredName(declarator);
        if (name === null) continue;
        const value = declarator.type === 'init_declarator' ? declarator.childForFieldName('value') : null;
        const ref: ValueRef =
          type !== null && type !== 'auto' ? { kind: 'instance', type } : this.valueRef(value);
        this.scopes.bind(name, ref.kind === 'unknown' ? { kind: 'local', name } : ref);
      }
      return undefined;
    }
    if (this.typeEntity >= 0) return undefined;
    let first = -1;
    for (const declarator of declarators) {
      if (functionDeclarator(declarator) !== null) continue; // a prototype
      const name = declaredName(declarator);
      if (name === null) continue;
      const isConstant =
        hasChild(node, 'type_qualifier', 'const') || hasChild(node, 'type_qualifier', 'constexpr');
      const index = this.builder.addEntity({
        kind: isConstant ? 'constant' : 'variable',
        name,
        qualifiedName: this.prefix + name,
        parent: 0,
        exported: !hasChild(node, 'storage_class_specifier', 'static'),
        node,
        ...(type === null || type === 'auto' ? {} : { value: { kind: 'instance', type } }),
      });
      if (first < 0) first = index;
    }
    if (first < 0) return undefined;
    const previousCaller = this.caller;
    this.caller = first;
    return () => {
      this.caller = previousCaller;
    };
  }

  private readCall(node: Node): void {
    const line = node.startPosition.row + 1;
    if (node.type === 'new_expression') {
      const type = typeName(node.childForFieldName('type'));
      if (type !== null)
        this.builder.addCall({ caller: this.caller, line, target: nameRef(type), construct: true });
      return;
    }
    const callee = node.childForFieldName('function');
    if (callee === null) return;
    this.builder.addCall({ caller: this.caller, line, target: this.valueRef(callee) });
    for (const argument of node.childForFieldName('arguments')?.namedChildren ?? []) {
      if (argument?.type !== 'identifier' && argument?.type !== 'qualified_identifier') continue;
      const target = this.valueRef(argument);
      if (target.kind === 'name')
        this.builder.addReference({ from: this.caller, line, target, role: 'argument' });
    }
  }

  private valueRef(node: Node | null, depth = 0): ValueRef {
    if (node === null || depth > 8) return unknownRef;
    switch (node.type) {
      case 'identifier':
      case 'field_identifier':
        return nameInScope(this.scopes, node.text);
      case 'this':
        return { kind: 'this' };
      case 'qualified_identifier':
        return nameRef(node.text.replace(/\s+/g, '').replace(/^::/, '').split('::').join('.'));
      case 'field_expression': {
        return memberRef(
          this.valueRef(node.childForFieldName('argument'), depth + 1),
          node.childForFieldName('field')?.text ?? '',
        );
      }
      case 'call_expression':
        return { kind: 'call', target: this.valueRef(node.childForFieldName('function'), depth + 1) };
      case 'new_expression': {
        const type = typeName(node.childForFieldName('type'));
        return instanceRef(type);
      }
      case 'parenthesized_expression':
      case 'pointer_expression':
        return this.valueRef(node.childForFieldName('argument') ?? node.firstNamedChild, depth + 1);
      case 'template_function':
        return this.valueRef(node.childForFieldName('name'), depth + 1);
      default:
        return unknownRef;
    }
  }
}

/** `a.b.c` as a member chain rooted at the name `a`. */
function nameRef(dotted: string): ValueRef {
  const parts = dotted.split('.');
  let ref: ValueRef = { kind: 'name', name: parts[0] ?? dotted };
  for (const part of parts.slice(1)) ref = { kind: 'member', object: ref, name: part };
  return ref;
}

/** The function_declarator inside pointer, reference and parenthesised declarators. */
function functionDeclarator(node: Node | null): Node | null {
  let current = node;
  for (let step = 0; current !== null && step < 8; step++) {
    if (current.type === 'function_declarator') return current;
    if (!declaratorWrappers.has(current.type)) return null;
    current = current.childForFieldName('declarator') ?? current.firstNamedChild;
  }
  return null;
}

/** The identifier a declarator declares (`*p`, `a[3]`, `x = 1`, `(*handler)(int)`). */
function declaredName(node: Node | null): string | null {
  let current = node;
  for (let step = 0; current !== null && step < 8; step++) {
    if (
      current.type === 'identifier' ||
      current.type === 'type_identifier' ||
      current.type === 'field_identifier'
    ) {
      return current.text;
    }
    if (current.type === 'function_declarator' || declaratorWrappers.has(current.type)) {
      current = current.childForFieldName('declarator') ?? current.firstNamedChild;
      continue;
    }
    return null;
  }
  return null;
}

function readParameters(list: Node | null): ParameterFact[] {
  const parameters: ParameterFact[] = [];
  for (const parameter of list?.namedChildren ?? []) {
    if (parameter?.type !== 'parameter_declaration' && parameter?.type !== 'optional_parameter_declaration')
      continue;
    const name = declaredName(parameter.childForFieldName('declarator')) ?? '';
    const type = typeName(parameter.childForFieldName('type'));
    parameters.push(type === null ? { name } : { name, type });
  }
  return parameters;
}

/** `Store`, `app::Store` (→ `Store`), `Store<T>`, `struct Store` → the type's simple name. */
function typeName(node: Node | null): TypeName | null {
  let current = node;
  for (let step = 0; current !== null && step < 8; step++) {
    switch (current.type) {
      case 'type_identifier':
        return current.text;
      case 'placeholder_type_specifier':
        return 'auto';
      case 'qualified_identifier':
        current = current.childForFieldName('name');
        break;
      case 'template_type':
        current = current.childForFieldName('name');
        break;
      case 'struct_specifier':
      case 'class_specifier':
      case 'union_specifier':
      case 'enum_specifier':
        current = current.childForFieldName('name');
        break;
      default:
        return null;
    }
  }
  return null;
}

function hasChild(node: Node, type: string, text: string): boolean {
  return node.namedChildren.some((child) => child?.type === type && child.text === text);
}

export function extractC(root: Node, builder: FactsBuilder): void {
  new CFamilyExtractor(builder, false).run(root);
}

export function extractCpp(root: Node, builder: FactsBuilder): void {
  new CFamilyExtractor(builder, true).run(root);
}
