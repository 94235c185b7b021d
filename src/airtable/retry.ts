/**
 * Retry decisions, pure (STYLE habit 11): whether a failed attempt is tried again and after how
 * long. The HTTP shell (http.ts) sleeps and re-sends; the limiter applies 429 penalties.
 *
 * Delays use exponential backoff with full jitter: `random() * min(maxDelayMs, baseDelayMs * 2^(n-1))`
 * before retry n, the same shape airtable.js uses for 429s (airtable-api.md §8.3), so concurrent
 * clients do not retry in lock-step. A `Retry-After` header, when present, is honoured instead.
 */
import { classifyError, mayHaveBeenApplied, type AirtableError } from './errors.ts'

export interface RetryPolicy {
  /** Attempts in all, the first included. @default 5 */
  maxAttempts: number
  /** Backoff ceiling before the first retry, ms. @default 500 */
  baseDelayMs: number
  /** Largest backoff, ms. @default 30000 */
  maxDelayMs: number
  /** Largest `Retry-After` honoured, ms; longer ones are clipped. @default 120000 */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
}

/**
 * Backoff before retry number `retry` (1 = the first retry): full jitter, or `Retry-After` when
 * the server sent one.
 */
export function retryDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs'>,
  input: { random: () => number; retryAfterMs?: number | undefined },
): number {
  if (input.retryAfterMs !== undefined) {
    return Math.min(Math.max(0, input.retryAfterMs), policy.maxRetryAfterMs)
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(input.random() * ceiling)
}

/** Re-exported for the transport and its tests. */
export { parseRetryAfter } from '../shared/index.ts'

/** What the shell should do after a failed attempt. */
export type RetryDecision =
  /** Back off `delayMs`, then try again (after a 429 the delay is 0: the limiter's pause waits). */
  | { action: 'retry'; delayMs: number }
  /** Give up: throw `error` (possibly marked `outcomeUnknown`). */
  | { action: 'fail'; error: AirtableError }

export interface RetryInput {
  error: AirtableError
  /** The attempt that failed, 1-based. */
  attempt: number
  /**
   * True when sending the request twice is harmless (GET, PATCH, PUT, DELETE, upserts). A
   * non-idempotent request (a create) is retried only when it provably was not applied.
   */
  idempotent: boolean
  /** True for writes: a failure that may have been applied then sets `outcomeUnknown`. */
  isWrite: boolean
  random: () => number
}

/** Decides the next step after a failed attempt; pure. */
export function decideRetry(input: RetryInput, policy: RetryPolicy): RetryDecision {
  const { error, attempt } = input
  const kind = classifyError(error)
  const unknownOutcome = input.isWrite && kind === 'retriable' && mayHaveBeenApplied(error)
  const fail = (): RetryDecision => ({
    action: 'fail',
    error: unknownOutcome ? error.with({ outcomeUnknown: true }) : error,
  })
  if (kind === 'fatal' || attempt >= policy.maxAttempts) return fail()
  // A 429 is a definite "not done": safe to resend even a create, once the pause is over.
  if (kind === 'rateLimited') return { action: 'retry', delayMs: 0 }
  if (!input.idempotent && mayHaveBeenApplied(error)) return fail()
  return {
    action: 'retry',
    delayMs: retryDelayMs(attempt, policy, {
      random: input.random,
      retryAfterMs: error.retryAfterMs,
    }),
  }
}

/**
 * How long the base must pause after this error: the `Retry-After` if Airtable sent one, else
 * `penaltyMs`; undefined when the error is not a 429 `RATE_LIMIT_REACHED`. The pause applies
 * whether or not the request is retried, so that other requests stop hitting the base.
 */
export function penaltyFor(error: AirtableError, penaltyMs: number): number | undefined {
  if (classifyError(error) !== 'rateLimited') return undefined
  return error.retryAfterMs ?? penaltyMs
}
