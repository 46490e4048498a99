// Fact extraction for TypeScript, TSX and JavaScript (one walker, three grammars). The walk keeps
// four pieces of state: the entity that calls are attributed to (`caller`), the type whose members
// are being declared (`typeEntity`), whether we are inside a function body (`functionDepth`, where
// declarations are locals, not blocks), and the local scopes that shadow module-level names.
import type { Node } from 'web-tree-sitter';
import type { ValueRef } from '../../facts.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import { LocalScopes } from '../../parse/local-scopes.js';
import { skipChildren, walkLeaving, type WalkContext, type WalkSpec } from '../../parse/syntax-walk.js';
import { enterClass, enterClassMember, enterInterface, enterMemberSignature } from './classes.js';
import { enterFunctionDeclaration, enterTopLevelDeclarator } from './declarations.js';
import {
  functionExpressionTypes,
  isNamedValue,
  isRequireCall,
  parameterListOf,
  patternNames,
  valueRefOf,
  type ParameterList,
} from './expressions.js';
import type { EcmaState, Leave } from './state.js';
import { typeNameOf } from './type-annotations.js';
import {
  enterAssignment,
  enterExportStatement,
  enterImportStatement,
  markLocallyExported,
} from './modules.js';

/** Node types the walk enters, every node of them (the query never hands over any other node). */
const visitedTypes = new Set([
  'import_statement',
  'export_statement',
  'function_declaration',
  'generator_function_declaration',
  'function_signature',
  'class_declaration',
  'abstract_class_declaration',
  'class',
  'interface_declaration',
  'type_alias_declaration',
  'enum_declaration',
  'internal_module',
  'module',
  'method_definition',
  'method_signature',
  'abstract_method_signature',
  'public_field_definition',
  'field_definition',
  'property_signature',
  'class_static_block',
  'variable_declarator',
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
  'statement_block',
  'for_statement',
  'for_in_statement',
  'catch_clause',
  'call_expression',
  'new_expression',
  'assignment_expression',
]);

/**
 * Ancestors handlers ask about. Declarations are kept only at module level (top-level
 * declarators are entities; local ones only need their own node), which the patterns express.
 */
const contextTypes = new Set(['ambient_declaration', 'class_body', 'interface_body']);

const moduleLevelDeclarations = ['lexical_declaration', 'variable_declaration'].flatMap((type) => [
  `(program (${type}) @${type})`,
  `(program (export_statement declaration: (${type}) @${type}))`,
  `(program (ambient_declaration (${type}) @${type}))`,
  `(program (export_statement declaration: (ambient_declaration (${type}) @${type})))`,
  `(internal_module body: (statement_block (${type}) @${type}))`,
  `(internal_module body: (statement_block (export_statement declaration: (${type}) @${type})))`,
]);

/** Arguments that may name a function: each becomes a reference when it resolves to one. */
const argumentPatterns = [
  '(arguments (identifier) @identifier)',
  '(arguments (member_expression) @member_expression)',
];

/** Only narrowing tests reach the visitor, not every `if` and binary expression. */
const narrowingPatterns = [
  '(if_statement condition: (parenthesized_expression (binary_expression operator: "instanceof"))) @if_statement',
  '(binary_expression left: (binary_expression operator: "instanceof") operator: "&&") @binary_expression',
];

const walkSpec: WalkSpec = {
  types: visitedTypes,
  context: contextTypes,
  patterns: [...narrowingPatterns, ...moduleLevelDeclarations, ...argumentPatterns],
};

export class EcmaScriptExtractor implements EcmaState {
  /** The entity calls are attributed to: the module (0), a function, a method, a constant. */
  caller = 0;
  /** The class or interface whose members are being declared, or -1 (also inside local classes). */
  typeEntity = -1;
  /** Greater than zero inside any function body, where declarations are locals. */
  functionDepth = 0;
  /** Qualified-name prefix from enclosing namespaces (`N.`). */
  prefix = '';
  readonly scopes = new LocalScopes();
  walk!: WalkContext;
  /** The body block of the function just entered: it shares the function's scope. */
  private pendingBody = -1;
  /** Narrowings by `instanceof` waiting for the block they apply to. */
  private readonly pendingNarrowings = new Map<number, { name: string; value: ValueRef }>();
  /** Open call expressions, so a function argument can learn which call receives it. */
  private readonly openCalls: { node: Node; index: number }[] = [];

  constructor(readonly builder: FactsBuilder) {}

  run(root: Node): void {
    walkLeaving(root, walkSpec, (node, type, context) => {
      this.walk = context;
      return this.enter(node, type);
    });
    markLocallyExported(this);
  }

  private enter(node: Node, type: string): Leave | typeof skipChildren | undefined {
    switch (type) {
      case 'import_statement':
        return enterImportStatement(this, node);
      case 'export_statement':
        return enterExportStatement(this, node);
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'function_signature':
        return enterFunctionDeclaration(this, node);
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'class':
        return enterClass(this, node);
      case 'interface_declaration':
        return enterInterface(this, node);
      case 'type_alias_declaration':
      case 'enum_declaration':
        return enterMemberSignature(this, node);
      case 'internal_module':
      case 'module':
        return this.enterNamespace(node);
      case 'method_definition':
      case 'public_field_definition':
      case 'field_definition':
      case 'class_static_block':
        return enterClassMember(this, node);
      case 'method_signature':
      case 'abstract_method_signature':
      case 'property_signature':
        return enterMemberSignature(this, node);
      case 'variable_declarator':
        if (this.functionDepth === 0) return enterTopLevelDeclarator(this, node);
        this.bindDeclarator(node);
        return undefined;
      case 'arrow_function':
      case 'function_expression':
      case 'function':
      case 'generator_function':
        return this.enterFunctionExpression(node);
      case 'statement_block':
        return this.enterBlock(node);
      case 'for_statement':
      case 'for_in_statement':
      case 'catch_clause':
        return this.enterLoopOrCatch(node);
      case 'call_expression':
      case 'new_expression':
        return this.enterCall(node);
      case 'assignment_expression':
        return enterAssignment(this, node);
      case 'if_statement':
      case 'binary_expression':
        return this.enterNarrowing(node);
      case 'lexical_declaration':
      case 'variable_declaration':
        return undefined;
      case 'identifier':
      case 'member_expression':
        return this.recordArgumentReference(node);
      default:
        return undefined;
    }
  }

  /**
   * Opens the scope of a function: its type parameters first (parameter types may name them),
   * then its parameters. Returns the parameter list so declarations can record it.
   */
  openFunctionScope(fn: Node): ParameterList {
    this.scopes.push();
    this.bindTypeParameters(fn.childForFieldName('type_parameters'));
    const parameters = parameterListOf(fn, this.scopes);
    const body = fn.childForFieldName('body');
    if (body?.type === 'statement_block') this.pendingBody = body.id;
    this.functionDepth++;
    return parameters;
  }

  /** Binds parameters; untyped ones of a function passed as an argument get the callee's types. */
  bindParameters(parameters: ParameterList, argumentOf: { call: number; argument: number } | null): void {
    if (parameters.thisType !== null)
      this.scopes.bind('this', { kind: 'instance', type: parameters.thisType });
    parameters.facts.forEach((parameter, position) => {
      let value: ValueRef = { kind: 'local', name: parameter.name };
      if (parameter.type !== undefined) value = { kind: 'instance', type: parameter.type };
      else if (argumentOf !== null) value = { kind: 'argument', ...argumentOf, parameter: position };
      this.scopes.bind(parameter.name, value);
    });
    for (const name of parameters.patternNames) this.scopes.bind(name, { kind: 'local', name });
  }

  closeFunctionScope(): void {
    this.functionDepth--;
    this.scopes.pop();
  }

  bindTypeParameters(list: Node | null): void {
    for (const parameter of list?.namedChildren ?? []) {
      if (parameter?.type !== 'type_parameter') continue;
      const name = parameter.childForFieldName('name')?.text;
      if (name === undefined) continue;
      const constraint = parameter.childForFieldName('constraint')?.firstNamedChild ?? null;
      // The constraint is read in the scope that already knows earlier type parameters.
      const bound = constraint === null ? null : this.typeNameInScope(constraint);
      this.scopes.bindTypeParameter(name, bound);
    }
  }

  typeNameInScope(node: Node): string | null {
    const single = node.type === 'type_identifier' ? this.scopes.lookupTypeParameter(node.text) : undefined;
    if (single !== undefined) return single;
    if (node.type === 'type_identifier' || node.type === 'nested_type_identifier') return node.text;
    if (node.type === 'generic_type') return node.childForFieldName('name')?.text ?? null;
    return null;
  }

  private enterFunctionExpression(node: Node): Leave {
    const argumentOf = this.argumentPosition(node);
    const parameters = this.openFunctionScope(node);
    this.bindParameters(parameters, argumentOf);
    // A `function` (not an arrow) passed as an argument gets its `this` from the callee's type.
    if (argumentOf !== null && node.type !== 'arrow_function' && parameters.thisType === null) {
      this.scopes.bind('this', { kind: 'argument', ...argumentOf, parameter: -1 });
    }
    return () => this.closeFunctionScope();
  }

  /**
   * `if (x instanceof C) { … }` and `x instanceof C && …` narrow `x` to `C` where the test holds.
   * A block consequence gets the narrowing when it is entered; other forms narrow from here.
   */
  private enterNarrowing(node: Node): Leave | undefined {
    const isIf = node.type === 'if_statement';
    if (!isIf && node.childForFieldName('operator')?.text !== '&&') return undefined;
    const test = isIf ? node.childForFieldName('condition')?.firstNamedChild : node.childForFieldName('left');
    const narrowing = instanceofTest(test ?? null);
    if (narrowing === null) return undefined;
    const consequence = isIf ? node.childForFieldName('consequence') : null;
    if (consequence?.type === 'statement_block') {
      this.pendingNarrowings.set(consequence.id, narrowing);
      return undefined;
    }
    this.scopes.push();
    this.scopes.bind(narrowing.name, narrowing.value);
    return () => this.scopes.pop();
  }

  /** Which open call receives `node` as an argument, and at which position. */
  private argumentPosition(node: Node): { call: number; argument: number } | null {
    const open = this.openCalls[this.openCalls.length - 1];
    if (open === undefined) return null;
    // Only an argument of the innermost open call, directly or as a branch of a conditional
    // (`new Observable(s ? (subscriber) => … : (subscriber) => …)`), not `f(a || (x => …))`.
    let position = 0;
    for (const argument of open.node.childForFieldName('arguments')?.namedChildren ?? []) {
      if (argument === null || argument.type === 'comment') continue;
      if (argument.id === node.id || isConditionalBranch(argument, node))
        return { call: open.index, argument: position };
      position++;
    }
    return null;
  }

  private enterNamespace(node: Node): Leave | typeof skipChildren {
    const name = node.childForFieldName('name');
    // `declare module 'pkg'` describes another package; its declarations are not ours.
    if (name === null || name.type === 'string' || this.functionDepth > 0) return skipChildren;
    const previous = this.prefix;
    this.prefix = `${previous}${name.text}.`;
    return () => {
      this.prefix = previous;
    };
  }

  private enterBlock(node: Node): Leave | undefined {
    const parentType = this.walk.typeAbove(1);
    if (parentType === 'internal_module' || parentType === 'module') return undefined;
    if (node.id === this.pendingBody) {
      this.pendingBody = -1;
      this.hoistDeclarations(node);
      return undefined;
    }
    // Any other block (including blocks of top-level statements) holds locals, never blocks. Its
    // declarations are bound as they are met: only function bodies are scanned ahead for
    // hoisting, where closures commonly call helpers declared further down.
    this.scopes.push();
    const narrowing = this.pendingNarrowings.get(node.id);
    if (narrowing !== undefined) {
      this.pendingNarrowings.delete(node.id);
      this.scopes.bind(narrowing.name, narrowing.value);
    }
    return () => this.scopes.pop();
  }

  /** Declares a block's locals before its statements run, as JavaScript hoisting does. */
  private hoistDeclarations(block: Node): void {
    for (const statement of block.namedChildren) {
      if (statement === null) continue;
      switch (statement.type) {
        case 'lexical_declaration':
        case 'variable_declaration':
          this.bindDeclarators(statement);
          break;
        case 'function_declaration':
        case 'generator_function_declaration':
        case 'class_declaration':
        case 'abstract_class_declaration': {
          const name = statement.childForFieldName('name')?.text;
          if (name !== undefined) this.scopes.bind(name, { kind: 'local', name });
          break;
        }
        default:
          break;
      }
    }
  }

  private bindDeclarators(declaration: Node): void {
    for (const declarator of declaration.namedChildren) {
      if (declarator?.type === 'variable_declarator') this.bindDeclarator(declarator);
    }
  }

  /** Binds a local declarator unless its scope already has it (hoisted from a function body). */
  private bindDeclarator(declarator: Node): void {
    const name = declarator.childForFieldName('name');
    if (name === null) return;
    if (name.type !== 'identifier') {
      this.bindPattern(name, declarator.childForFieldName('value'));
      return;
    }
    if (!this.scopes.bindsHere(name.text))
      this.scopes.bind(name.text, this.declaredValue(declarator, name.text));
  }

  /**
   * `const { a, b: c } = source` binds `a` to `source.a` and `c` to `source.b`; every other name a
   * pattern binds (nested, defaults, rest, arrays) is a local of unknown value.
   */
  private bindPattern(pattern: Node, value: Node | null): void {
    const names = patternNames(pattern);
    for (const bound of names) this.scopes.bind(bound, { kind: 'local', name: bound });
    if (pattern.type !== 'object_pattern' || value === null) return;
    const source = valueRefOf(value, this.scopes);
    if (source.kind === 'unknown' || source.kind === 'local') return;
    for (const property of pattern.namedChildren) {
      if (property?.type === 'shorthand_property_identifier_pattern') {
        this.scopes.bind(property.text, { kind: 'member', object: source, name: property.text });
      } else if (property?.type === 'pair_pattern') {
        const key = property.childForFieldName('key');
        const local = property.childForFieldName('value');
        if (key?.type === 'property_identifier' && local?.type === 'identifier') {
          this.scopes.bind(local.text, { kind: 'member', object: source, name: key.text });
        }
      }
    }
  }

  /** What a declared local holds: its annotated type, else what its initializer denotes. */
  declaredValue(declarator: Node, name: string): ValueRef {
    const type = typeNameOf(declarator.childForFieldName('type'), this.scopes.lookupTypeParameter);
    if (type !== null) return { kind: 'instance', type };
    const value = declarator.childForFieldName('value');
    if (value === null || functionExpressionTypes.has(value.type) || isRequireCall(value)) {
      return { kind: 'local', name };
    }
    const ref = valueRefOf(value, this.scopes);
    return ref.kind === 'unknown' ? { kind: 'local', name } : ref;
  }

  private enterLoopOrCatch(node: Node): Leave {
    this.scopes.push();
    const bound =
      node.type === 'catch_clause'
        ? node.childForFieldName('parameter')
        : node.type === 'for_in_statement'
          ? node.childForFieldName('left')
          : null;
    // `for (let i = …)` declarators are bound when the walk reaches them, inside this scope.
    if (bound !== null) {
      for (const name of patternNames(bound)) this.scopes.bind(name, { kind: 'local', name });
    }
    return () => this.scopes.pop();
  }

  private enterCall(node: Node): Leave | undefined {
    const isNew = node.type === 'new_expression';
    const callee = node.childForFieldName(isNew ? 'constructor' : 'function');
    if (callee === null || callee.type === 'import' || isRequireCall(node)) return undefined;
    const line = node.startPosition.row + 1;
    const target = callee.type === 'super' ? ({ kind: 'super' } as const) : valueRefOf(callee, this.scopes);
    const construct = isNew || callee.type === 'super';
    const index = this.builder.addCall(
      construct ? { caller: this.caller, line, target, construct } : { caller: this.caller, line, target },
    );
    if (index < 0) return undefined;
    this.openCalls.push({ node, index });
    return () => {
      this.openCalls.pop();
    };
  }

  /**
   * A function passed by name (`subscribe(this.next)`, `arr.map(format)`) becomes a reference.
   * The walk's patterns deliver only identifiers and member expressions that are arguments.
   */
  private recordArgumentReference(argument: Node): undefined {
    const target = valueRefOf(argument, this.scopes);
    if (isNamedValue(target)) {
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
}

/** `x instanceof C` (or `ns.C`): the local `x` is a `C` where the test holds. */
function instanceofTest(test: Node | null): { name: string; value: ValueRef } | null {
  if (test?.type !== 'binary_expression' || test.childForFieldName('operator')?.text !== 'instanceof')
    return null;
  const left = test.childForFieldName('left');
  const right = test.childForFieldName('right');
  if (left?.type !== 'identifier' || (right?.type !== 'identifier' && right?.type !== 'member_expression'))
    return null;
  return { name: left.text, value: { kind: 'instance', type: right.text.replace(/\s+/g, '') } };
}

/** Whether `node` is a branch (possibly parenthesised) of the conditional expression `candidate`. */
function isConditionalBranch(candidate: Node, node: Node): boolean {
  if (candidate.type !== 'ternary_expression') return false;
  for (const field of ['consequence', 'alternative']) {
    let branch = candidate.childForFieldName(field);
    while (branch?.type === 'parenthesized_expression') branch = branch.firstNamedChild;
    if (branch?.id === node.id) return true;
  }
  return false;
}
