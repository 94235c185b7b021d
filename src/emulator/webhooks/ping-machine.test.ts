import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { IDLE, reducePing, retryDelayMs, type PingEvent, type PingState } from './ping-machine.ts'

const POLICY = { coalesceMs: 100, firstRetryDelayMs: 10_000, maxRetries: 13 }

function run(events: PingEvent['type'][], start: PingState = IDLE) {
  let state = start
  const effects = []
  for (const type of events) {
    const out = reducePing(state, { type }, POLICY)
    state = out.state
    effects.push(...out.effects)
  }
  return { state, effects }
}

describe('reducePing', () => {
  test('a burst of payloads schedules one ping', () => {
    const { state, effects } = run(['payload', 'payload', 'payload'])
    expect(state).toEqual({ kind: 'scheduled', retryNumber: 0 })
    expect(effects).toEqual([{ kind: 'schedule', delayMs: 100 }])
  })

  test('payloads during a ping in flight earn exactly one more ping', () => {
    const { state, effects } = run(['payload', 'timer', 'payload', 'payload', 'succeeded'])
    expect(state).toEqual({ kind: 'scheduled', retryNumber: 0 })
    expect(effects).toEqual([
      { kind: 'schedule', delayMs: 100 },
      { kind: 'send', retryNumber: 0 },
      { kind: 'schedule', delayMs: 100 },
    ])
  })

  test('failures back off exponentially from 10 s and disable after 13 retries', () => {
    const events: PingEvent['type'][] = ['payload']
    for (let i = 0; i <= 13; i++) events.push('timer', 'failed')
    const { state, effects } = run(events)
    expect(state).toEqual(IDLE)
    const delays = effects.filter((e) => e.kind === 'schedule').map((e) => e.delayMs)
    expect(delays).toEqual([100, ...Array.from({ length: 13 }, (_, i) => 10_000 * 2 ** i)])
    expect(effects.filter((e) => e.kind === 'send')).toHaveLength(14)
    expect(effects.at(-1)).toEqual({ kind: 'disable' })
  })

  test('stop cancels a scheduled ping', () => {
    expect(run(['payload', 'stop'])).toEqual({
      state: IDLE,
      effects: [{ kind: 'schedule', delayMs: 100 }, { kind: 'cancel' }],
    })
  })

  test('retry delays double', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(POLICY, n))).toEqual([10_000, 20_000, 40_000])
  })

  test('property: never more than one timer armed, never a send without a timer', () => {
    const eventArb = fc.constantFrom<PingEvent['type']>(
      'payload',
      'timer',
      'succeeded',
      'failed',
      'stop',
    )
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (types) => {
        let state: PingState = IDLE
        let armed = 0
        for (const type of types) {
          // A timer only fires when one is armed; outcomes only arrive for a ping in flight.
          if (type === 'timer' && armed === 0) continue
          if ((type === 'succeeded' || type === 'failed') && state.kind !== 'sending') continue
          const out = reducePing(state, { type }, POLICY)
          if (type === 'timer') armed--
          for (const e of out.effects) {
            if (e.kind === 'schedule') armed++
            if (e.kind === 'cancel') armed--
          }
          expect(armed).toBeLessThanOrEqual(1)
          expect(armed).toBeGreaterThanOrEqual(0)
          expect(armed === 1).toBe(out.state.kind === 'scheduled')
          state = out.state
        }
      }),
    )
  })
})
