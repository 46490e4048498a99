// Fact extraction for Java. Classes, interfaces, enums and records (nested ones too) are
// entities qualified by their enclosing types (`Store`, `Store.Inner`); so are methods and
// constructors (`Store.get`, `Store.Store`). Declared types of fields, locals and parameters make
// receivers resolvable; unqualified calls inside a class look at its members first.
import type { Node } from 'web-tree-sitter';
import type { EntityKind, ImportBinding, ParameterFact, TypeName, ValueRef } from '../../facts.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import { LocalScopes } from '../../parse/local-scopes.js';
import { skipChildren, walkLeaving, type WalkSpec, type Leave } from '../../parse/syntax-walk.js';
import { instanceRef, memberRef, nameInScope, unknownRef } from '../../parse/value-refs.js';

const typeDeclarations: Readonly<Record<string, EntityKind>> = {
  class_declaration: 'class',
  interface_declaration: 'interface',
  enum_declaration: 'enum',
  record_declaration: 'class',
};

const visitedTypes = new Set([
  ...Object.keys(typeDeclarations),
  'import_declaration',
  'method_declaration',
  'constructor_declaration',
  'field_declaration',
  'local_variable_declaration',
  'enhanced_for_statement',
  'catch_formal_parameter',
  'lambda_expression',
  'block',
  'method_invocation',
  'object_creation_expression',
  'explicit_constructor_invocation',
]);

const walkSpec: WalkSpec = { types: visitedTypes };

class JavaExtractor {
  private caller = 0;
  private typeEntity = -1;
  private functionDepth = 0;
  private readonly scopes = new LocalScopes();

  constructor(private readonly builder: FactsBuilder) {}

  run(root: Node): void {
    walkLeaving(root, walkSpec, (node, type) => this.enter(node, type));
  }

  private enter(node: Node, type: string): Leave | typeof skipChildren | undefined {
    const typeKind = typeDeclarations[type];
    if (typeKind !== undefined) return this.enterType(node, typeKind);
    switch (type) {
      case 'import_declaration':
        this.readImport(node);
        return skipChildren;
      case 'method_declaration':
      case 'constructor_declaration':
        return this.enterMethod(node);
      case 'field_declaration':
        this.readField(node);
        return undefined;
      case 'local_variable_declaration':
        this.bindLocals(node);
        return undefined;
      case 'enhanced_for_statement':
      case 'catch_formal_parameter':
        return this.enterTypedBinding(node);
      case 'lambda_expression':
        return this.enterLambda(node);
      case 'block':
        if (this.functionDepth === 0) return undefined;
        this.scopes.push();
        return () => this.scopes.pop();
      case 'method_invocation':
      case 'object_creation_expression':
      case 'explicit_constructor_invocation':
        this.readCall(node);
        return undefined;
      default:
        return undefined;
    }
  }

  private readImport(node: Node): void {
    const path = node.namedChildren.find(
      (child) => child?.type === 'scoped_identifier' || child?.type === 'identifier',
    );
    if (path === undefined || path === null) return;
    const text = path.text.replace(/\s+/g, '');
    const line = node.startPosition.row + 1;
    const glob = node.namedChildren.some((child) => child?.type === 'asterisk');
    const isStatic = hasToken(node, 'static');
    if (glob) {
      // `import a.b.*` (a package) or `import static a.b.C.*` (a class's static members).
      this.builder.addImport({
        specifier: text,
        line,
        bindings: [{ kind: 'glob', local: '', imported: '' }],
      });
      return;
    }
    const name = text.slice(text.lastIndexOf('.') + 1);
    // `import a.b.C` names the file of C; `import static a.b.C.m` names m inside C's file.
    const specifier = isStatic ? text.slice(0, text.lastIndexOf('.')) : text;
    const binding: ImportBinding = { kind: 'named', local: name, imported: name };
    this.builder.addImport({ specifier, line, bindings: [binding] });
  }

  private enterType(node: Node, kind: EntityKind): Leave | typeof skipChildren {
    if (this.functionDepth > 0) return this.enterLocalType();
    const name = node.childForFieldName('name')?.text ?? '';
    const owner = this.typeEntity >= 0 ? this.builder.entity(this.typeEntity) : undefined;
    const bases: TypeName[] = [];
    const implementations: TypeName[] = [];
    const superclass = node.childForFieldName('superclass');
    if (superclass !== null) pushType(bases, superclass.firstNamedChild);
    const interfaces = node.childForFieldName('interfaces');
    for (const type of interfaces?.firstNamedChild?.namedChildren ?? []) {
      pushType(kind === 'interface' ? bases : implementations, type);
    }
    // `interface A extends B, C` lists its bases in an extends_interfaces clause.
    for (const clause of node.namedChildren) {
      if (clause?.type !== 'extends_interfaces') continue;
      for (const type of clause.firstNamedChild?.namedChildren ?? []) pushType(bases, type);
    }
    const index = this.builder.addEntity({
      kind,
      name,
      qualifiedName: owner === undefined ? name : `${owner.qualifiedName}.${name}`,
      parent: owner === undefined ? 0 : this.typeEntity,
      exported: hasModifier(node, 'public'),
      node,
      ...(bases.length > 0 ? { bases } : {}),
      ...(implementations.length > 0 ? { implements: implementations } : {}),
    });
    if (node.type === 'record_declaration') this.readRecordComponents(index, node);
    const previousType = this.typeEntity;
    const previousCaller = this.caller;
    this.typeEntity = index;
    this.caller = index;
    return () => {
      this.typeEntity = previousType;
      this.caller = previousCaller;
    };
  }

  /** Local and anonymous classes: their members are not entities; calls count for the method. */
  private enterLocalType(): Leave {
    const previousType = this.typeEntity;
    this.typeEntity = -1;
    return () => {
      this.typeEntity = previousType;
    };
  }

  private readRecordComponents(index: number, node: Node): void {
    for (const component of node.childForFieldName('parameters')?.namedChildren ?? []) {
      if (component?.type !== 'formal_parameter') continue;
      const name = component.childForFieldName('name')?.text ?? '';
      const type = typeName(component.childForFieldName('type'));
      this.builder.addField(index, type === null ? { name } : { name, type });
    }
  }

  private enterMethod(node: Node): Leave {
    const parameters = readParameters(node.childForFieldName('parameters'));
    const previousCaller = this.caller;
    const owner = this.typeEntity;
    if (owner >= 0 && this.functionDepth === 0) {
      const name = node.childForFieldName('name')?.text ?? '';
      const returns = typeName(node.childForFieldName('type'));
      const ownerEntity = this.builder.entity(owner);
      const hasBody = node.childForFieldName('body') !== null;
      this.caller = this.builder.addEntity({
        kind: node.type === 'constructor_declaration' ? 'constructor' : 'method',
        name,
        qualifiedName: `${ownerEntity.qualifiedName}.${name}`,
        parent: owner,
        exported: hasModifier(node, 'public') || ownerEntity.kind === 'interface',
        node,
        parameters,
        ...(returns === null ? {} : { returns }),
        ...(hasModifier(node, 'static') ? { isStatic: true } : {}),
        ...(hasBody ? {} : { isAbstract: true }),
      });
    }
    this.scopes.push();
    this.functionDepth++;
    this.scopes.bindParameters(parameters);
    return () => {
      this.functionDepth--;
      this.scopes.pop();
      this.caller = previousCaller;
    };
  }

  private readField(node: Node): void {
    if (this.typeEntity < 0 || this.functionDepth > 0) return;
    const type = typeName(node.childForFieldName('type'));
    for (const declarator of node.childrenForFieldName('declarator')) {
      const name = declarator?.childForFieldName('name')?.text;
      if (name !== undefined)
        this.builder.addField(this.typeEntity, type === null ? { name } : { name, type });
    }
  }

  private bindLocals(node: Node): void {
    const declared = typeName(node.childForFieldName('type'));
    for (const declarator of node.childrenForFieldName('declarator')) {
      const name = declarator?.childForFieldName('name')?.text;
      if (name === undefined || declarator === null) continue;
      // `var x = new Foo()` infers; a declared type wins otherwise.
      const value =
        declared !== null
          ? ({ kind: 'instance', type: declared } as const)
          : this.valueRef(declarator.childForFieldName('value'));
      this.scopes.bind(name, value.kind === 'unknown' ? { kind: 'local', name } : value);
    }
  }

  private enterTypedBinding(node: Node): Leave {
    this.scopes.push();
    const name = node.childForFieldName('name')?.text;
    const type = typeName(node.childForFieldName('type'));
    if (name !== undefined)
      this.scopes.bind(name, type === null ? { kind: 'local', name } : { kind: 'instance', type });
    return () => this.scopes.pop();
  }

  private enterLambda(node: Node): Leave {
    this.scopes.push();
    const parameters = node.childForFieldName('parameters');
    const names = parameters?.type === 'identifier' ? [parameters] : (parameters?.namedChildren ?? []);
    for (const parameter of names) {
      const name =
        parameter?.type === 'identifier' ? parameter.text : parameter?.childForFieldName('name')?.text;
      if (name !== undefined) this.scopes.bind(name, { kind: 'local', name });
    }
    return () => this.scopes.pop();
  }

  private readCall(node: Node): void {
    const line = node.startPosition.row + 1;
    if (node.type === 'object_creation_expression') {
      const type = typeName(node.childForFieldName('type'));
      if (type !== null)
        this.builder.addCall({
          caller: this.caller,
          line,
          target: { kind: 'name', name: type },
          construct: true,
        });
      return;
    }
    if (node.type === 'explicit_constructor_invocation') {
      const target: ValueRef =
        node.childForFieldName('constructor')?.type === 'super' ? { kind: 'super' } : { kind: 'this' };
      this.builder.addCall({ caller: this.caller, line, target, construct: true });
      return;
    }
    const name = node.childForFieldName('name')?.text ?? '';
    const object = node.childForFieldName('object');
    const target: ValueRef =
      object === null ? { kind: 'name', name } : { kind: 'member', object: this.valueRef(object), name };
    this.builder.addCall({ caller: this.caller, line, target });
  }

  private valueRef(node: Node | null, depth = 0): ValueRef {
    if (node === null || depth > 8) return unknownRef;
    switch (node.type) {
      case 'identifier':
        return nameInScope(this.scopes, node.text);
      case 'this':
        return { kind: 'this' };
      case 'super':
        return { kind: 'super' };
      case 'field_access': {
        return memberRef(
          this.valueRef(node.childForFieldName('object'), depth + 1),
          node.childForFieldName('field')?.text ?? '',
        );
      }
      case 'method_invocation': {
        const name = node.childForFieldName('name')?.text ?? '';
        const object = node.childForFieldName('object');
        const callee: ValueRef =
          object === null
            ? { kind: 'name', name }
            : { kind: 'member', object: this.valueRef(object, depth + 1), name };
        return { kind: 'call', target: callee };
      }
      case 'object_creation_expression': {
        const type = typeName(node.childForFieldName('type'));
        return instanceRef(type);
      }
      case 'parenthesized_expression':
        return this.valueRef(node.firstNamedChild, depth + 1);
      case 'cast_expression': {
        const type = typeName(node.childForFieldName('type'));
        return instanceRef(type);
      }
      default:
        return unknownRef;
    }
  }
}

function readParameters(list: Node | null): ParameterFact[] {
  const parameters: ParameterFact[] = [];
  for (const parameter of list?.namedChildren ?? []) {
    if (parameter?.type !== 'formal_parameter' && parameter?.type !== 'spread_parameter') continue;
    const name = parameter.childForFieldName('name')?.text ?? parameter.lastNamedChild?.text ?? '';
    const type = typeName(parameter.childForFieldName('type'));
    parameters.push(type === null ? { name } : { name, type });
  }
  return parameters;
}

/** `Foo`, `Foo<T>`, `a.b.Foo` → the named type (generic arguments dropped). */
function typeName(node: Node | null): TypeName | null {
  let current = node;
  for (let step = 0; current !== null && step < 4; step++) {
    if (current.type === 'type_identifier' || current.type === 'identifier') return current.text;
    if (current.type === 'scoped_type_identifier') return current.text.replace(/\s+/g, '');
    if (current.type !== 'generic_type') return null;
    current = current.firstNamedChild;
  }
  return null;
}

function pushType(list: TypeName[], node: Node | null): void {
  const type = typeName(node);
  if (type !== null) list.push(type);
}

function hasModifier(node: Node, modifier: string): boolean {
  const modifiers = node.namedChildren.find((child) => child?.type === 'modifiers');
  if (modifiers === undefined || modifiers === null) return false;
  for (let index = 0; index < modifiers.childCount; index++) {
    if (modifiers.child(index)?.type === modifier) return true;
  }
  return false;
}

function hasToken(node: Node, token: string): boolean {
  for (let index = 0; index < node.childCount; index++) if (node.child(index)?.type === token) return true;
  return false;
}

export function extractJava(root: Node, builder: FactsBuilder): void {
  new JavaExtractor(builder).run(root);
}
