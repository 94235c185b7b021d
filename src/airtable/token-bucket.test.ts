import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  fullBucket,
  pause,
  refill,
  take,
  waitMs,
  type BucketConfig,
  type BucketState,
} from './token-bucket.ts'

/** Grants each arrival at the earliest instant the bucket allows, in arrival order. */
function simulate(config: BucketConfig, arrivalsMs: number[]): number[] {
  let state = fullBucket(config, 0)
  let nowMs = 0
  const grants: number[] = []
  for (const arrival of [...arrivalsMs].sort((a, b) => a - b)) {
    nowMs = Math.max(nowMs, arrival)
    const wait = waitMs(state, config, nowMs)
    nowMs += wait
    expect(waitMs(state, config, nowMs)).toBe(0)
    state = take(state, config, nowMs)
    grants.push(nowMs)
  }
  return grants
}

/** Most grants in any half-open window [t, t + 1000). */
function maxInAnySecond(grants: number[]): number {
  let best = 0
  for (let i = 0, j = 0; i < grants.length; i++) {
    while ((grants[i] ?? 0) - (grants[j] ?? 0) >= 1000) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

describe('token bucket maths', () => {
  test('with burst 1, never more than `rate` grants in any 1-s window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 200, size: 'max' }),
        (rate, arrivals) => {
          const grants = simulate({ ratePerSecond: rate, burst: 1 }, arrivals)
          expect(grants).toHaveLength(arrivals.length)
          expect(maxInAnySecond(grants)).toBeLessThanOrEqual(rate)
        },
      ),
    )
  })

  test('with burst b, never more than b + rate - 1 grants in any 1-s window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 200, size: 'max' }),
        (rate, burst, arrivals) => {
          const grants = simulate({ ratePerSecond: rate, burst }, arrivals)
          expect(maxInAnySecond(grants)).toBeLessThanOrEqual(burst + rate - 1)
        },
      ),
    )
  })

  test('a steady stream reaches the rate (the limiter does not starve)', () => {
    const grants = simulate(
      { ratePerSecond: 5, burst: 1 },
      Array.from({ length: 50 }, () => 0),
    )
    expect(grants.at(-1)).toBe(49 * 200)
  })

  test('a full bucket grants `burst` at once, then one per 1/rate', () => {
    const config = { ratePerSecond: 5, burst: 3 }
    expect(simulate(config, [0, 0, 0, 0, 0])).toEqual([0, 0, 0, 200, 400])
  })

  test('refill caps at burst and never moves back in time', () => {
    const config = { ratePerSecond: 5, burst: 2 }
    const empty: BucketState = { tokens: 0, atMs: 1000, pausedUntilMs: 0 }
    expect(refill(empty, config, 1100).tokens).toBeCloseTo(0.5)
    expect(refill(empty, config, 99_000).tokens).toBe(2)
    expect(refill(empty, config, 500)).toBe(empty)
  })

  test('a pause blocks until it ends, then allows one request and the steady rate', () => {
    const config = { ratePerSecond: 5, burst: 5 }
    const paused = pause(fullBucket(config, 0), config, { nowMs: 0, untilMs: 30_000 })
    expect(waitMs(paused, config, 0)).toBe(30_000)
    expect(waitMs(paused, config, 29_999)).toBe(1)
    expect(waitMs(paused, config, 30_000)).toBe(0)
    const after = take(paused, config, 30_000)
    expect(waitMs(after, config, 30_000)).toBe(200)
  })

  test('an empty bucket paused waits for the pause and a token', () => {
    const config = { ratePerSecond: 5, burst: 1 }
    const empty = take(fullBucket(config, 0), config, 0)
    const paused = pause(empty, config, { nowMs: 0, untilMs: 1000 })
    expect(waitMs(paused, config, 0)).toBe(1200)
  })

  test('a shorter pause does not shorten a longer one', () => {
    const config = { ratePerSecond: 5, burst: 1 }
    const long = pause(fullBucket(config, 0), config, { nowMs: 0, untilMs: 30_000 })
    const both = pause(long, config, { nowMs: 10, untilMs: 100 })
    expect(both.pausedUntilMs).toBe(30_000)
  })
})
