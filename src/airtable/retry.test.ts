import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { AirtableError, AirtableNetworkError, AirtableTimeoutError } from './errors.ts'
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  parseRetryAfter,
  penaltyFor,
  retryDelayMs,
  type RetryInput,
} from './retry.ts'

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 }

describe('retryDelayMs', () => {
  test('the jitter ceiling doubles per retry up to the cap', () => {
    const top = (retry: number): number => retryDelayMs(retry, policy, { random: () => 0.999999 })
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 999, 999])
  })

  test('property: full jitter stays in [0, min(cap, base·2^(n-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, r) => {
          const delay = retryDelayMs(retry, policy, { random: () => r })
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThan(ceiling)
        },
      ),
    )
  })

  test('Retry-After wins over jitter and is clipped to maxRetryAfterMs', () => {
    expect(retryDelayMs(1, policy, { random: () => 0.5, retryAfterMs: 7000 })).toBe(7000)
    expect(retryDelayMs(1, policy, { random: () => 0.5, retryAfterMs: 10_000_000 })).toBe(
      policy.maxRetryAfterMs,
    )
    expect(retryDelayMs(3, policy, { random: () => 0.5, retryAfterMs: 0 })).toBe(0)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0)
  test.each([
    { header: '30', ms: 30_000 },
    { header: ' 2 ', ms: 2000 },
    { header: '0.5', ms: 500 },
    { header: 'Thu, 01 Jan 2026 12:00:10 GMT', ms: 10_000 },
    { header: 'Thu, 01 Jan 2026 11:00:00 GMT', ms: 0 },
    { header: 'soon', ms: undefined },
    { header: null, ms: undefined },
  ])('$header → $ms', ({ header, ms }) => {
    expect(parseRetryAfter(header, now)).toBe(ms)
  })
})

describe('decideRetry', () => {
  const wire = (
    status: number,
    type: string,
    extra: { retryAfterMs?: number } = {},
  ): AirtableError => new AirtableError({ type, message: type, status, ...extra })
  const input = (error: AirtableError, over: Partial<RetryInput> = {}): RetryInput => ({
    error,
    attempt: 1,
    idempotent: true,
    isWrite: false,
    random: () => 0.5,
    ...over,
  })
  const create = { idempotent: false, isWrite: true }
  const patch = { idempotent: true, isWrite: true }

  test('a 503 on a read is retried with backoff', () => {
    expect(decideRetry(input(wire(503, 'RETRIABLE_ERROR')), policy)).toEqual({
      action: 'retry',
      delayMs: 50,
    })
  })

  test('a 503 with Retry-After waits that long', () => {
    const error = wire(503, 'RETRIABLE_ERROR', { retryAfterMs: 3000 })
    expect(decideRetry(input(error), policy)).toEqual({ action: 'retry', delayMs: 3000 })
  })

  test('a 429 is retried at once (the limiter pauses), even for a create', () => {
    expect(decideRetry(input(wire(429, 'RATE_LIMIT_REACHED'), create), policy)).toEqual({
      action: 'retry',
      delayMs: 0,
    })
  })

  test.each([
    wire(429, 'PUBLIC_API_BILLING_LIMIT_EXCEEDED'),
    wire(422, 'INVALID_RECORDS'),
    wire(403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'),
    wire(404, 'NOT_FOUND'),
  ])('$type is not retried and its outcome is known', (error) => {
    const decision = decideRetry(input(error, patch), policy)
    expect(decision).toEqual({ action: 'fail', error })
    expect(decision.action === 'fail' && decision.error.outcomeUnknown).toBe(false)
  })

  test.each([
    wire(500, 'SERVER_ERROR'),
    wire(503, 'RETRIABLE_ERROR'),
    new AirtableTimeoutError({ message: 't' }),
    new AirtableNetworkError({ type: 'NETWORK_ERROR', message: 'reset' }),
  ])('a create is not re-sent after $type: it fails with outcomeUnknown', (error) => {
    const decision = decideRetry(input(error, create), policy)
    expect(decision.action).toBe('fail')
    expect(decision.action === 'fail' && decision.error.outcomeUnknown).toBe(true)
    expect(decision.action === 'fail' && decision.error.type).toBe(error.type)
  })

  test('a create that provably never left is re-sent', () => {
    const refused = new AirtableNetworkError({
      type: 'NETWORK_ERROR',
      message: 'refused',
      notSent: true,
    })
    expect(decideRetry(input(refused, create), policy).action).toBe('retry')
  })

  test('a PATCH is re-sent after a timeout; on the last attempt it fails with outcomeUnknown', () => {
    const timeout = new AirtableTimeoutError({ message: 't' })
    expect(decideRetry(input(timeout, patch), policy).action).toBe('retry')
    const last = decideRetry(input(timeout, { ...patch, attempt: policy.maxAttempts }), policy)
    expect(last.action === 'fail' && last.error.outcomeUnknown).toBe(true)
  })

  test('a read that runs out of attempts fails with a known outcome', () => {
    const last = decideRetry(input(wire(502, 'BAD_GATEWAY'), { attempt: 5 }), policy)
    expect(last.action === 'fail' && last.error.outcomeUnknown).toBe(false)
  })

  test('penaltyFor: Retry-After, else the default, only for RATE_LIMIT_REACHED', () => {
    expect(penaltyFor(wire(429, 'RATE_LIMIT_REACHED'), 30_000)).toBe(30_000)
    expect(penaltyFor(wire(429, 'RATE_LIMIT_REACHED', { retryAfterMs: 5000 }), 30_000)).toBe(5000)
    expect(penaltyFor(wire(429, 'PUBLIC_API_BILLING_LIMIT_EXCEEDED'), 30_000)).toBeUndefined()
    expect(penaltyFor(wire(503, 'RETRIABLE_ERROR'), 30_000)).toBeUndefined()
  })
})
