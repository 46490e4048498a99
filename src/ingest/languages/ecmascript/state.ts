// The walk state shared by the TypeScript/JavaScript handlers (declarations, classes, modules),
// as an interface so those modules depend on it rather than on the walker that implements it.
import type { Node } from 'web-tree-sitter';
import type { ValueRef } from '../../facts.js';
import type { FactsBuilder } from '../../parse/facts-builder.js';
import type { LocalScopes } from '../../parse/local-scopes.js';
import type { WalkContext } from '../../parse/syntax-walk.js';
import type { ParameterList } from './expressions.js';

export type { Leave } from '../../parse/syntax-walk.js';

export interface EcmaState {
  readonly builder: FactsBuilder;
  readonly scopes: LocalScopes;
  /** Where the walk is: ancestors of the node being entered (valid during `enter` only). */
  readonly walk: WalkContext;
  /** The entity calls are attributed to: the module (0), a function, a method, a constant. */
  caller: number;
  /** The class or interface whose members are being declared, or -1 (also inside local classes). */
  typeEntity: number;
  /** Greater than zero inside any function body, where declarations are locals. */
  functionDepth: number;
  /** Qualified-name prefix from enclosing namespaces (`N.`). */
  prefix: string;
  openFunctionScope(fn: Node): ParameterList;
  bindParameters(parameters: ParameterList, argumentOf: { call: number; argument: number } | null): void;
  closeFunctionScope(): void;
  bindTypeParameters(list: Node | null): void;
  typeNameInScope(node: Node): string | null;
  declaredValue(declarator: Node, name: string): ValueRef;
}
