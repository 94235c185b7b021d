import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import { decide, EMPTY_WINDOW, RateLimiter, type WindowLimit } from './limits.ts'

const LIMIT: WindowLimit = { limit: 5, windowMs: 1000, penaltyMs: 30_000 }

describe('rate limit window', () => {
  test('a burst of 30 at one instant serves 5 and refuses 25', () => {
    const limiter = new RateLimiter(LIMIT)
    const served = Array.from({ length: 30 }, () => limiter.take('app1', 0).allowed).filter(Boolean)
    expect(served).toHaveLength(5)
  })

  test('after a refusal the key stays blocked for the whole penalty, then recovers', () => {
    const limiter = new RateLimiter(LIMIT)
    for (let i = 0; i < 6; i++) limiter.take('app1', 100)
    expect(limiter.take('app1', 5_000).allowed).toBe(false)
    expect(limiter.take('app1', 100 + 29_999).allowed).toBe(false)
    expect(limiter.take('app1', 100 + 30_000).allowed).toBe(true)
  })

  test('keys are independent', () => {
    const limiter = new RateLimiter(LIMIT)
    for (let i = 0; i < 6; i++) limiter.take('app1', 0)
    expect(limiter.isBlocked('app1', 1)).toBe(true)
    expect(limiter.take('app2', 1).allowed).toBe(true)
  })

  test('the tightest spacing is the shortest time in which limit + 1 requests were served', () => {
    const limiter = new RateLimiter(LIMIT)
    // Each of 1,020 … 1,500 is served with its fifth predecessor 1,020 ms or more before it.
    for (const t of [0, 100, 200, 300, 400, 1_020, 1_130, 1_500]) limiter.take('app1', t)
    limiter.take('app2', 0)
    expect(limiter.tightestSpacingMs()).toEqual({ app1: 1_020 })
    // Two more fill the window at 1,600; the third is refused and does not count.
    expect([1, 2, 3].map(() => limiter.take('app1', 1_600).allowed)).toEqual([true, true, false])
    expect(limiter.tightestSpacingMs()).toEqual({ app1: 1_020 })
    limiter.reset()
    expect(limiter.tightestSpacingMs()).toEqual({})
  })

  test('a refused request reports how long to wait', () => {
    let state = EMPTY_WINDOW
    for (let i = 0; i < 5; i++) state = decide(state, LIMIT, 0).state
    const refused = decide(state, LIMIT, 10)
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 30_000 })
    const later = decide(refused.state, LIMIT, 1_010)
    expect(later).toMatchObject({ allowed: false, retryAfterMs: 29_000 })
  })

  test('property: never more than `limit` served in any window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 200 }), (gaps) => {
        const limit: WindowLimit = { limit: 5, windowMs: 1000, penaltyMs: 0 }
        let state = EMPTY_WINDOW
        let now = 0
        const served: number[] = []
        for (const gap of gaps) {
          now += gap
          const d = decide(state, limit, now)
          state = d.state
          if (d.allowed) served.push(now)
        }
        for (const t of served) {
          expect(served.filter((s) => s > t - 1000 && s <= t).length).toBeLessThanOrEqual(5)
        }
      }),
    )
  })
})
