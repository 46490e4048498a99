// Programmer-error checks. An assertion failure means the code is wrong, not the input: it throws
// an AssertionError that nothing in the product catches. Operating errors use KausalError instead.
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
