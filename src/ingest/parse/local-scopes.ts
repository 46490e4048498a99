// Lexical scopes of local names while a plug-in walks one file. Locals shadow top-level names, so
// a call through a local must never resolve to a same-named declaration elsewhere; what a local
// denotes (a typed instance, a call result, an unknown closure) is kept as a ValueRef.
import type { ParameterFact, TypeName, ValueRef } from '../facts.js';

interface Scope {
  readonly values: Map<string, ValueRef>;
  readonly typeParameters: Map<string, TypeName | null>;
}

export class LocalScopes {
  private readonly scopes: Scope[] = [];

  get depth(): number {
    return this.scopes.length;
  }

  push(): void {
    this.scopes.push({ values: new Map(), typeParameters: new Map() });
  }

  pop(): void {
    this.scopes.pop();
  }

  /** Binds a local in the innermost scope; a no-op at top level, where names are module-scoped. */
  bind(name: string, value: ValueRef): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope !== undefined && name !== '') scope.values.set(name, value);
  }

  /** Binds each parameter: an instance of its declared type, else a local of unknown type. */
  bindParameters(parameters: Iterable<ParameterFact>): void {
    for (const { name, type } of parameters) {
      this.bind(name, type === undefined ? { kind: 'local', name } : { kind: 'instance', type });
    }
  }

  bindTypeParameter(name: string, constraint: TypeName | null): void {
    this.scopes[this.scopes.length - 1]?.typeParameters.set(name, constraint);
  }

  /** Whether the innermost scope already binds `name`. */
  bindsHere(name: string): boolean {
    return this.scopes[this.scopes.length - 1]?.values.has(name) === true;
  }

  lookup(name: string): ValueRef | undefined {
    for (let index = this.scopes.length - 1; index >= 0; index--) {
      const value = (this.scopes[index] as Scope).values.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** The constraint of a type parameter in scope (null when unconstrained), or undefined. */
  readonly lookupTypeParameter = (name: string): TypeName | null | undefined => {
    for (let index = this.scopes.length - 1; index >= 0; index--) {
      const scope = this.scopes[index] as Scope;
      if (scope.typeParameters.has(name)) return scope.typeParameters.get(name) ?? null;
    }
    return undefined;
  };
}
