import { expect, test } from 'vitest'
import { ManualClock } from '../shared/index.ts'
import { RequestLimiter } from './rate-limit.ts'

test('a burst, then the steady rate; keys are independent', () => {
  const clock = new ManualClock()
  const limiter = new RequestLimiter({ requestsPerSecond: 2, burst: 3, clock })
  expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true])
  expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 500 })
  expect(limiter.take('b').ok).toBe(true)
  clock.advance(500)
  expect(limiter.take('a').ok).toBe(true)
  expect(limiter.take('a').ok).toBe(false)
  clock.advance(10_000)
  // Refill is capped at the burst.
  expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false])
})

test('memory is bounded by maxKeys, least recently used dropped first', () => {
  const limiter = new RequestLimiter({
    requestsPerSecond: 1,
    burst: 1,
    clock: new ManualClock(),
    maxKeys: 2,
  })
  limiter.take('a')
  limiter.take('b')
  limiter.take('a')
  limiter.take('c')
  expect(limiter.size).toBe(2)
  // 'b' was forgotten, so it has a full bucket again; 'a' is still empty.
  expect(limiter.take('b').ok).toBe(true)
  expect(limiter.take('c').ok).toBe(false)
})
