import { expect, test } from 'vitest'
import { ManualClock } from '../shared/index.ts'
import { AuthFailureThrottle } from './auth-throttle.ts'

test('an address is blocked after its failures, until its window ends; others are not', () => {
  const clock = new ManualClock(0)
  const throttle = new AuthFailureThrottle({ maxFailures: 3, windowMs: 60_000, clock })
  for (let i = 0; i < 3; i += 1) {
    expect(throttle.blockedForMs('10.0.0.1')).toBe(0)
    throttle.fail('10.0.0.1')
    clock.advance(1_000)
  }
  expect(throttle.blockedForMs('10.0.0.1')).toBe(57_000)
  expect(throttle.blockedForMs('10.0.0.2')).toBe(0)
  clock.advance(57_000)
  expect(throttle.blockedForMs('10.0.0.1')).toBe(0)
  throttle.fail('10.0.0.1')
  expect(throttle.blockedForMs('10.0.0.1')).toBe(0)
})

test('memory is bounded: a flood of addresses evicts the oldest windows', () => {
  const clock = new ManualClock(0)
  const throttle = new AuthFailureThrottle({ maxFailures: 1, maxAddresses: 100, clock })
  throttle.fail('victim-of-eviction')
  for (let i = 0; i < 1_000; i += 1) throttle.fail(`10.1.${i >> 8}.${i & 255}`)
  expect(throttle.size).toBe(100)
  expect(throttle.blockedForMs('victim-of-eviction')).toBe(0)
  expect(throttle.blockedForMs('10.1.3.231')).toBeGreaterThan(0)
})
