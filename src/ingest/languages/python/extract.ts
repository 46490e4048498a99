// Fact extraction for Python. Module-level functions, classes (and classes nested in classes),
// methods and module-level assignments are entities, qualified by the dotted module name
// (`pkg.utils.add_numbers`, `pkg.utils.Store.get`). `self` (the first parameter of a method) is the
// receiver; `super()` is the base; `self.x = …` and class attributes are fields. Python has no
// block scope, so locals are bound per function as assignments are met.
import type { Node } from 'web-tree-sitter';
import type { ImportBinding, TypeName, ValueRef } from '../../facts.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import { LocalScopes } from '../../parse/local-scopes.js';
import type { Leave, WalkContext, WalkSpec } from '../../parse/syntax-walk.js';
import { skipChildren, walkLeaving } from '../../parse/syntax-walk.js';
import { memberRef, nameInScope, unknownRef } from '../../parse/value-refs.js';

const visitedTypes = new Set([
  'import_statement',
  'import_from_statement',
  'function_definition',
  'class_definition',
  'assignment',
  'augmented_assignment',
  'call',
  'for_statement',
  'for_in_clause',
  'with_item',
  'except_clause',
  'lambda',
]);

const walkSpec: WalkSpec = {
  types: visitedTypes,
  context: new Set(['decorated_definition', 'expression_statement']),
};

class PythonExtractor {
  private caller = 0;
  private typeEntity = -1;
  private functionDepth = 0;
  private prefix: string;
  private readonly scopes = new LocalScopes();
  private walk!: WalkContext;

  constructor(private readonly builder: FactsBuilder) {
    this.prefix = `${builder.entity(0).qualifiedName}.`;
  }

  run(root: Node): void {
    walkLeaving(root, walkSpec, (node, type, context) => {
      this.walk = context;
      return this.enter(node, type);
    });
  }

  private enter(node: Node, type: string): Leave | typeof skipChildren | undefined {
    switch (type) {
      case 'import_statement':
      case 'import_from_statement':
        this.readImport(node);
        return skipChildren;
      case 'function_definition':
        return this.enterFunction(node);
      case 'class_definition':
        return this.enterClass(node);
      case 'assignment':
      case 'augmented_assignment':
        return this.enterAssignment(node);
      case 'call':
        this.readCall(node);
        return undefined;
      case 'for_statement':
      case 'for_in_clause':
        this.bindTargets(node.childForFieldName('left'));
        return undefined;
      case 'with_item':
        this.bindTargets(node.childForFieldName('value')?.childForFieldName('alias') ?? null);
        return undefined;
      case 'except_clause':
        this.bindTargets(
          node.namedChildren.find((child) => child?.type === 'as_pattern')?.childForFieldName('alias') ??
            null,
        );
        return undefined;
      case 'lambda':
        return this.enterLambda(node);
      case 'identifier':
      case 'attribute':
        return this.readArgument(node);
      default:
        return undefined;
    }
  }

  /** Binds loop and `with` targets as locals (inside functions; at module level they are globals). */
  private bindTargets(target: Node | null): void {
    if (target === null || this.functionDepth === 0) return;
    for (const name of identifiersIn(target)) this.scopes.bind(name, { kind: 'local', name });
  }

  private readImport(node: Node): void {
    const line = node.startPosition.row + 1;
    if (node.type === 'import_statement') {
      for (const name of node.childrenForFieldName('name')) {
        if (name === null) continue;
        const aliased = name.type === 'aliased_import';
        const dotted = aliased ? (name.childForFieldName('name')?.text ?? '') : name.text;
        const alias = aliased ? name.childForFieldName('alias')?.text : undefined;
        if (alias !== undefined) {
          this.addImport(dotted, line, [{ kind: 'namespace', local: alias, imported: '' }]);
          continue;
        }
        // `import a.b.c` binds `a`; the edge goes to a.b.c itself.
        const head = dotted.split('.')[0] ?? dotted;
        this.addImport(head, line, [{ kind: 'namespace', local: head, imported: '' }]);
        if (head !== dotted) this.addImport(dotted, line, []);
      }
      return;
    }
    const module = node.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? '';
    const bindings: ImportBinding[] = [];
    if (node.namedChildren.some((child) => child?.type === 'wildcard_import')) {
      bindings.push({ kind: 'glob', local: '', imported: '' });
    }
    for (const name of node.childrenForFieldName('name')) {
      if (name === null) continue;
      const aliased = name.type === 'aliased_import';
      const imported = aliased ? (name.childForFieldName('name')?.text ?? '') : name.text;
      const local = aliased ? (name.childForFieldName('alias')?.text ?? imported) : imported;
      bindings.push({ kind: 'named', local, imported });
    }
    this.addImport(module, line, bindings);
  }

  private addImport(specifier: string, line: number, bindings: ImportBinding[]): void {
    this.builder.addImport({ specifier, line, bindings });
    if (this.functionDepth > 0) {
      // An import inside a function binds a local: shadowing must not leak to module scope.
      for (const binding of bindings) {
        if (binding.local !== '') this.scopes.bind(binding.local, { kind: 'local', name: binding.local });
      }
    }
  }

  private enterFunction(node: Node): Leave {
    const name = node.childForFieldName('name')?.text ?? '';
    const decorators = this.decoratorNames();
    const isStatic = decorators.includes('staticmethod');
    const parameters = readParameters(node.childForFieldName('parameters'));
    // Module level includes `if`/`try` blocks at module level (`try: … except ImportError: def f`).
    const modelled = this.functionDepth === 0;
    const inClass = modelled && this.typeEntity >= 0;
    const previousCaller = this.caller;
    this.scopes.push();
    this.functionDepth++;
    if (modelled) {
      const returns = annotationType(node.childForFieldName('return_type'));
      const isConstructor = inClass && name === '__init__';
      const owner = inClass ? this.builder.entity(this.typeEntity) : undefined;
      this.caller = this.builder.addEntity({
        kind: isConstructor ? 'constructor' : inClass ? 'method' : 'function',
        name,
        qualifiedName: owner === undefined ? this.prefix + name : `${owner.qualifiedName}.${name}`,
        parent: inClass ? this.typeEntity : 0,
        exported: !name.startsWith('_') || name.startsWith('__'),
        node: this.rangeNode(node),
        parameters: (inClass && !isStatic ? parameters.slice(1) : parameters).map((parameter) =>
          parameter.type === null ? { name: parameter.name } : { name: parameter.name, type: parameter.type },
        ),
        ...(returns === null ? {} : { returns }),
        ...(isStatic ? { isStatic } : {}),
      });
    }
    parameters.forEach((parameter, position) => {
      // The first parameter of a method is the receiver (`self`, or `cls` for class methods).
      if (inClass && !isStatic && position === 0) this.scopes.bind(parameter.name, { kind: 'this' });
      else if (parameter.type !== null)
        this.scopes.bind(parameter.name, { kind: 'instance', type: parameter.type });
      else this.scopes.bind(parameter.name, { kind: 'local', name: parameter.name });
    });
    const previousType = this.typeEntity;
    // Classes declared inside a function are locals; their methods are not entities.
    this.typeEntity = inClass ? this.typeEntity : -1;
    return () => {
      this.functionDepth--;
      this.scopes.pop();
      this.caller = previousCaller;
      this.typeEntity = previousType;
    };
  }

  private enterLambda(node: Node): Leave {
    this.scopes.push();
    for (const parameter of readParameters(node.childForFieldName('parameters'))) {
      this.scopes.bind(parameter.name, { kind: 'local', name: parameter.name });
    }
    return () => this.scopes.pop();
  }

  private enterClass(node: Node): Leave {
    const name = node.childForFieldName('name')?.text ?? '';
    const modelled = this.functionDepth === 0;
    const previousType = this.typeEntity;
    const previousCaller = this.caller;
    if (!modelled) {
      if (this.functionDepth > 0) this.scopes.bind(name, { kind: 'local', name });
      this.typeEntity = -1;
      return () => {
        this.typeEntity = previousType;
      };
    }
    const bases: TypeName[] = [];
    for (const argument of node.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (argument?.type === 'identifier' || argument?.type === 'attribute')
        bases.push(argument.text.replace(/\s+/g, ''));
    }
    const owner = this.typeEntity >= 0 ? this.builder.entity(this.typeEntity) : undefined;
    const index = this.builder.addEntity({
      kind: 'class',
      name,
      qualifiedName: owner === undefined ? this.prefix + name : `${owner.qualifiedName}.${name}`,
      parent: owner === undefined ? 0 : this.typeEntity,
      exported: !name.startsWith('_'),
      node: this.rangeNode(node),
      ...(bases.length > 0 ? { bases } : {}),
    });
    this.typeEntity = index;
    this.caller = index;
    return () => {
      this.typeEntity = previousType;
      this.caller = previousCaller;
    };
  }

  private rangeNode(node: Node): Node {
    return this.walk.typeAbove(1) === 'decorated_definition' ? (this.walk.nodeAbove(1) as Node) : node;
  }

  private decoratorNames(): string[] {
    if (this.walk.typeAbove(1) !== 'decorated_definition') return [];
    const decorated = this.walk.nodeAbove(1);
    return (decorated?.namedChildren ?? [])
      .filter((child): child is Node => child?.type === 'decorator')
      .map((decorator) => decorator.firstNamedChild?.text ?? '');
  }

  private enterAssignment(node: Node): Leave | undefined {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const annotated = annotationType(node.childForFieldName('type'));
    if (left === null) return undefined;
    const value =
      annotated !== null ? ({ kind: 'instance', type: annotated } as const) : this.valueRef(right);
    if (left.type === 'attribute' && left.childForFieldName('object')?.text === 'self') {
      const name = left.childForFieldName('attribute')?.text ?? '';
      if (this.typeEntity >= 0 && value.kind !== 'unknown' && value.kind !== 'local') {
        this.builder.addField(
          this.typeEntity,
          annotated !== null ? { name, type: annotated } : { name, value },
        );
      }
      return undefined;
    }
    if (left.type !== 'identifier') {
      for (const name of identifiersIn(left))
        if (this.functionDepth > 0) this.scopes.bind(name, { kind: 'local', name });
      return undefined;
    }
    const name = left.text;
    if (this.functionDepth > 0) {
      this.scopes.bind(name, value.kind === 'unknown' ? { kind: 'local', name } : value);
      return undefined;
    }
    if (this.typeEntity >= 0) {
      this.builder.addField(
        this.typeEntity,
        annotated !== null ? { name, type: annotated } : { name, value },
      );
      return undefined;
    }
    if (node.type !== 'assignment') return undefined;
    const statement =
      this.walk.typeAbove(1) === 'expression_statement' ? (this.walk.nodeAbove(1) as Node) : node;
    const index = this.builder.addEntity({
      kind: /^[A-Z][A-Z0-9_]*$/.test(name) ? 'constant' : 'variable',
      name,
      qualifiedName: this.prefix + name,
      parent: 0,
      exported: !name.startsWith('_'),
      node: statement,
      ...(value.kind === 'unknown' ? {} : { value }),
    });
    // Calls in the initializer belong to the variable (`handler = make_handler()`).
    const previousCaller = this.caller;
    this.caller = index;
    return () => {
      this.caller = previousCaller;
    };
  }

  private readCall(node: Node): void {
    const callee = node.childForFieldName('function');
    if (callee === null) return;
    // `super()` alone is not a call into the project; `super().f()` is recorded as `super.f`.
    if (callee.type === 'identifier' && callee.text === 'super') return;
    const line = node.startPosition.row + 1;
    this.builder.addCall({ caller: this.caller, line, target: this.valueRef(callee) });
  }

  /** A function passed by name (`map(fn, items)`, `register(self.on_close)`) is a reference. */
  private readArgument(argument: Node): undefined {
    const target = this.valueRef(argument);
    const named =
      target.kind === 'name' ||
      (target.kind === 'member' && target.object.kind !== 'local' && target.object.kind !== 'unknown');
    if (named) {
      this.builder.addReference({
        from: this.caller,
        line: argument.startPosition.row + 1,
        target,
        role: 'argument',
      });
    }
    // Its children are still walked: `f(g().x)` calls g.
    return undefined;
  }

  private valueRef(node: Node | null, depth = 0): ValueRef {
    if (node === null || depth > 8) return unknownRef;
    switch (node.type) {
      case 'identifier':
        return nameInScope(this.scopes, node.text);
      case 'attribute': {
        return memberRef(
          this.valueRef(node.childForFieldName('object'), depth + 1),
          node.childForFieldName('attribute')?.text ?? '',
        );
      }
      case 'call': {
        const callee = node.childForFieldName('function');
        if (callee?.type === 'identifier' && callee.text === 'super') return { kind: 'super' };
        return { kind: 'call', target: this.valueRef(callee, depth + 1) };
      }
      case 'parenthesized_expression':
        return this.valueRef(node.firstNamedChild, depth + 1);
      default:
        return unknownRef;
    }
  }
}

interface PythonParameter {
  readonly name: string;
  readonly type: TypeName | null;
}

function readParameters(list: Node | null): PythonParameter[] {
  const parameters: PythonParameter[] = [];
  for (const parameter of list?.namedChildren ?? []) {
    if (parameter === null) continue;
    if (parameter.type === 'identifier') parameters.push({ name: parameter.text, type: null });
    else if (parameter.type === 'typed_parameter' || parameter.type === 'typed_default_parameter') {
      const name = parameter.childForFieldName('name') ?? parameter.firstNamedChild;
      parameters.push({ name: name?.text ?? '', type: annotationType(parameter.childForFieldName('type')) });
    } else if (parameter.type === 'default_parameter') {
      parameters.push({ name: parameter.childForFieldName('name')?.text ?? '', type: null });
    } else if (parameter.type === 'list_splat_pattern' || parameter.type === 'dictionary_splat_pattern') {
      parameters.push({ name: parameter.firstNamedChild?.text ?? '', type: null });
    }
  }
  return parameters;
}

const wrapperGenerics = new Set(['Optional', 'Final', 'ClassVar', 'Annotated', 'Type']);

/** `Store`, `mod.Store`, `"Store"`, `Optional[Store]`, `Store | None` → the named type. */
function annotationType(node: Node | null): TypeName | null {
  let current = node;
  for (let step = 0; current !== null && step < 8; step++) {
    switch (current.type) {
      case 'type':
        current = current.firstNamedChild;
        break;
      case 'identifier':
      case 'attribute':
        return current.text === 'None' ? null : current.text.replace(/\s+/g, '');
      case 'string': {
        const text = current.text.replace(/^[rbuf]*['"]+|['"]+$/gi, '');
        return /^[A-Za-z_][\w.]*$/.test(text) ? text : null;
      }
      case 'generic_type': {
        const head = current.firstNamedChild?.text ?? '';
        if (!wrapperGenerics.has(head)) return null;
        current = current.namedChild(1)?.firstNamedChild ?? null;
        break;
      }
      case 'binary_operator': {
        const operands = [current.childForFieldName('left'), current.childForFieldName('right')];
        const named = operands.filter((operand) => operand !== null && operand.text !== 'None');
        current = named.length === 1 ? (named[0] as Node) : null;
        break;
      }
      default:
        return null;
    }
  }
  return null;
}

/** Every identifier bound by an assignment or loop target (`a, (b, c)`, `*rest`). */
function identifiersIn(target: Node): string[] {
  const names: string[] = [];
  const pending: Node[] = [target];
  while (pending.length > 0 && names.length < 64) {
    const node = pending.pop() as Node;
    if (node.type === 'identifier') names.push(node.text);
    else if (node.type !== 'attribute' && node.type !== 'subscript') {
      for (const child of node.namedChildren) if (child !== null) pending.push(child);
    }
  }
  return names;
}

export function extractPython(root: Node, builder: FactsBuilder): void {
  new PythonExtractor(builder).run(root);
}
