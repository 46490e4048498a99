// Usage errors: printed on stderr with a hint, exit code 2. Runtime errors exit 1.
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const usageHint = "Run 'kausal help' for usage information";
