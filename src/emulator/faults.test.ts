import { describe, expect, test } from 'vitest'
import { faultSettingsSchema, injectedErrorBody, NO_FAULTS, planFault } from './faults.ts'

const draws = (...values: number[]) => {
  let i = 0
  return () => values[i++ % values.length] ?? 0
}

describe('planFault', () => {
  test('no faults: pass without delay', () => {
    expect(planFault(NO_FAULTS, { isWrite: true }, Math.random)).toEqual({
      delayMs: 0,
      action: { kind: 'pass' },
    })
  })

  test('latency is fixed plus jitter in [0, jitter]', () => {
    const s = faultSettingsSchema.parse({ latencyMs: 100, jitterMs: 50 })
    expect(planFault(s, { isWrite: false }, draws(0.999, 0.5, 0, 0)).delayMs).toBe(150)
    expect(planFault(s, { isWrite: false }, draws(0, 0.5, 0, 0)).delayMs).toBe(100)
  })

  test('error rate picks a status from the list', () => {
    const s = faultSettingsSchema.parse({ errorRate: 0.5, errorStatuses: [502, 503] })
    expect(planFault(s, { isWrite: false }, draws(0, 0.4, 0.9, 0)).action).toEqual({
      kind: 'error',
      status: 503,
    })
    expect(planFault(s, { isWrite: false }, draws(0, 0.6, 0.9, 0)).action).toEqual({ kind: 'pass' })
  })

  test('commit-then-fail only for writes', () => {
    const s = faultSettingsSchema.parse({ commitThenFailRate: 1, commitThenFailMode: 'reset' })
    expect(planFault(s, { isWrite: false }, draws(0.5)).action.kind).toBe('pass')
    expect(planFault(s, { isWrite: true }, draws(0.5)).action).toMatchObject({
      kind: 'commitThenFail',
      mode: 'reset',
    })
  })

  test('hang wins over errors', () => {
    const s = faultSettingsSchema.parse({ hangRate: 0.1, errorRate: 1 })
    expect(planFault(s, { isWrite: false }, draws(0, 0.05, 0, 0)).action.kind).toBe('hang')
    expect(planFault(s, { isWrite: false }, draws(0, 0.5, 0, 0)).action.kind).toBe('error')
  })

  test('a base scope leaves other bases alone', () => {
    const s = faultSettingsSchema.parse({ errorRate: 1, baseId: 'appA' })
    expect(planFault(s, { baseId: 'appB', isWrite: false }, draws(0)).action.kind).toBe('pass')
    expect(planFault(s, { baseId: 'appA', isWrite: false }, draws(0)).action.kind).toBe('error')
  })

  test('settings reject rates outside [0,1] and unknown keys', () => {
    expect(faultSettingsSchema.safeParse({ errorRate: 2 }).success).toBe(false)
    expect(faultSettingsSchema.safeParse({ nope: 1 }).success).toBe(false)
  })

  test.each([
    [429, 'RATE_LIMIT_REACHED'],
    [500, 'SERVER_ERROR'],
    [502, 'BAD_GATEWAY'],
    [503, 'RETRIABLE_ERROR'],
  ] as const)('injected %i body has type %s', (status, type) => {
    expect(injectedErrorBody(status)).toMatchObject({ error: { type } })
  })
})
