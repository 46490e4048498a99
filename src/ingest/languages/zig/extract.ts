// Fact extraction for Zig. A file is a struct: its top-level functions, containers (`const S =
// struct { … }`, enums, unions, opaques), constants and variables are entities qualified by the
// file's stem (`utils.add_numbers`, `utils.Store.get`); tests are functions named `test "…"`.
// `@import("x.zig")` binds a namespace, `const f = mod.f` an alias, `const Self = @This()` the
// enclosing container; parameters typed `*Self`/`Store` make receivers resolvable.
import type { Node } from 'web-tree-sitter';
import type { EntityKind, ParameterFact, TypeName, ValueRef } from '../../facts.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import { LocalScopes } from '../../parse/local-scopes.js';
import { walkLeaving, type WalkSpec, type Leave } from '../../parse/syntax-walk.js';
import { instanceRef, nameInScope, unknownRef } from '../../parse/value-refs.js';

const visitedTypes = new Set([
  'variable_declaration',
  'function_declaration',
  'test_declaration',
  'container_field',
  'call_expression',
  'block',
  'for_statement',
  'while_statement',
  'if_statement',
  'payload',
]);

const walkSpec: WalkSpec = { types: visitedTypes };

const containerKinds: Readonly<Record<string, EntityKind>> = {
  struct_declaration: 'struct',
  enum_declaration: 'enum',
  union_declaration: 'union',
  opaque_declaration: 'struct',
};

interface Container {
  readonly entity: number;
  /** The container's name as a type name in this file (`Store`, `Store.Inner`). */
  readonly typeName: string;
  /** Local names for the container itself (`Self` from `const Self = @This()`). */
  readonly selfNames: Set<string>;
}

class ZigExtractor {
  private caller = 0;
  private functionDepth = 0;
  private readonly containers: Container[] = [];
  private readonly scopes = new LocalScopes();
  private readonly prefix: string;

  constructor(private readonly builder: FactsBuilder) {
    this.prefix = `${builder.entity(0).qualifiedName}.`;
  }

  run(root: Node): void {
    walkLeaving(root, walkSpec, (node, type) => this.enter(node, type));
  }

  private enter(node: Node, type: string): Leave | undefined {
    switch (type) {
      case 'variable_declaration':
        return this.enterVariable(node);
      case 'function_declaration':
        return this.enterFunction(node);
      case 'test_declaration':
        return this.enterTest(node);
      case 'container_field':
        this.readField(node);
        return undefined;
      case 'call_expression':
        this.readCall(node);
        return undefined;
      case 'block':
      case 'for_statement':
      case 'while_statement':
      case 'if_statement':
        if (this.functionDepth === 0) return undefined;
        this.scopes.push();
        return () => this.scopes.pop();
      case 'payload':
        // `|item|` captures of for, while, if and catch are locals of unknown type.
        for (const capture of node.namedChildren) {
          if (capture?.type === 'identifier')
            this.scopes.bind(capture.text, { kind: 'local', name: capture.text });
        }
        return undefined;
      default:
        return undefined;
    }
  }

  private get container(): Container | undefined {
    return this.containers[this.containers.length - 1];
  }

  private enterVariable(node: Node): Leave | undefined {
    const name = node.namedChildren.find((child) => child?.type === 'identifier')?.text ?? '';
    const value = initializerOf(node);
    const annotation = node.childForFieldName('type');
    if (this.functionDepth > 0) {
      this.scopes.bind(name, this.localValue(name, annotation, value));
      return undefined;
    }
    const importTarget = value === null ? null : importOf(value);
    if (importTarget !== null) {
      this.builder.addImport({
        specifier: importTarget.specifier,
        line: node.startPosition.row + 1,
        bindings: [
          importTarget.member === null
            ? { kind: 'namespace', local: name, imported: '' }
            : { kind: 'named', local: name, imported: importTarget.member },
        ],
      });
      return undefined;
    }
    if (value?.type === 'builtin_function') return this.readBuiltinDeclaration(node, name, value);
    const containerKind = value === null ? undefined : containerKinds[value.type];
    if (containerKind !== undefined) return this.enterContainer(node, name, containerKind);
    const type = this.typeName(annotation);
    const ref = type !== null ? ({ kind: 'instance', type } as const) : this.valueRef(value);
    const index = this.addMember(node, name, isConstant(node) ? 'constant' : 'variable', {
      ...(ref.kind === 'unknown' ? {} : { value: ref }),
    });
    const previousCaller = this.caller;
    this.caller = index;
    return () => {
      this.caller = previousCaller;
    };
  }

  /** `const Self = @This();` names the enclosing container; other builtins are plain constants. */
  private readBuiltinDeclaration(node: Node, name: string, value: Node): undefined {
    if (value.firstNamedChild?.text === '@This' && this.container !== undefined) {
      this.container.selfNames.add(name);
      return undefined;
    }
    this.addMember(node, name, isConstant(node) ? 'constant' : 'variable', {});
    return undefined;
  }

  private enterContainer(node: Node, name: string, kind: EntityKind): Leave {
    const outer = this.container;
    const index = this.addMember(node, name, kind, {});
    const typeName = outer === undefined ? name : `${outer.typeName}.${name}`;
    this.containers.push({ entity: index, typeName, selfNames: new Set() });
    const previousCaller = this.caller;
    this.caller = index;
    return () => {
      this.containers.pop();
      this.caller = previousCaller;
    };
  }

  private addMember(node: Node, name: string, kind: EntityKind, details: { value?: ValueRef }): number {
    const container = this.container;
    const parent = container?.entity ?? 0;
    const qualifiedName = `${this.builder.entity(parent).qualifiedName}.${name}`;
    return this.builder.addEntity({
      kind,
      name,
      qualifiedName: parent === 0 ? this.prefix + name : qualifiedName,
      parent,
      exported: hasKeyword(node, 'pub'),
      node,
      ...details,
    });
  }

  private enterFunction(node: Node): Leave {
    const name = node.childForFieldName('name')?.text ?? '';
    const parameters = this.readParameters(node);
    this.scopes.push();
    const previousCaller = this.caller;
    if (this.functionDepth === 0) {
      const container = this.container;
      const returns = this.typeName(node.childForFieldName('type'));
      const parent = container?.entity ?? 0;
      this.caller = this.builder.addEntity({
        kind: container === undefined ? 'function' : 'method',
        name,
        qualifiedName: `${parent === 0 ? this.prefix.slice(0, -1) : this.builder.entity(parent).qualifiedName}.${name}`,
        parent,
        exported: hasKeyword(node, 'pub'),
        node,
        parameters,
        ...(returns === null ? {} : { returns }),
      });
    }
    this.scopes.bindParameters(parameters);
    this.functionDepth++;
    return () => {
      this.functionDepth--;
      this.scopes.pop();
      this.caller = previousCaller;
    };
  }

  private enterTest(node: Node): Leave {
    const title = node.namedChildren.find(
      (child) => child?.type === 'string' || child?.type === 'identifier',
    );
    const name = `test ${title?.text ?? ''}`.trim();
    const previousCaller = this.caller;
    this.caller = this.builder.addEntity({
      kind: 'function',
      name,
      qualifiedName: this.prefix + name,
      parent: 0,
      exported: false,
      node,
    });
    this.scopes.push();
    this.functionDepth++;
    return () => {
      this.functionDepth--;
      this.scopes.pop();
      this.caller = previousCaller;
    };
  }

  private readParameters(fn: Node): ParameterFact[] {
    const parameters: ParameterFact[] = [];
    const list = fn.namedChildren.find((child) => child?.type === 'parameters');
    for (const parameter of list?.namedChildren ?? []) {
      if (parameter?.type !== 'parameter') continue;
      const name = parameter.childForFieldName('name')?.text ?? '';
      const type = this.typeName(parameter.childForFieldName('type'));
      parameters.push(type === null ? { name } : { name, type });
    }
    return parameters;
  }

  private readField(node: Node): void {
    const container = this.container;
    if (container === undefined || this.functionDepth > 0) return;
    const name = node.childForFieldName('name')?.text ?? '';
    const type = this.typeName(node.childForFieldName('type'));
    this.builder.addField(container.entity, type === null ? { name } : { name, type });
  }

  private readCall(node: Node): void {
    const callee = node.childForFieldName('function');
    if (callee === null) return;
    const line = node.startPosition.row + 1;
    this.builder.addCall({ caller: this.caller, line, target: this.valueRef(callee) });
    for (const argument of node.namedChildren) {
      if (argument === null || argument.id === callee.id) continue;
      if (argument.type !== 'identifier' && argument.type !== 'field_expression') continue;
      const target = this.valueRef(argument);
      if (target.kind === 'name' || (target.kind === 'member' && target.object.kind === 'name')) {
        this.builder.addReference({ from: this.caller, line, target, role: 'argument' });
      }
    }
  }

  /** What a local holds: its declared type, a struct literal's type, or what its initializer denotes. */
  private localValue(name: string, annotation: Node | null, value: Node | null): ValueRef {
    const type = this.typeName(annotation);
    if (type !== null) return { kind: 'instance', type };
    const ref = this.valueRef(value);
    return ref.kind === 'unknown' ? { kind: 'local', name } : ref;
  }

  private valueRef(node: Node | null, depth = 0): ValueRef {
    if (node === null || depth > 8) return unknownRef;
    switch (node.type) {
      case 'identifier': {
        const container = this.container;
        if (container !== undefined && container.selfNames.has(node.text))
          return { kind: 'name', name: container.typeName };
        return nameInScope(this.scopes, node.text);
      }
      case 'field_expression': {
        const member = node.childForFieldName('member')?.text;
        const object = node.childForFieldName('object');
        if (member === undefined || object === null) return unknownRef;
        return { kind: 'member', object: this.valueRef(object, depth + 1), name: member };
      }
      case 'call_expression':
        return { kind: 'call', target: this.valueRef(node.childForFieldName('function'), depth + 1) };
      case 'struct_initializer': {
        const type = this.typeName(node.firstNamedChild);
        return instanceRef(type);
      }
      case 'try_expression':
      case 'parenthesized_expression':
      case 'comptime_expression':
        return this.valueRef(node.lastNamedChild, depth + 1);
      default:
        return unknownRef;
    }
  }

  /** `Store`, `*Store`, `*const Self`, `?*Store`, `utils.Store` → the named type. */
  private typeName(node: Node | null): TypeName | null {
    let current = node;
    for (let step = 0; current !== null && step < 8; step++) {
      if (
        current.type === 'pointer_type' ||
        current.type === 'nullable_type' ||
        current.type === 'error_union_type'
      ) {
        current = current.lastNamedChild;
        continue;
      }
      if (current.type === 'identifier') {
        const container = this.container;
        if (container !== undefined && container.selfNames.has(current.text)) return container.typeName;
        return current.text;
      }
      if (current.type === 'field_expression') return current.text.replace(/\s+/g, '');
      return null;
    }
    return null;
  }
}

/** The initializer of `[pub] const name[: type] = value;`: the named child after name and type. */
function initializerOf(declaration: Node): Node | null {
  const type = declaration.childForFieldName('type');
  let seenName = false;
  for (const child of declaration.namedChildren) {
    if (child === null || child.type === 'comment' || child.id === type?.id) continue;
    if (!seenName && child.type === 'identifier') {
      seenName = true;
      continue;
    }
    return child;
  }
  return null;
}

/** `@import("x.zig")` or `@import("x.zig").Member`. */
function importOf(value: Node): { specifier: string; member: string | null } | null {
  let member: string | null = null;
  let call = value;
  if (value.type === 'field_expression') {
    member = value.childForFieldName('member')?.text ?? null;
    call = value.childForFieldName('object') ?? value;
  }
  if (call.type !== 'builtin_function' || call.firstNamedChild?.text !== '@import') return null;
  const argument = call.namedChildren.find((child) => child?.type === 'arguments')?.firstNamedChild;
  const specifier = argument?.namedChildren.find((child) => child?.type === 'string_content')?.text;
  return specifier === undefined ? null : { specifier, member };
}

function isConstant(declaration: Node): boolean {
  return hasKeyword(declaration, 'const');
}

function hasKeyword(node: Node, keyword: string): boolean {
  for (let index = 0; index < node.childCount; index++) {
    const child = node.child(index);
    if (child?.type === keyword) return true;
    if (child?.isNamed) return false;
  }
  return false;
}

export function extractZig(root: Node, builder: FactsBuilder): void {
  new ZigExtractor(builder).run(root);
}
