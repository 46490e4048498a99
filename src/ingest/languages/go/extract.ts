// Fact extraction for Go. Functions, methods (attached to their receiver type by name, wherever
// the type is declared in the package), structs, interfaces (with their method set), other named
// types, and package-level constants and variables, qualified by the package name
// (`store.NewStore`, `store.Store.Get`). Embedded fields and interfaces are bases, so promoted
// methods resolve. Receivers, typed parameters, `var x T`, composite literals and calls with a
// declared result type make receivers of method calls resolvable.
import type { Node } from 'web-tree-sitter';
import type { EntityKind, ImportBinding, ParameterFact, TypeName, ValueRef } from '../../facts.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import { LocalScopes } from '../../parse/local-scopes.js';
import type { Leave, WalkContext, WalkSpec } from '../../parse/syntax-walk.js';
import { skipChildren, walkLeaving } from '../../parse/syntax-walk.js';
import { instanceRef, memberRef, nameInScope, unknownRef } from '../../parse/value-refs.js';

const visitedTypes = new Set([
  'package_clause',
  'import_declaration',
  'function_declaration',
  'method_declaration',
  'type_spec',
  'type_alias',
  'const_spec',
  'var_spec',
  'short_var_declaration',
  'func_literal',
  'block',
  'for_statement',
  'if_statement',
  'call_expression',
]);

const walkSpec: WalkSpec = { types: visitedTypes, context: new Set(['type_declaration']) };

class GoExtractor {
  private caller = 0;
  private functionDepth = 0;
  private prefix = '';
  private readonly scopes = new LocalScopes();
  private walk!: WalkContext;

  constructor(private readonly builder: FactsBuilder) {}

  run(root: Node): void {
    walkLeaving(root, walkSpec, (node, type, context) => {
      this.walk = context;
      return this.enter(node, type);
    });
  }

  private enter(node: Node, type: string): Leave | typeof skipChildren | undefined {
    switch (type) {
      case 'package_clause':
        this.prefix = `${node.firstNamedChild?.text ?? ''}.`;
        return skipChildren;
      case 'import_declaration':
        this.readImports(node);
        return skipChildren;
      case 'function_declaration':
      case 'method_declaration':
        return this.enterFunction(node);
      case 'type_spec':
      case 'type_alias':
        return this.functionDepth === 0 ? this.readType(node) : skipChildren;
      case 'const_spec':
      case 'var_spec':
        return this.enterValueSpec(node);
      case 'short_var_declaration':
        this.bindShortDeclaration(node);
        return undefined;
      case 'func_literal':
        return this.enterFunctionLiteral(node);
      case 'block':
      case 'for_statement':
      case 'if_statement':
        if (this.functionDepth === 0) return undefined;
        this.scopes.push();
        return () => this.scopes.pop();
      case 'call_expression':
        this.readCall(node);
        return undefined;
      default:
        return undefined;
    }
  }

  private readImports(node: Node): void {
    const specs: Node[] = [];
    const pending: Node[] = [node];
    while (pending.length > 0) {
      const current = pending.pop() as Node;
      for (const child of current.namedChildren) {
        if (child?.type === 'import_spec') specs.push(child);
        else if (child?.type === 'import_spec_list') pending.push(child);
      }
    }
    for (const spec of specs) {
      const path = spec.childForFieldName('path')?.namedChild(0)?.text ?? '';
      const alias = spec.childForFieldName('name')?.text;
      const bindings: ImportBinding[] = [];
      if (alias === '.') bindings.push({ kind: 'glob', local: '', imported: '' });
      else if (alias !== '_') {
        // Without an alias, the package name is by convention the last path element.
        const local = alias ?? path.slice(path.lastIndexOf('/') + 1);
        bindings.push({ kind: 'namespace', local, imported: '' });
      }
      this.builder.addImport({ specifier: path, line: spec.startPosition.row + 1, bindings });
    }
  }

  private enterFunction(node: Node): Leave {
    const name = node.childForFieldName('name')?.text ?? '';
    const receiver =
      node.type === 'method_declaration' ? readParameters(node.childForFieldName('receiver'))[0] : undefined;
    const parameters = readParameters(node.childForFieldName('parameters'));
    const returns = resultType(node.childForFieldName('result'));
    const owner = receiver?.type;
    const previousCaller = this.caller;
    this.caller = this.builder.addEntity({
      kind: receiver === undefined ? 'function' : 'method',
      name,
      qualifiedName: owner === undefined ? this.prefix + name : `${this.prefix}${owner}.${name}`,
      parent: 0,
      exported: isExportedName(name),
      node,
      parameters,
      ...(owner === undefined ? {} : { owner }),
      ...(returns === null ? {} : { returns }),
    });
    this.scopes.push();
    this.functionDepth++;
    this.scopes.bindParameters(receiver === undefined ? parameters : [receiver, ...parameters]);
    return () => {
      this.functionDepth--;
      this.scopes.pop();
      this.caller = previousCaller;
    };
  }

  private enterFunctionLiteral(node: Node): Leave {
    this.scopes.push();
    this.functionDepth++;
    this.scopes.bindParameters(readParameters(node.childForFieldName('parameters')));
    return () => {
      this.functionDepth--;
      this.scopes.pop();
    };
  }

  private readType(spec: Node): typeof skipChildren {
    const name = spec.childForFieldName('name')?.text ?? '';
    const type = spec.childForFieldName('type');
    let kind: EntityKind = 'type_alias';
    if (type?.type === 'struct_type') kind = 'struct';
    else if (type?.type === 'interface_type') kind = 'interface';
    const bases = kind === 'type_alias' ? [] : embeddedTypes(type);
    const aliasOf = kind === 'type_alias' ? resultType(type) : null;
    // `type T struct {…}` spans from the keyword; inside `type ( … )` groups each spec stands alone.
    const declaration = this.walk.typeAbove(1) === 'type_declaration' ? this.walk.nodeAbove(1) : null;
    const range = declaration !== null && declaration.namedChildren.length === 1 ? declaration : spec;
    const index = this.builder.addEntity({
      kind,
      name,
      qualifiedName: this.prefix + name,
      parent: 0,
      exported: isExportedName(name),
      node: range,
      ...(bases.length > 0 ? { bases } : {}),
      ...(aliasOf === null ? {} : { aliasOf }),
    });
    if (kind === 'struct') this.readStructFields(index, type as Node);
    if (kind === 'interface') this.readInterfaceMethods(index, type as Node);
    return skipChildren;
  }

  private readStructFields(index: number, struct: Node): void {
    const list = struct.namedChildren.find((child) => child?.type === 'field_declaration_list');
    for (const field of list?.namedChildren ?? []) {
      if (field?.type !== 'field_declaration') continue;
      const type = resultType(field.childForFieldName('type'));
      for (const name of field.childrenForFieldName('name')) {
        if (name !== null)
          this.builder.addField(index, type === null ? { name: name.text } : { name: name.text, type });
      }
    }
  }

  private readInterfaceMethods(index: number, interfaceType: Node): void {
    const owner = this.builder.entity(index);
    for (const element of interfaceType.namedChildren) {
      if (element?.type !== 'method_elem') continue;
      const name = element.childForFieldName('name')?.text ?? '';
      const returns = resultType(element.childForFieldName('result'));
      this.builder.addEntity({
        kind: 'method',
        name,
        qualifiedName: `${owner.qualifiedName}.${name}`,
        parent: index,
        exported: isExportedName(name),
        node: element,
        isAbstract: true,
        parameters: readParameters(element.childForFieldName('parameters')),
        ...(returns === null ? {} : { returns }),
      });
    }
  }

  private enterValueSpec(spec: Node): Leave | undefined {
    const names = spec.childrenForFieldName('name').filter((name): name is Node => name !== null);
    const declared = resultType(spec.childForFieldName('type'));
    const values = spec.childForFieldName('value')?.namedChildren ?? [];
    if (this.functionDepth > 0) {
      names.forEach((name, position) => {
        const value =
          declared !== null
            ? ({ kind: 'instance', type: declared } as const)
            : this.valueRef(values[position] ?? null);
        this.scopes.bind(name.text, value.kind === 'unknown' ? { kind: 'local', name: name.text } : value);
      });
      return undefined;
    }
    let first = -1;
    names.forEach((name, position) => {
      const value =
        declared !== null
          ? ({ kind: 'instance', type: declared } as const)
          : this.valueRef(values[position] ?? null);
      const index = this.builder.addEntity({
        kind: spec.type === 'const_spec' ? 'constant' : 'variable',
        name: name.text,
        qualifiedName: this.prefix + name.text,
        parent: 0,
        exported: isExportedName(name.text),
        node: spec,
        ...(value.kind === 'unknown' ? {} : { value }),
      });
      if (first < 0) first = index;
    });
    if (first < 0) return undefined;
    const previousCaller = this.caller;
    this.caller = first;
    return () => {
      this.caller = previousCaller;
    };
  }

  private bindShortDeclaration(node: Node): void {
    const left = node.childForFieldName('left')?.namedChildren ?? [];
    const right = node.childForFieldName('right')?.namedChildren ?? [];
    left.forEach((name, position) => {
      if (name?.type !== 'identifier') return;
      // `a, err := f()` gives `a` the (first) result of f; other positions are unknown.
      const source = right.length === left.length ? right[position] : position === 0 ? right[0] : undefined;
      const value = this.valueRef(source ?? null);
      this.scopes.bind(name.text, value.kind === 'unknown' ? { kind: 'local', name: name.text } : value);
    });
  }

  private readCall(node: Node): void {
    const callee = node.childForFieldName('function');
    if (callee === null) return;
    const line = node.startPosition.row + 1;
    this.builder.addCall({ caller: this.caller, line, target: this.valueRef(callee) });
    for (const argument of node.childForFieldName('arguments')?.namedChildren ?? []) {
      if (argument?.type !== 'identifier' && argument?.type !== 'selector_expression') continue;
      const target = this.valueRef(argument);
      if (
        target.kind === 'name' ||
        (target.kind === 'member' && target.object.kind !== 'local' && target.object.kind !== 'unknown')
      ) {
        this.builder.addReference({ from: this.caller, line, target, role: 'argument' });
      }
    }
  }

  private valueRef(node: Node | null, depth = 0): ValueRef {
    if (node === null || depth > 8) return unknownRef;
    switch (node.type) {
      case 'identifier':
        return nameInScope(this.scopes, node.text);
      case 'selector_expression': {
        return memberRef(
          this.valueRef(node.childForFieldName('operand'), depth + 1),
          node.childForFieldName('field')?.text ?? '',
        );
      }
      case 'call_expression':
        return { kind: 'call', target: this.valueRef(node.childForFieldName('function'), depth + 1) };
      case 'composite_literal': {
        const type = resultType(node.childForFieldName('type'));
        return instanceRef(type);
      }
      case 'unary_expression':
      case 'parenthesized_expression':
        return this.valueRef(node.childForFieldName('operand') ?? node.firstNamedChild, depth + 1);
      default:
        return unknownRef;
    }
  }
}

function readParameters(list: Node | null): ParameterFact[] {
  const parameters: ParameterFact[] = [];
  for (const declaration of list?.namedChildren ?? []) {
    if (
      declaration?.type !== 'parameter_declaration' &&
      declaration?.type !== 'variadic_parameter_declaration'
    )
      continue;
    const type = resultType(declaration.childForFieldName('type'));
    const names = declaration.childrenForFieldName('name').filter((name): name is Node => name !== null);
    if (names.length === 0) parameters.push(type === null ? { name: '' } : { name: '', type });
    for (const name of names)
      parameters.push(type === null ? { name: name.text } : { name: name.text, type });
  }
  return parameters;
}

/** `T`, `*T`, `pkg.T`, `T[K]` → the named type; a result list yields its first type. */
function resultType(node: Node | null): TypeName | null {
  let current = node;
  for (let step = 0; current !== null && step < 8; step++) {
    switch (current.type) {
      case 'type_identifier':
        return current.text;
      case 'qualified_type':
        return current.text.replace(/\s+/g, '');
      case 'pointer_type':
      case 'parenthesized_type':
        current = current.lastNamedChild;
        break;
      case 'generic_type':
        current = current.childForFieldName('type');
        break;
      case 'parameter_list':
        current = current.firstNamedChild?.childForFieldName('type') ?? null;
        break;
      default:
        return null;
    }
  }
  return null;
}

/** Embedded struct fields and embedded interfaces: the types whose methods are promoted. */
function embeddedTypes(type: Node | null): TypeName[] {
  const bases: TypeName[] = [];
  if (type?.type === 'struct_type') {
    const list = type.namedChildren.find((child) => child?.type === 'field_declaration_list');
    for (const field of list?.namedChildren ?? []) {
      if (field?.type !== 'field_declaration' || field.childForFieldName('name') !== null) continue;
      const base = resultType(field.childForFieldName('type'));
      if (base !== null) bases.push(base);
    }
  } else if (type?.type === 'interface_type') {
    for (const element of type.namedChildren) {
      if (element?.type !== 'type_elem') continue;
      const base = resultType(element.firstNamedChild);
      if (base !== null) bases.push(base);
    }
  }
  return bases;
}

function isExportedName(name: string): boolean {
  const first = name.charCodeAt(0);
  return first >= 65 && first <= 90;
}

export function extractGo(root: Node, builder: FactsBuilder): void {
  new GoExtractor(builder).run(root);
}
