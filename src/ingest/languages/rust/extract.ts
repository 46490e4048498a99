// Fact extraction for Rust. Functions, structs, enums, unions, traits (with their methods), type
// aliases, consts and statics are entities qualified by the module path (`utils.add`,
// `store.Store.get`; items of the crate root are unqualified). Methods in `impl` blocks attach to
// their type by name (the `owner`), `impl Trait for Type` records an implementation, `Self` is
// replaced by the impl's type, and paths rooted at `crate`, `self` or `super` become namespace
// imports so `crate::utils::add()` resolves like `utils::add()` after `use crate::utils`.
import type { Node } from 'web-tree-sitter';
import type { EntityKind, ImportBinding, ParameterFact, TypeName, ValueRef } from '../../facts.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import { LocalScopes } from '../../parse/local-scopes.js';
import { skipChildren, walkLeaving, type WalkSpec, type Leave } from '../../parse/syntax-walk.js';
import { isCrateRootFile } from './module-paths.js';
import { instanceRef, memberRef, nameInScope, unknownRef } from '../../parse/value-refs.js';

const visitedTypes = new Set([
  'use_declaration',
  'mod_item',
  'function_item',
  'function_signature_item',
  'struct_item',
  'enum_item',
  'union_item',
  'trait_item',
  'impl_item',
  'type_item',
  'const_item',
  'static_item',
  'let_declaration',
  'closure_expression',
  'block',
  'call_expression',
]);

const walkSpec: WalkSpec = { types: visitedTypes };

const itemKinds: Readonly<Record<string, EntityKind>> = {
  struct_item: 'struct',
  enum_item: 'enum',
  union_item: 'union',
  type_item: 'type_alias',
  const_item: 'constant',
  static_item: 'variable',
};

/** Path roots that name modules of this crate rather than external crates. */
const moduleRoots = new Set(['crate', 'self', 'super']);

class RustExtractor {
  private caller = 0;
  private functionDepth = 0;
  /** Inline `mod name { … }` qualifiers. */
  private modulePrefix: string;
  /** The type of the `impl` block being walked (replaces `Self`), and its trait if any. */
  private implType: TypeName | null = null;
  private traitEntity = -1;
  /** True between a trait's braces (and not in an impl block inside a function there). */
  private inTraitBody = false;
  private readonly scopes = new LocalScopes();
  private readonly rootImports = new Set<string>();

  constructor(private readonly builder: FactsBuilder) {
    // Items of a crate root are unqualified; others carry their module path.
    this.modulePrefix = isCrateRootFile(builder.path) ? '' : `${builder.entity(0).qualifiedName}.`;
  }

  run(root: Node): void {
    walkLeaving(root, walkSpec, (node, type) => this.enter(node, type));
  }

  private enter(node: Node, type: string): Leave | typeof skipChildren | undefined {
    switch (type) {
      case 'use_declaration':
        this.readUse(node);
        return skipChildren;
      case 'mod_item':
        return this.enterModule(node);
      case 'function_item':
      case 'function_signature_item':
        return this.enterFunction(node);
      case 'trait_item':
        return this.enterTrait(node);
      case 'impl_item':
        return this.enterImpl(node);
      case 'let_declaration':
        this.bindLet(node);
        return undefined;
      case 'closure_expression':
        return this.enterClosure(node);
      case 'block':
        if (this.functionDepth === 0) return undefined;
        this.scopes.push();
        return () => this.scopes.pop();
      case 'call_expression':
        this.readCall(node);
        return undefined;
      default: {
        const kind = itemKinds[type];
        return kind === undefined || this.functionDepth > 0 ? undefined : this.enterItem(node, kind);
      }
    }
  }

  private readUse(node: Node): void {
    const reexport = hasVisibility(node) ? ({ reexport: 'also' } as const) : {};
    const line = node.startPosition.row + 1;
    const pending: { node: Node; prefix: string }[] = [
      { node: node.childForFieldName('argument') as Node, prefix: '' },
    ];
    while (pending.length > 0 && pending.length < 256) {
      const { node: part, prefix } = pending.pop() as { node: Node; prefix: string };
      if (part === null) continue;
      const join = (path: string): string => (prefix === '' ? path : `${prefix}::${path}`);
      if (part.type === 'scoped_use_list') {
        const path = part.childForFieldName('path')?.text ?? '';
        for (const child of part.childForFieldName('list')?.namedChildren ?? []) {
          if (child !== null) pending.push({ node: child, prefix: join(path) });
        }
      } else if (part.type === 'use_list') {
        for (const child of part.namedChildren) if (child !== null) pending.push({ node: child, prefix });
      } else if (part.type === 'use_wildcard') {
        const path = part.firstNamedChild?.text ?? '';
        this.builder.addImport({
          specifier: join(path),
          line,
          bindings: [{ kind: 'glob', local: '', imported: '' }],
          ...reexport,
        });
      } else if (part.type === 'use_as_clause') {
        const path = join(part.childForFieldName('path')?.text ?? '');
        const alias = part.childForFieldName('alias')?.text ?? '';
        this.addUse(path, alias, line, reexport);
      } else {
        const path = join(part.text.replace(/\s+/g, ''));
        this.addUse(path, path.slice(path.lastIndexOf('::') + 2), line, reexport);
      }
    }
  }

  /** `use a::b::c as d`: `d` names item `c` of module `a::b` (or module `a::b::c` itself). */
  private addUse(path: string, local: string, line: number, reexport: { reexport?: 'also' }): void {
    const cut = path.lastIndexOf('::');
    if (cut < 0) {
      // `use utils;` or `use self;`-like forms: the whole path is a module.
      this.builder.addImport({
        specifier: path,
        line,
        bindings: [{ kind: 'namespace', local, imported: '' }],
        ...reexport,
      });
      return;
    }
    const module = path.slice(0, cut);
    const imported = path.slice(cut + 2);
    const binding: ImportBinding =
      imported === 'self'
        ? { kind: 'namespace', local: module.slice(module.lastIndexOf('::') + 2), imported: '' }
        : { kind: 'named', local, imported };
    this.builder.addImport({ specifier: module, line, bindings: [binding], ...reexport });
  }

  private enterModule(node: Node): Leave | typeof skipChildren {
    const name = node.childForFieldName('name')?.text ?? '';
    const body = node.childForFieldName('body');
    if (body === null) {
      // `mod utils;` declares the child module file and binds its name.
      this.builder.addImport({
        specifier: `self::${name}`,
        line: node.startPosition.row + 1,
        bindings: [{ kind: 'namespace', local: name, imported: '' }],
        ...(hasVisibility(node) ? { reexport: 'also' as const } : {}),
      });
      return skipChildren;
    }
    if (this.functionDepth > 0) return skipChildren;
    const previous = this.modulePrefix;
    this.modulePrefix = `${previous}${name}.`;
    return () => {
      this.modulePrefix = previous;
    };
  }

  private enterItem(node: Node, kind: EntityKind): undefined {
    const name = node.childForFieldName('name')?.text ?? '';
    const details: { aliasOf?: TypeName; bases?: TypeName[] } = {};
    if (kind === 'type_alias') {
      const aliasOf = this.typeName(node.childForFieldName('type'));
      if (aliasOf !== null) details.aliasOf = aliasOf;
    }
    const index = this.builder.addEntity({
      kind,
      name,
      qualifiedName: this.modulePrefix + name,
      parent: 0,
      exported: hasVisibility(node),
      node,
      ...details,
    });
    if (kind === 'struct' || kind === 'union') this.readFields(index, node.childForFieldName('body'));
    return undefined;
  }

  private readFields(index: number, body: Node | null): void {
    for (const field of body?.namedChildren ?? []) {
      if (field?.type !== 'field_declaration') continue;
      const name = field.childForFieldName('name')?.text ?? '';
      const type = this.typeName(field.childForFieldName('type'));
      this.builder.addField(index, type === null ? { name } : { name, type });
    }
  }

  private enterTrait(node: Node): Leave | typeof skipChildren {
    if (this.functionDepth > 0) return skipChildren;
    const name = node.childForFieldName('name')?.text ?? '';
    const bases: TypeName[] = [];
    for (const bound of node.childForFieldName('bounds')?.namedChildren ?? []) {
      const base = bound === null ? null : this.typeName(bound);
      if (base !== null) bases.push(base);
    }
    const previousTrait = this.traitEntity;
    const previousImpl = this.implType;
    const previousInTrait = this.inTraitBody;
    this.inTraitBody = true;
    this.traitEntity = this.builder.addEntity({
      kind: 'trait',
      name,
      qualifiedName: this.modulePrefix + name,
      parent: 0,
      exported: hasVisibility(node),
      node,
      ...(bases.length > 0 ? { bases } : {}),
    });
    this.implType = name;
    return () => {
      this.traitEntity = previousTrait;
      this.implType = previousImpl;
      this.inTraitBody = previousInTrait;
    };
  }

  private enterImpl(node: Node): Leave | typeof skipChildren {
    if (this.functionDepth > 0) return skipChildren;
    const type = this.typeName(node.childForFieldName('type'));
    const trait = this.typeName(node.childForFieldName('trait'));
    if (type !== null && trait !== null) {
      this.builder.addImplementation({ type, trait, line: node.startPosition.row + 1 });
    }
    const previous = this.implType;
    const previousInTrait = this.inTraitBody;
    this.implType = type;
    this.inTraitBody = false;
    return () => {
      this.implType = previous;
      this.inTraitBody = previousInTrait;
    };
  }

  private enterFunction(node: Node): Leave | typeof skipChildren {
    const name = node.childForFieldName('name')?.text ?? '';
    const parameterList = node.childForFieldName('parameters');
    const parameters = this.readParameters(parameterList);
    const hasSelf = parameterList?.namedChildren.some((child) => child?.type === 'self_parameter') === true;
    const previousCaller = this.caller;
    if (this.functionDepth === 0) {
      const returns = this.typeName(node.childForFieldName('return_type'));
      const inTrait = this.inTraitBody;
      const owner = this.implType;
      this.caller = this.builder.addEntity({
        kind: owner === null ? 'function' : 'method',
        name,
        qualifiedName: owner === null ? this.modulePrefix + name : `${this.modulePrefix}${owner}.${name}`,
        parent: inTrait ? this.traitEntity : 0,
        exported: hasVisibility(node) || inTrait,
        node,
        parameters,
        ...(owner !== null && !inTrait ? { owner } : {}),
        ...(returns === null ? {} : { returns }),
        ...(owner !== null && !hasSelf ? { isStatic: true } : {}),
        ...(node.type === 'function_signature_item' ? { isAbstract: true } : {}),
      });
    }
    if (node.type === 'function_signature_item') {
      this.caller = previousCaller;
      return skipChildren;
    }
    this.scopes.push();
    this.functionDepth++;
    if (hasSelf) this.scopes.bind('self', { kind: 'this' });
    this.scopes.bindParameters(parameters);
    return () => {
      this.functionDepth--;
      this.scopes.pop();
      this.caller = previousCaller;
    };
  }

  private enterClosure(node: Node): Leave {
    this.scopes.push();
    for (const parameter of node.childForFieldName('parameters')?.namedChildren ?? []) {
      const pattern = parameter?.type === 'parameter' ? parameter.childForFieldName('pattern') : parameter;
      if (pattern?.type === 'identifier')
        this.scopes.bind(pattern.text, { kind: 'local', name: pattern.text });
    }
    return () => this.scopes.pop();
  }

  private readParameters(list: Node | null): ParameterFact[] {
    const parameters: ParameterFact[] = [];
    for (const parameter of list?.namedChildren ?? []) {
      if (parameter?.type !== 'parameter') continue;
      const pattern = parameter.childForFieldName('pattern');
      const name = pattern?.type === 'identifier' ? pattern.text : '';
      const type = this.typeName(parameter.childForFieldName('type'));
      parameters.push(type === null ? { name } : { name, type });
    }
    return parameters;
  }

  private bindLet(node: Node): void {
    if (this.functionDepth === 0) return;
    const pattern = node.childForFieldName('pattern');
    const name = pattern?.type === 'identifier' ? pattern.text : null;
    if (name === null) {
      for (const identifier of pattern?.descendantsOfType('identifier') ?? []) {
        if (identifier !== null) this.scopes.bind(identifier.text, { kind: 'local', name: identifier.text });
      }
      return;
    }
    const type = this.typeName(node.childForFieldName('type'));
    const value =
      type !== null ? ({ kind: 'instance', type } as const) : this.valueRef(node.childForFieldName('value'));
    this.scopes.bind(name, value.kind === 'unknown' ? { kind: 'local', name } : value);
  }

  private readCall(node: Node): void {
    const callee = node.childForFieldName('function');
    if (callee === null) return;
    const line = node.startPosition.row + 1;
    this.builder.addCall({ caller: this.caller, line, target: this.valueRef(callee) });
    for (const argument of node.childForFieldName('arguments')?.namedChildren ?? []) {
      if (argument?.type !== 'identifier' && argument?.type !== 'scoped_identifier') continue;
      const target = this.valueRef(argument);
      if (target.kind === 'name' || (target.kind === 'member' && target.object.kind === 'name')) {
        this.builder.addReference({ from: this.caller, line, target, role: 'argument' });
      }
    }
  }

  private valueRef(node: Node | null, depth = 0): ValueRef {
    if (node === null || depth > 8) return unknownRef;
    switch (node.type) {
      case 'identifier':
        return nameInScope(this.scopes, node.text);
      case 'self':
        return { kind: 'this' };
      case 'crate':
      case 'super':
        return this.moduleRoot(node.type);
      case 'type_identifier':
        return {
          kind: 'name',
          name: node.text === 'Self' && this.implType !== null ? this.implType : node.text,
        };
      case 'scoped_identifier':
      case 'scoped_type_identifier': {
        const name = node.childForFieldName('name')?.text ?? '';
        const path = node.childForFieldName('path');
        // `self::x` is `x` in this module's own scope.
        if (path === null || path.type === 'self') return { kind: 'name', name };
        return { kind: 'member', object: this.valueRef(path, depth + 1), name };
      }
      case 'generic_function':
        return this.valueRef(node.childForFieldName('function'), depth + 1);
      case 'field_expression': {
        return memberRef(
          this.valueRef(node.childForFieldName('value'), depth + 1),
          node.childForFieldName('field')?.text ?? '',
        );
      }
      case 'call_expression':
        return { kind: 'call', target: this.valueRef(node.childForFieldName('function'), depth + 1) };
      case 'struct_expression': {
        const type = this.typeName(node.childForFieldName('name'));
        return instanceRef(type);
      }
      case 'reference_expression':
      case 'try_expression':
      case 'parenthesized_expression':
      case 'await_expression':
        return this.valueRef(node.childForFieldName('value') ?? node.firstNamedChild, depth + 1);
      default:
        return unknownRef;
    }
  }

  /** `crate` and `super` as values: namespace imports of the crate root and the parent module. */
  private moduleRoot(root: string): ValueRef {
    if (moduleRoots.has(root) && !this.rootImports.has(root)) {
      this.rootImports.add(root);
      this.builder.addImport({
        specifier: root,
        line: 1,
        bindings: [{ kind: 'namespace', local: root, imported: '' }],
      });
    }
    return { kind: 'name', name: root };
  }

  /** `Store`, `&mut Store`, `Box<Store>`-free paths, `dyn Trait`, `impl Trait`, `Self` → named type. */
  private typeName(node: Node | null): TypeName | null {
    let current = node;
    for (let step = 0; current !== null && step < 8; step++) {
      switch (current.type) {
        case 'type_identifier':
          return current.text === 'Self' ? this.implType : current.text;
        case 'scoped_type_identifier': {
          const path = current.text.replace(/\s+/g, '').split('::');
          if (path[0] === 'self') path.shift();
          else if (moduleRoots.has(path[0] ?? '')) this.moduleRoot(path[0] as string);
          return path.join('.');
        }
        case 'generic_type':
          current = current.childForFieldName('type');
          break;
        case 'reference_type':
        case 'pointer_type':
          current = current.childForFieldName('type');
          break;
        case 'dynamic_type':
        case 'abstract_type':
          current = current.childForFieldName('trait');
          break;
        default:
          return null;
      }
    }
    return null;
  }
}

function hasVisibility(node: Node): boolean {
  return node.namedChildren.some((child) => child?.type === 'visibility_modifier');
}

export function extractRust(root: Node, builder: FactsBuilder): void {
  new RustExtractor(builder).run(root);
}
