// Imports and exports of TypeScript and JavaScript, ES modules and CommonJS: `import … from`,
// `export … from` (re-exports), `export { a as b }`, `export default`, `require()`,
// `module.exports = …` and `exports.x = …`. Assignments also record `this.x = …` fields.
import type { Node } from 'web-tree-sitter';
import type { ImportBinding, ValueRef } from '../../facts.js';
import { skipChildren } from '../../parse/syntax-walk.js';
import type { EcmaState, Leave } from './state.js';
import { isNamedValue, requireSpecifier, valueRefOf } from './expressions.js';

function specifierOf(node: Node | null): string | null {
  if (node?.type !== 'string') return null;
  return node.namedChild(0)?.text ?? '';
}

export function enterImportStatement(state: EcmaState, node: Node): typeof skipChildren {
  const line = node.startPosition.row + 1;
  const bindings: ImportBinding[] = [];
  let specifier = specifierOf(node.childForFieldName('source'));
  for (const child of node.namedChildren) {
    if (child?.type === 'import_clause') readImportClause(child, bindings);
    if (child?.type === 'import_require_clause') {
      const local = child.namedChild(0)?.text;
      specifier = specifierOf(child.childForFieldName('source'));
      if (local !== undefined) bindings.push({ kind: 'namespace', local, imported: '' });
    }
  }
  if (specifier !== null) state.builder.addImport({ specifier, line, bindings });
  return skipChildren;
}

function readImportClause(clause: Node, bindings: ImportBinding[]): void {
  for (const part of clause.namedChildren) {
    if (part === null) continue;
    if (part.type === 'identifier') bindings.push({ kind: 'default', local: part.text, imported: '' });
    else if (part.type === 'namespace_import') {
      const local = part.namedChild(0)?.text;
      if (local !== undefined) bindings.push({ kind: 'namespace', local, imported: '' });
    } else if (part.type === 'named_imports') {
      for (const specifier of part.namedChildren) {
        if (specifier?.type !== 'import_specifier') continue;
        const imported = specifier.childForFieldName('name')?.text ?? '';
        const local = specifier.childForFieldName('alias')?.text ?? imported;
        bindings.push(namedBinding(local, imported));
      }
    }
  }
}

/** `import { default as x }` is a default import written the long way. */
function namedBinding(local: string, imported: string): ImportBinding {
  return imported === 'default'
    ? { kind: 'default', local, imported: '' }
    : { kind: 'named', local, imported };
}

export function enterExportStatement(state: EcmaState, node: Node): Leave | typeof skipChildren | undefined {
  // Declarations (`export function f`) are entered on their own; only their export marks matter.
  if (node.childForFieldName('declaration') !== null) return undefined;
  const line = node.startPosition.row + 1;
  const source = specifierOf(node.childForFieldName('source'));
  if (source !== null) {
    state.builder.addImport({ specifier: source, line, bindings: reexportBindings(node), reexport: 'only' });
    return skipChildren;
  }
  const clause = node.namedChildren.find((child) => child?.type === 'export_clause');
  if (clause) {
    for (const specifier of clause.namedChildren) {
      if (specifier?.type !== 'export_specifier') continue;
      const local = specifier.childForFieldName('name')?.text ?? '';
      const exported = specifier.childForFieldName('alias')?.text ?? local;
      state.builder.addExport({
        exported,
        value: valueRefOf(specifier.childForFieldName('name'), state.scopes),
      });
    }
    return skipChildren;
  }
  // `export default <expression>` and `export = <expression>`: calls inside still count.
  const value =
    node.childForFieldName('value') ?? node.namedChildren.find((child) => child?.type !== 'comment');
  if (value) {
    const ref = valueRefOf(value, state.scopes);
    if (ref.kind !== 'unknown') state.builder.addExport({ exported: 'default', value: ref });
  }
  return undefined;
}

function reexportBindings(node: Node): ImportBinding[] {
  const bindings: ImportBinding[] = [];
  for (const child of node.namedChildren) {
    if (child?.type === 'namespace_export') {
      const local = child.namedChild(0)?.text;
      if (local !== undefined) bindings.push({ kind: 'namespace', local, imported: '' });
    } else if (child?.type === 'export_clause') {
      for (const specifier of child.namedChildren) {
        if (specifier?.type !== 'export_specifier') continue;
        const imported = specifier.childForFieldName('name')?.text ?? '';
        const local = specifier.childForFieldName('alias')?.text ?? imported;
        bindings.push(
          imported === 'default'
            ? { kind: 'named', local, imported: 'default' }
            : namedBinding(local, imported),
        );
      }
    }
  }
  // `export * from 'x'` has no clause: every export of x (but its default) passes through.
  if (bindings.length === 0) bindings.push({ kind: 'glob', local: '', imported: '' });
  return bindings;
}

/**
 * Assignments the model cares about: CommonJS exports, `this.x = …` (a field of the class being
 * declared), `const x = require('y')` at module level, and functions assigned by name (references).
 */
export function enterAssignment(state: EcmaState, node: Node): undefined {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (left === null || right === null) return undefined;
  const line = node.startPosition.row + 1;
  const exported = commonJsExportName(left);
  if (exported !== null) {
    if (exported === 'default' && right.type === 'object') readExportObject(state, right);
    else state.builder.addExport({ exported, value: valueRefOf(right, state.scopes) });
    return undefined;
  }
  if (
    left.type === 'member_expression' &&
    left.childForFieldName('object')?.type === 'this' &&
    state.typeEntity >= 0
  ) {
    const name = left.childForFieldName('property')?.text ?? '';
    const value = valueRefOf(right, state.scopes);
    if (value.kind !== 'unknown' && value.kind !== 'local')
      state.builder.addField(state.typeEntity, { name, value });
  }
  if (right.type === 'identifier' || right.type === 'member_expression') {
    const target = valueRefOf(right, state.scopes);
    if (isNamedValue(target))
      state.builder.addReference({ from: state.caller, line, target, role: 'assignment' });
  }
  return undefined;
}

/** `module.exports` → 'default', `module.exports.x` and `exports.x` → 'x'; otherwise null. */
function commonJsExportName(left: Node): string | null {
  if (left.type !== 'member_expression') return null;
  const object = left.childForFieldName('object');
  const property = left.childForFieldName('property')?.text ?? '';
  if (object?.type === 'identifier' && object.text === 'module' && property === 'exports') return 'default';
  if (object?.type === 'identifier' && object.text === 'exports') return property;
  if (object?.type === 'member_expression' && object.text.replace(/\s+/g, '') === 'module.exports')
    return property;
  return null;
}

/** `module.exports = { a, b: c }` exports `a` and `b`. */
function readExportObject(state: EcmaState, object: Node): void {
  for (const property of object.namedChildren) {
    if (property?.type === 'shorthand_property_identifier') {
      state.builder.addExport({ exported: property.text, value: { kind: 'name', name: property.text } });
    } else if (property?.type === 'pair') {
      const key = property.childForFieldName('key')?.text ?? '';
      const value: ValueRef = valueRefOf(property.childForFieldName('value'), state.scopes);
      if (key !== '' && value.kind !== 'unknown') state.builder.addExport({ exported: key, value });
    }
  }
}

/** Records `const x = require('y')` and `const { a, b: c } = require('y')` as imports. */
export function recordRequire(state: EcmaState, declarator: Node): boolean {
  const value = declarator.childForFieldName('value');
  const name = declarator.childForFieldName('name');
  if (value?.type !== 'call_expression' || name === null) return false;
  if (value.childForFieldName('function')?.text !== 'require') return false;
  const specifier = requireSpecifier(value);
  if (specifier === null) return false;
  const bindings: ImportBinding[] = [];
  if (name.type === 'identifier') bindings.push({ kind: 'namespace', local: name.text, imported: '' });
  else if (name.type === 'object_pattern') {
    for (const part of name.namedChildren) {
      if (part?.type === 'shorthand_property_identifier_pattern') {
        bindings.push({ kind: 'named', local: part.text, imported: part.text });
      } else if (part?.type === 'pair_pattern') {
        const imported = part.childForFieldName('key')?.text ?? '';
        const local = part.childForFieldName('value');
        if (local?.type === 'identifier') bindings.push({ kind: 'named', local: local.text, imported });
      }
    }
  }
  state.builder.addImport({ specifier, line: declarator.startPosition.row + 1, bindings });
  return true;
}

/** `export { f }` after `function f` marks f as exported, so its block says so. */
export function markLocallyExported(state: EcmaState): void {
  const builder = state.builder;
  const exportedNames = new Set<string>();
  for (const fact of builder.exportList) {
    if (fact.value.kind === 'name') exportedNames.add(fact.value.name);
  }
  if (exportedNames.size === 0) return;
  for (let index = 1; index < builder.entityCount; index++) {
    const entity = builder.entity(index);
    if (entity.parent === 0 && !entity.exported && exportedNames.has(entity.name)) {
      builder.updateEntity(index, { exported: true });
    }
  }
}
