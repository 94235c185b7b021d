/**
 * Issue 2, "done means" 2: a burst of 30 requests gets at most 5 served per second per base, the
 * rest 429 with Airtable's body, and the base stays blocked for the penalty. Real HTTP on port 0;
 * time is a manual clock, so nothing depends on how fast the machine is.
 */
import { describe, expect, test } from 'vitest'
import { ManualClock } from '../shared/clock.ts'
import { startEmulator } from './start.ts'
import { buildTestBase, TEST_BASE_ID } from './test-base.ts'

const TOKEN = 'patRateLimitTest1.0000'
const RATE_LIMITED = {
  error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' },
}

async function burst(url: string, n: number): Promise<Array<{ status: number; body: unknown }>> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(`${url}/v0/${TEST_BASE_ID}/Tasks?pageSize=1`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
      return { status: res.status, body: await res.json() }
    }),
  )
}

describe('rate limit over HTTP', () => {
  test('30 at once: 5 served, 25 × 429 RATE_LIMIT_REACHED, blocked for the whole penalty', async () => {
    const clock = new ManualClock()
    await using running = await startEmulator({
      tokens: [TOKEN],
      clock,
      bases: [buildTestBase({ rows: 3, clock })],
    })
    const first = await burst(running.url, 30)
    expect(first.filter((r) => r.status === 200)).toHaveLength(5)
    const refused = first.filter((r) => r.status === 429)
    expect(refused).toHaveLength(25)
    for (const r of refused) expect(r.body).toEqual(RATE_LIMITED)

    // One second later the window is free, but the penalty (30 s) is not over.
    for (const advance of [1_000, 10_000, 18_999]) {
      clock.advance(advance)
      const during = await burst(running.url, 3)
      expect(during.map((r) => r.status)).toEqual([429, 429, 429])
    }
    clock.advance(1)
    const after = await burst(running.url, 8)
    expect(after.filter((r) => r.status === 200)).toHaveLength(5)
  })

  test('a steady stream over ten seconds: never more than 5 served in any second', async () => {
    const clock = new ManualClock()
    await using running = await startEmulator({
      tokens: [TOKEN],
      clock,
      rateLimit: { penaltyMs: 0 },
      bases: [buildTestBase({ rows: 3, clock })],
    })
    const servedPerSecond: number[] = []
    for (let second = 0; second < 10; second++) {
      let served = 0
      for (let k = 0; k < 8; k++) {
        const [r] = await burst(running.url, 1)
        if (r?.status === 200) served++
        else expect(r?.body).toEqual(RATE_LIMITED)
        clock.advance(125)
      }
      servedPerSecond.push(served)
    }
    expect(Math.max(...servedPerSecond)).toBeLessThanOrEqual(5)
    expect(servedPerSecond.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    // Asked every 125 ms, a request is served as soon as the window allows: 6 served in 1,000 ms.
    const control = await fetch(`${running.url}/__emulator/rate-limits`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(await control.json()).toEqual({ tightestSpacingMs: { [TEST_BASE_ID]: 1_000 } })
  })

  test('the per-token limit (50/s) spans bases; Retry-After only when asked', async () => {
    const clock = new ManualClock()
    await using running = await startEmulator({
      tokens: [TOKEN],
      clock,
      rateLimit: { perBase: 1000, perToken: 50, retryAfterHeader: true },
    })
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${running.url}/v0/appBase${String(i % 3).padStart(12, '0')}/T`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
      await res.body?.cancel()
    }
    expect(statuses.filter((s) => s !== 429)).toHaveLength(50)
    expect(retryAfter).toBe('30')
  })
})
