/** Thrown when an internal invariant does not hold: a bug, never a user error. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError'
}

/** Throws an {@link AssertionError} unless `condition` holds. */
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message)
}

/** Returns `value`, or throws when it is `undefined` or `null`. */
export function must<T>(value: T | null | undefined, message = 'value is missing'): T {
  if (value === undefined || value === null) throw new AssertionError(message)
  return value
}

/** Marks a `switch` as exhaustive: TypeScript fails to compile when a case is missing. */
export function unreachable(value: never): never {
  throw new AssertionError(`unreachable: ${JSON.stringify(value)}`)
}
