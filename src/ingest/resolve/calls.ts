// Resolution of one call site to its targets, with provenance. Exact answers come from the symbol
// resolver (lexical, import, receiver); a call to an abstract or interface member also reaches
// the implementations (dispatch); what stays unknown may be guessed by name where the language
// allows it (name-only), and everything else is counted, never turned into an invented edge.
import { callableKinds, type CallFact, type ValueRef } from '../facts.js';
import type { NameGuesser } from './name-guess.js';
import type { SymbolResolver } from './symbols.js';
import type { Resolution } from './values.js';
import type { EntityNode, FileNode } from './workspace-index.js';

export type EdgeResolution = Resolution | 'dispatch' | 'name-only';

export interface CallTarget {
  readonly entity: EntityNode;
  readonly resolution: EdgeResolution;
  readonly confidence: number;
}

export type CallOutcome =
  | { readonly kind: 'resolved'; readonly targets: readonly CallTarget[] }
  | { readonly kind: 'external' }
  | { readonly kind: 'unresolved'; readonly name: string; readonly ambiguous: boolean };

const confidenceOf: Readonly<Record<Resolution, number>> = { lexical: 1, import: 1, receiver: 0.9 };
const dispatchConfidence = 0.5;

export function resolveCall(
  resolver: SymbolResolver,
  guesser: NameGuesser,
  file: FileNode,
  call: CallFact,
): CallOutcome {
  const caller = file.entities[call.caller] ?? file.module;
  const value = resolver.evaluate(call.target, { file, caller });
  const callee = resolver.calleeOf(value, call.construct === true);
  if (typeof callee === 'object') {
    const targets: CallTarget[] = [
      { entity: callee.entity, resolution: callee.via, confidence: confidenceOf[callee.via] },
    ];
    const throughThis = call.target.kind === 'member' && call.target.object.kind === 'this';
    for (const implementation of dispatchTargets(resolver, callee.entity, throughThis)) {
      targets.push({ entity: implementation, resolution: 'dispatch', confidence: dispatchConfidence });
    }
    return { kind: 'resolved', targets };
  }
  if (callee === 'external') return { kind: 'external' };
  return guessCall(resolver, guesser, file, caller, call.target, callee === 'local');
}

/**
 * Where else a call may land at run time: the implementations of an abstract member or of a
 * member declared on an interface or trait, and, for `this.m()` inside a class, the overrides of
 * `m` in subclasses (the template-method pattern).
 */
function dispatchTargets(
  resolver: SymbolResolver,
  member: EntityNode,
  throughThis: boolean,
): readonly EntityNode[] {
  const owner = resolver.types.typeOf(member);
  if (owner === undefined || !callableKinds.has(member.fact.kind) || member.fact.kind === 'constructor')
    return [];
  const ownerKind = owner.fact.kind;
  const polymorphic = member.fact.isAbstract === true || ownerKind === 'interface' || ownerKind === 'trait';
  if (!polymorphic && !throughThis) return [];
  return resolver.types.implementations(member, owner);
}

function guessCall(
  resolver: SymbolResolver,
  guesser: NameGuesser,
  file: FileNode,
  caller: EntityNode,
  target: ValueRef,
  isLocal: boolean,
): CallOutcome {
  const name = calleeName(target);
  const rules = file.plugin.resolution;
  let member: boolean | undefined;
  let qualifier: string | undefined;
  if (target.kind === 'name' && !isLocal && rules.undeclaredNames === 'guess') member = false;
  if (target.kind === 'member' && rules.undeclaredNames === 'guess') {
    // `util::add` whose qualifier is a namespace the resolver cannot follow: match qualified names.
    qualifier = dottedPath(target);
    if (qualifier !== undefined) member = false;
  }
  if (target.kind === 'member' && rules.memberNameGuess) {
    // Only receivers of unknown type: a receiver known to be external is not ours to guess.
    const receiver = resolver.evaluate(target.object, { file, caller });
    if (receiver.kind === 'unknown' || receiver.kind === 'local') member = true;
  }
  if (member === undefined) return { kind: 'unresolved', name, ambiguous: false };
  const guess = guesser.guess(file, name, member, qualifier);
  if (guess.kind === 'found') {
    return {
      kind: 'resolved',
      targets: guess.targets.map((entity) => ({
        entity,
        resolution: 'name-only',
        confidence: guess.confidence,
      })),
    };
  }
  // Languages that link by name: no definition anywhere in the workspace means a library call.
  if (guess.kind === 'none' && rules.undeclaredNames === 'guess') return { kind: 'external' };
  return { kind: 'unresolved', name, ambiguous: guess.kind === 'ambiguous' };
}

/** `a.b.c` for a member chain rooted at a plain name, else undefined. */
function dottedPath(target: ValueRef): string | undefined {
  const parts: string[] = [];
  let current = target;
  while (current.kind === 'member') {
    parts.unshift(current.name);
    current = current.object;
  }
  if (current.kind !== 'name') return undefined;
  parts.unshift(current.name);
  return parts.join('.');
}

/** The name a call site shows for its callee: `f`, or the member name of `a.b.f`. */
function calleeName(target: ValueRef): string {
  switch (target.kind) {
    case 'name':
    case 'local':
      return target.name;
    case 'member':
      return target.name;
    case 'call':
      return `${calleeName(target.target)}()`;
    case 'new':
      return calleeName(target.target);
    case 'this':
      return 'this';
    case 'super':
      return 'super';
    case 'instance':
      return target.type;
    default:
      return '?';
  }
}
