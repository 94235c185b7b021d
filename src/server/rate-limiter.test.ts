import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { serverConfigSchema } from './config.ts'
import { createConfiguredLimiter } from './rate-limiter.ts'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(0)
})
afterEach(() => vi.useRealTimers())

const pacing = serverConfigSchema.pick({ airtableRatePerSecond: true, airtableRateWindowMs: true })

/** When each of `count` requests for one base, all asked for at 0, is granted. */
async function grantTimes(config: unknown, count: number): Promise<number[]> {
  const limiter = createConfiguredLimiter(pacing.parse(config))
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    void limiter
      .acquire({ baseId: 'appA', tokenKey: 't', priority: 'write' })
      .then(() => times.push(Date.now()))
  }
  await vi.advanceTimersByTimeAsync(60_000)
  return times
}

test('by default a base gets 5 requests in any 1,025 ms', async () => {
  // 20 ms apart: the token's 50/s; the sixth once the first is 1,025 ms old.
  expect(await grantTimes({}, 7)).toEqual([0, 20, 40, 60, 80, 1025, 1045])
})

test('a window of 0 paces by a token bucket at the rate', async () => {
  const times = await grantTimes({ airtableRatePerSecond: 4.5, airtableRateWindowMs: 0 }, 4)
  // 1,000 / 4.5 = 222.2 ms apart (timers round up to whole ms).
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
  expect(gaps).toHaveLength(3)
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(222)
  for (const gap of gaps) expect(gap).toBeLessThanOrEqual(224)
})

test('the rate is the whole number of requests per window', async () => {
  const times = await grantTimes({ airtableRatePerSecond: 2.5, airtableRateWindowMs: 500 }, 3)
  expect(times).toEqual([0, 20, 500])
})
