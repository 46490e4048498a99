// What the resolver says an expression denotes. `via` records how the answer was reached, which
// becomes the `resolution` of a calls edge: through the file's own declarations (lexical), through
// an import (import), or through the type of a receiver (receiver).
import type { FileNode, EntityNode } from './workspace-index.js';

export type Resolution = 'lexical' | 'import' | 'receiver';

export type Value =
  /** An entity itself: a function, a class used as a value, a constant. */
  | { readonly kind: 'entity'; readonly entity: EntityNode; readonly via: Resolution }
  /** An instance of a type declared in the workspace. */
  | { readonly kind: 'instance'; readonly type: EntityNode; readonly via: Resolution }
  /** A module or package used as a namespace. */
  | { readonly kind: 'module'; readonly files: readonly FileNode[]; readonly via: Resolution }
  /** Something that certainly lives outside the workspace: a package, a builtin, a global. */
  | { readonly kind: 'external' }
  /** A local closure, parameter or value the model does not follow. */
  | { readonly kind: 'local' }
  | { readonly kind: 'unknown' };

export const externalValue: Value = { kind: 'external' };
export const localValue: Value = { kind: 'local' };
export const unknownValue: Value = { kind: 'unknown' };

const resolutionRank: Readonly<Record<Resolution, number>> = { lexical: 0, import: 1, receiver: 2 };

/** The less direct of two resolutions: a chain is only as exact as its weakest step. */
export function weaker(left: Resolution, right: Resolution): Resolution {
  return resolutionRank[left] >= resolutionRank[right] ? left : right;
}

export function withVia(value: Value, via: Resolution): Value {
  if (value.kind === 'entity' || value.kind === 'instance' || value.kind === 'module') {
    const combined = weaker(value.via, via);
    return combined === value.via ? value : { ...value, via: combined };
  }
  return value;
}
