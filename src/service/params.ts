// Checks the parameters of a request before the service runs it. Parameters may come from a
// network peer, so nothing is trusted: the value must be a plain object, every field must be known
// and of the right type, strings are bounded, and numbers are safe integers within the limits a
// user could ask for on the command line. The query layer checks ranges again; this layer makes
// sure it never sees a string where a number belongs, or a prototype key.
import { invalidArgument } from '../core/errors.js';
import { limits } from '../core/limits.js';
import { kindFilters, matchModes, relationNames } from '../query/index.js';
import type { ParamsOf, RequestKind } from './requests.js';

type FieldSpec =
  | { readonly type: 'text'; readonly required?: boolean; readonly maxChars?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'integer'; readonly min: number; readonly max: number }
  | { readonly type: 'choice'; readonly choices: readonly string[]; readonly required?: boolean }
  | { readonly type: 'names' };

type ParamSpec = Readonly<Record<string, FieldSpec>>;

const text = { type: 'text' } as const;
const requiredText = { type: 'text', required: true } as const;
const boolean = { type: 'boolean' } as const;
const count = (max: number) => ({ type: 'integer', min: 1, max }) as const;
const depth = count(limits.traceDepthMax);
const results = count(limits.resultCountMax);
const workers = { type: 'integer', min: 0, max: limits.ingestWorkersMax } as const;
/** Workspaces named in one sync request: far more than anyone links, small enough to bound. */
const namesMax = 1_000;
/** A path can be longer than a name; PATH_MAX on Linux is 4096 bytes. */
const pathText = { type: 'text', required: true, maxChars: 4096 } as const;

const specs: { readonly [K in RequestKind]: ParamSpec } = {
  ping: { echo: text },
  status: { workspace: text, check: boolean, verbose: boolean },
  link: { root: pathText, name: requiredText, workers },
  unlink: { name: requiredText },
  sync: { names: { type: 'names' }, all: boolean, force: boolean, workers },
  reindex: {},
  find: {
    name: requiredText,
    kind: { type: 'choice', choices: kindFilters },
    workspace: text,
    language: text,
    match: { type: 'choice', choices: matchModes },
    maxResults: results,
  },
  show: {
    target: requiredText,
    relation: { type: 'choice', choices: relationNames, required: true },
    workspace: text,
    maxDepth: depth,
    maxResults: results,
    all: boolean,
  },
  trace: {
    target: requiredText,
    direction: { type: 'choice', choices: ['callers', 'callees'], required: true },
    depth,
    allPaths: boolean,
    workspace: text,
    all: boolean,
    maxNodes: results,
    maxFanOut: results,
  },
  path: {
    from: requiredText,
    to: requiredText,
    maxDepth: depth,
    maxPaths: count(limits.pathCountMax),
    workspace: text,
    all: boolean,
  },
  context: {
    target: requiredText,
    budgetTokens: { type: 'integer', min: limits.contextBudgetTokensMin, max: limits.contextBudgetTokensMax },
    workspace: text,
    all: boolean,
  },
  export: {
    workspace: text,
    target: text,
    depth,
    maxNodes: count(limits.exportNodesMax),
    all: boolean,
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function checkText(field: string, value: unknown, maxChars: number): string {
  if (typeof value !== 'string') throw invalidArgument(`${field} must be a string`);
  if (value.trim() === '') throw invalidArgument(`${field} must not be empty`);
  if (value.length > maxChars) throw invalidArgument(`${field} must be at most ${maxChars} characters`);
  return value;
}

function checkField(field: string, spec: FieldSpec, value: unknown): void {
  switch (spec.type) {
    case 'text':
      checkText(field, value, spec.maxChars ?? limits.queryTextCharsMax);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidArgument(`${field} must be true or false`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
        throw invalidArgument(`${field} must be an integer from ${spec.min} to ${spec.max}`);
      }
      return;
    case 'choice':
      if (typeof value !== 'string' || !spec.choices.includes(value)) {
        throw invalidArgument(`${field} must be one of ${spec.choices.join(', ')}`);
      }
      return;
    case 'names':
      if (!Array.isArray(value) || value.length > namesMax) {
        throw invalidArgument(`${field} must be a list of at most ${namesMax} names`);
      }
      for (const item of value) checkText(field, item, limits.queryTextCharsMax);
      return;
  }
}

/** The parameters of a `kind` request, checked; throws INVALID_ARGUMENT naming the first problem. */
export function checkParams<K extends RequestKind>(kind: K, params: unknown): ParamsOf<K> {
  const given = params ?? {};
  if (!isPlainObject(given)) throw invalidArgument(`the parameters of '${kind}' must be an object`);
  const spec = specs[kind];
  for (const [field, value] of Object.entries(given)) {
    if (!Object.hasOwn(spec, field)) {
      throw invalidArgument(`'${kind}' has no parameter ${JSON.stringify(field.slice(0, 40))}`);
    }
    if (value !== undefined) checkField(field, spec[field] as FieldSpec, value);
  }
  for (const [field, fieldSpec] of Object.entries(spec)) {
    const required = 'required' in fieldSpec && fieldSpec.required === true;
    if (required && given[field] === undefined) {
      throw invalidArgument(`'${kind}' needs the parameter ${field}`);
    }
  }
  return given as ParamsOf<K>;
}
