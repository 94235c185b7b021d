import fc from 'fast-check'
import { expect, test } from 'vitest'
import { prune, windowMove, windowTake, windowWaitMs, type WindowLog } from './sliding-window.ts'

const config = { requests: 5, windowMs: 1050 }

test('five grants go at once, the sixth waits for the first to leave the window', () => {
  let log: WindowLog = []
  for (let i = 0; i < 5; i++) {
    expect(windowWaitMs(log, config, 1000 + i)).toBe(0)
    log = windowTake(log, config, 1000 + i)
  }
  expect(windowWaitMs(log, config, 1010)).toBe(1000 + 1050 - 1010)
  expect(windowWaitMs(log, config, 2050)).toBe(0)
  expect(prune(log, config, 2051)).toEqual([1002, 1003, 1004])
})

test('property: granting whenever the wait is 0 never puts more than `requests` in any window', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 60 }), (gaps) => {
      let nowMs = 0
      let log: WindowLog = []
      const grants: number[] = []
      for (const gap of gaps) {
        nowMs += gap
        const wait = windowWaitMs(log, config, nowMs)
        nowMs += wait
        expect(windowWaitMs(log, config, nowMs)).toBe(0)
        log = windowTake(log, config, nowMs)
        grants.push(nowMs)
      }
      for (const start of grants) {
        const inWindow = grants.filter((t) => t >= start && t < start + config.windowMs)
        expect(inWindow.length).toBeLessThanOrEqual(config.requests)
      }
    }),
  )
})

test('a grant moved to when its request left keeps the log in order and counts from then', () => {
  expect(windowMove([1000, 1001, 1002, 1003, 1004], 1001, 1200)).toEqual([
    1000, 1002, 1003, 1004, 1200,
  ])
  expect(windowMove([1000], 999, 1100)).toEqual([1000, 1100])
  // A grant at 1000 whose request left at 1200: four more at 1201–1204, then the sixth waits
  // until 1200 + 1050, where the grant time alone would have let it go at 2051.
  let log = windowMove(windowTake([], config, 1000), 1000, 1200)
  for (let t = 1201; t <= 1204; t++) log = windowTake(log, config, t)
  expect(windowWaitMs(log, config, 2100)).toBe(1200 + 1050 - 2100)
})

test('property: moving grants to their send times keeps ≤ `requests` sends in any window', () => {
  // Each granted request leaves after a random lag; the books move its grant to that time.
  fc.assert(
    fc.property(
      fc.array(fc.record({ gap: fc.integer({ min: 0, max: 400 }), lag: fc.nat(300) }), {
        maxLength: 60,
      }),
      (steps) => {
        let nowMs = 0
        let log: WindowLog = []
        const pending: { grantMs: number; sendMs: number }[] = []
        const sends: number[] = []
        const flushUntil = (t: number): void => {
          pending.sort((a, b) => a.sendMs - b.sendMs)
          while (pending[0] !== undefined && pending[0].sendMs <= t) {
            const { grantMs, sendMs } = pending.shift()!
            log = windowMove(log, grantMs, sendMs)
            sends.push(sendMs)
          }
        }
        for (const { gap, lag } of steps) {
          nowMs += gap
          flushUntil(nowMs)
          let wait = windowWaitMs(log, config, nowMs)
          while (wait > 0) {
            nowMs += wait
            flushUntil(nowMs)
            wait = windowWaitMs(log, config, nowMs)
          }
          log = windowTake(log, config, nowMs)
          pending.push({ grantMs: nowMs, sendMs: nowMs + lag })
        }
        flushUntil(Number.POSITIVE_INFINITY)
        for (const start of sends) {
          const inWindow = sends.filter((t) => t >= start && t < start + config.windowMs)
          expect(inWindow.length).toBeLessThanOrEqual(config.requests)
        }
      },
    ),
  )
})
