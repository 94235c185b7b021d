/**
 * How long to wait before trying a failed request again (pure; STYLE.md habit 11): exponential
 * backoff from `baseMs`, doubled per consecutive failure up to 30 s, never shorter than the
 * server's `Retry-After`. Optional jitter stretches the wait by up to a quarter, so tabs and
 * devices refused together do not come back in lock-step.
 */

/** The longest backoff, in ms. */
export const MAX_RETRY_DELAY_MS = 30_000

/** What {@link retryDelayMs} decides from. */
export interface RetryDelayInput {
  /** Consecutive failures so far, the one just seen included (≥ 1). */
  failures: number
  /** The wait after the first failure, in ms. */
  baseMs: number
  /** The server's `Retry-After`, in ms, if it sent one. */
  retryAfterMs?: number | undefined
  /** A random number in [0, 1) for jitter. @default no jitter */
  random?: () => number
}

/**
 * The wait before the next attempt, in ms.
 * @example retryDelayMs({ failures: 1, baseMs: 1000, retryAfterMs: 5000 }) // 5000
 */
export function retryDelayMs(input: RetryDelayInput): number {
  const exponent = Math.min(Math.max(0, input.failures - 1), 5)
  const backoffMs = Math.min(MAX_RETRY_DELAY_MS, input.baseMs * 2 ** exponent)
  const waitMs = Math.max(input.retryAfterMs ?? 0, backoffMs)
  return Math.round(waitMs * (1 + 0.25 * (input.random?.() ?? 0)))
}
