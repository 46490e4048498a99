// The pieces a context bundle is made of, and their text. Signatures are one short entry each;
// sources are fenced code. Everything here is pure formatting, so the budget can measure it.
import type { Entity } from './entity.js';
import type { EdgeProvenance } from './provenance.js';
import type { Site } from './show.js';
import { fenceFor } from './token-budget.js';

export type ContextSection =
  | 'header'
  | 'source'
  | 'callees'
  | 'callers'
  | 'enclosing'
  | 'types'
  | 'calleeSources'
  | 'callerSources'
  | 'omitted';

export const contextSectionOrder: readonly ContextSection[] = [
  'header',
  'source',
  'callees',
  'callers',
  'enclosing',
  'types',
  'calleeSources',
  'callerSources',
  'omitted',
];

export const contextHeadings: Readonly<Record<ContextSection, string>> = {
  header: '',
  source: '\n## Source\n',
  callees: '\n## Calls\n',
  callers: '\n## Called by\n',
  enclosing: '\n## Enclosing\n',
  types: '\n## Types\n',
  calleeSources: '\n## Source of callees\n',
  callerSources: '\n## Source of callers\n',
  omitted: '\n## Left out\n',
};

export type ContextRole = 'target' | 'callee' | 'caller' | 'enclosing' | 'type';

/** A neighbour the bundle may mention, with the edge that makes it relevant. */
export interface ContextNeighbour {
  readonly role: ContextRole;
  readonly entity: Entity;
  readonly edge?: EdgeProvenance;
  readonly site?: Site;
}

function provenanceText(edge: EdgeProvenance | undefined): string {
  if (edge === undefined || edge.resolution === undefined) return '';
  const confidence = edge.confidence === undefined ? '' : ` ${edge.confidence.toFixed(2)}`;
  const guess = edge.guess ? ', a guess by name' : '';
  return ` (${edge.resolution}${confidence}${guess})`;
}

export function signatureText(neighbour: ContextNeighbour): string {
  const { entity, site, edge } = neighbour;
  const where = `${entity.file}:${entity.line}`;
  const call =
    site === undefined ? '' : `; ${neighbour.role === 'type' ? 'at' : 'call at'} ${site.file}:${site.line}`;
  const signature =
    entity.signature.trim() === '' ? '' : `\n    ${entity.signature.replace(/\s*\n\s*/g, ' ')}`;
  return `- ${entity.qualifiedName} (${entity.kind}) ${where}${call}${provenanceText(edge)}${signature}\n`;
}

const fenceLanguages: Readonly<Record<string, string>> = { typescript: 'ts', javascript: 'js', python: 'py' };

export function sourceText(entity: Entity, code: string, cutLines: number): string {
  const fence = fenceFor(code);
  const named = Object.hasOwn(fenceLanguages, entity.language)
    ? fenceLanguages[entity.language]
    : entity.language;
  const language = (named ?? '').replace(/[^\w+#-]/g, ''); // an info string must not break the fence
  const cut = cutLines > 0 ? `(… ${cutLines} more lines cut to fit the budget)\n` : '';
  const body = code.endsWith('\n') ? code : `${code}\n`;
  return `\n### ${entity.qualifiedName} — ${entity.file}:${entity.line}-${entity.lineEnd}\n${fence}${language}\n${body}${fence}\n${cut}`;
}

export function headerText(target: Entity, honestyLine: string): string {
  const location = `${target.file}:${target.line}-${target.lineEnd}`;
  const signature =
    target.signature.trim() === '' ? '' : `\n    ${target.signature.replace(/\s*\n\s*/g, ' ')}`;
  return `# Context: ${target.qualifiedName} (${target.kind}) ${location} [${target.workspace}]${signature}\n${honestyLine}`;
}
