import fc from 'fast-check'
import { expect, test } from 'vitest'
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-delay.ts'

test.each([
  { failures: 1, retryAfterMs: undefined, want: 1000 },
  { failures: 2, retryAfterMs: undefined, want: 2000 },
  { failures: 4, retryAfterMs: undefined, want: 8000 },
  { failures: 9, retryAfterMs: undefined, want: MAX_RETRY_DELAY_MS },
  // Retry-After wins while the backoff is shorter; the backoff wins once it is longer.
  { failures: 1, retryAfterMs: 5000, want: 5000 },
  { failures: 4, retryAfterMs: 5000, want: 8000 },
  { failures: 1, retryAfterMs: 60_000, want: 60_000 },
])(
  'failure $failures, Retry-After $retryAfterMs: wait $want ms',
  ({ failures, retryAfterMs, want }) => {
    expect(retryDelayMs({ failures, baseMs: 1000, retryAfterMs })).toBe(want)
  },
)

test('a wait is never shorter than Retry-After nor the backoff, and jitter adds at most a quarter', () => {
  fc.assert(
    fc.property(
      fc.record({
        failures: fc.integer({ min: 1, max: 50 }),
        baseMs: fc.integer({ min: 1, max: 10_000 }),
        retryAfterMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
        r: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      }),
      ({ failures, baseMs, retryAfterMs, r }) => {
        const plain = retryDelayMs({ failures, baseMs, retryAfterMs })
        const jittered = retryDelayMs({ failures, baseMs, retryAfterMs, random: () => r })
        expect(plain).toBeGreaterThanOrEqual(retryAfterMs ?? 0)
        expect(plain).toBeGreaterThanOrEqual(Math.min(baseMs, MAX_RETRY_DELAY_MS))
        expect(jittered).toBeGreaterThanOrEqual(plain)
        expect(jittered).toBeLessThanOrEqual(Math.round(plain * 1.25))
      },
    ),
  )
})
