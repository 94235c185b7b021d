import fc from 'fast-check'
import { expect, test } from 'vitest'
import { prune, windowTake, windowWaitMs, type WindowLog } from './sliding-window.ts'

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
