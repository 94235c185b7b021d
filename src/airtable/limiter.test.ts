import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { PRIORITIES, RateLimiter, type Priority } from './limiter.ts'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(0)
})
afterEach(() => {
  vi.useRealTimers()
})

interface Arrival {
  atMs: number
  priority: Priority
  baseId: string
}

interface Grant extends Arrival {
  grantedMs: number
  seq: number
}

/** Feeds arrivals to a limiter under fake timers and records when each is granted. */
async function run(limiter: RateLimiter, arrivals: Arrival[]): Promise<Grant[]> {
  const grants: Grant[] = []
  let seq = 0
  arrivals.forEach((arrival) => {
    setTimeout(() => {
      void limiter
        .acquire({ baseId: arrival.baseId, tokenKey: 'pat', priority: arrival.priority })
        .then(() => grants.push({ ...arrival, grantedMs: Date.now(), seq: seq++ }))
    }, arrival.atMs)
  })
  await vi.advanceTimersByTimeAsync(3_600_000)
  return grants
}

function maxInAnySecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= 1000) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

const arrivalArb = fc.record({
  atMs: fc.integer({ min: 0, max: 3000 }),
  priority: fc.constantFrom<Priority>(...PRIORITIES),
  baseId: fc.constantFrom('appA', 'appB'),
})

describe('RateLimiter', () => {
  test('property: ≤ 5 grants per base and ≤ 50 per token in any 1-s window; all granted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arrivalArb, { minLength: 10, maxLength: 60, size: 'max' }),
        async (arrivals) => {
          vi.setSystemTime(0)
          const grants = await run(new RateLimiter(), arrivals)
          expect(grants).toHaveLength(arrivals.length)
          for (const baseId of ['appA', 'appB']) {
            const times = grants.filter((g) => g.baseId === baseId).map((g) => g.grantedMs)
            expect(maxInAnySecond(times)).toBeLessThanOrEqual(5)
          }
          expect(maxInAnySecond(grants.map((g) => g.grantedMs))).toBeLessThanOrEqual(50)
        },
      ),
      { numRuns: 40 },
    )
  })

  test('property: a waiting write goes before waiting ingest, before resync (same base)', async () => {
    const rank = (p: Priority): number => PRIORITIES.indexOf(p)
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          arrivalArb.map((a) => ({ ...a, baseId: 'appA' })),
          { minLength: 1, maxLength: 40, size: 'max' },
        ),
        async (arrivals) => {
          vi.setSystemTime(0)
          const grants = await run(new RateLimiter(), arrivals)
          for (const g of grants) {
            // Nobody more urgent had been waiting (arrived before) and was granted after g.
            const overtaken = grants.filter(
              (h) => rank(h.priority) < rank(g.priority) && h.atMs < g.grantedMs && h.seq > g.seq,
            )
            expect(overtaken).toEqual([])
            // FIFO within a priority.
            const sameLater = grants.filter(
              (h) => h.priority === g.priority && h.atMs < g.atMs && h.seq > g.seq,
            )
            expect(sameLater).toEqual([])
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  test('a write queued behind resyncs is granted first', async () => {
    const limiter = new RateLimiter()
    const order: string[] = []
    const ask = (name: string, priority: Priority): Promise<void> =>
      limiter
        .acquire({ baseId: 'appA', tokenKey: 'pat', priority })
        .then(() => void order.push(name))
    const all = [ask('r1', 'resync'), ask('r2', 'resync'), ask('i1', 'ingest'), ask('w1', 'write')]
    expect(limiter.stats().queued).toEqual({ write: 1, ingest: 1, resync: 1 })
    await vi.advanceTimersByTimeAsync(1000)
    await Promise.all(all)
    expect(order).toEqual(['r1', 'w1', 'i1', 'r2'])
    expect(limiter.stats().waits).toBe(3)
    expect(limiter.stats().grants).toBe(4)
  })

  test('requests for different bases do not wait for each other', async () => {
    const at0 = (baseId: string): Arrival => ({ atMs: 0, priority: 'resync', baseId })
    const other = await run(new RateLimiter(), [at0('appA'), at0('appB'), at0('appC')])
    // Only the token bucket (50/s, burst 1) spaces them: 20 ms apart.
    expect(other.map((g) => g.grantedMs)).toEqual([0, 20, 40])
    vi.setSystemTime(0)
    const same = await run(new RateLimiter(), [at0('appA'), at0('appA'), at0('appA')])
    expect(same.map((g) => g.grantedMs)).toEqual([0, 200, 400])
  })

  test('pause blocks a base for the penalty, other bases go on', async () => {
    const limiter = new RateLimiter({ penaltyMs: 30_000 })
    limiter.pause('appA')
    expect(limiter.stats().pausedBaseIds).toEqual(['appA'])
    expect(limiter.pausedUntil('appA')).toBe(30_000)
    let grantedA = -1
    void limiter
      .acquire({ baseId: 'appA', tokenKey: 'pat', priority: 'write' })
      .then(() => (grantedA = Date.now()))
    await expect(
      limiter.acquire({ baseId: 'appB', tokenKey: 'pat', priority: 'resync' }),
    ).resolves.toBe(0)
    await vi.advanceTimersByTimeAsync(29_999)
    expect(grantedA).toBe(-1)
    await vi.advanceTimersByTimeAsync(1)
    expect(grantedA).toBe(30_000)
    expect(limiter.stats().pauses).toBe(1)
    expect(limiter.stats().pausedBaseIds).toEqual([])
  })

  test('an aborted wait rejects with the reason and leaves the queue', async () => {
    const limiter = new RateLimiter()
    await limiter.acquire({ baseId: 'appA', tokenKey: 'pat', priority: 'resync' })
    const controller = new AbortController()
    const waiting = limiter.acquire({
      baseId: 'appA',
      tokenKey: 'pat',
      priority: 'resync',
      signal: controller.signal,
    })
    expect(limiter.stats().queued.resync).toBe(1)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
    expect(limiter.stats().queued.resync).toBe(0)
  })

  test('an already-aborted signal rejects at once', async () => {
    const limiter = new RateLimiter()
    const signal = AbortSignal.abort(new Error('gone'))
    await expect(
      limiter.acquire({ baseId: 'appA', tokenKey: 'pat', priority: 'write', signal }),
    ).rejects.toThrow('gone')
    expect(limiter.stats().grants).toBe(0)
  })

  test('rates and bursts are configurable', async () => {
    const limiter = new RateLimiter({ baseRatePerSecond: 10, baseBurst: 3 })
    const grants = await run(
      limiter,
      Array.from({ length: 5 }, () => ({ atMs: 0, priority: 'resync' as const, baseId: 'appA' })),
    )
    // 3 at once (burst; the token bucket spaces them 20 ms apart), then one per 100 ms.
    expect(grants.map((g) => g.grantedMs)).toEqual([0, 20, 40, 100, 200])
  })
})

describe('RateLimiter with a sliding window per base', () => {
  test('≤ 5 grants in any 1.05-s window, and 50 requests take ~10 windows (4.76/s), not 11 s', async () => {
    const limiter = new RateLimiter({ baseWindow: { requests: 5, windowMs: 1050 } })
    const arrivals = Array.from({ length: 50 }, () => ({
      atMs: 0,
      priority: 'write' as const,
      baseId: 'appA',
    }))
    const grants = await run(limiter, arrivals)
    const times = grants.map((g) => g.grantedMs)
    expect(grants).toHaveLength(50)
    expect(maxInAnySecond(times)).toBeLessThanOrEqual(5)
    for (const t of times) {
      expect(times.filter((u) => u >= t && u < t + 1050).length).toBeLessThanOrEqual(5)
    }
    // The last five go from 9 × 1050 ms (20 ms apart: the token's 50/s): a bucket at 4.5/s
    // would need ~10.9 s.
    expect(Math.max(...times)).toBe(9 * 1050 + 4 * 20)
  })

  test('requests that left late count from when they left', async () => {
    const limiter = new RateLimiter({ baseWindow: { requests: 5, windowMs: 1050 } })
    const grantedAt: number[] = []
    const acquire = (): void =>
      void limiter.acquire({ baseId: 'appA', tokenKey: 't', priority: 'write' }).then(() => {
        grantedAt.push(Date.now())
      })
    for (let i = 0; i < 5; i++) acquire()
    await vi.advanceTimersByTimeAsync(100)
    expect(grantedAt).toEqual([0, 20, 40, 60, 80])
    // Behind a busy event loop, four left at 100 ms and the last at 300 ms.
    for (let i = 0; i < 4; i++) limiter.markSent('appA')
    await vi.advanceTimersByTimeAsync(200)
    limiter.markSent('appA')
    acquire()
    // Not 1,050 ms after the first grant but 1,050 ms after the first request left.
    await vi.advanceTimersByTimeAsync(1_149 - 300)
    expect(grantedAt).toHaveLength(5)
    await vi.advanceTimersByTimeAsync(1)
    expect(grantedAt.at(-1)).toBe(1_150)
  })

  test('a send with no grant waiting leaves the books alone', async () => {
    const limiter = new RateLimiter({ baseWindow: { requests: 5, windowMs: 1050 } })
    limiter.markSent('appA')
    const grants = await run(limiter, [{ atMs: 0, priority: 'write', baseId: 'appA' }])
    expect(grants[0]?.grantedMs).toBe(0)
  })

  test("a 429 widens the base's window a step, up to a cap; quiet spells narrow it back", async () => {
    const limiter = new RateLimiter({
      baseWindow: { requests: 5, windowMs: 1025 },
      windowWidening: { stepMs: 25, maxWindowMs: 1075, quietMs: 600_000 },
    })
    /** From the first to the sixth of six requests asked for at once. */
    const spacing = async (): Promise<number> => {
      const times: number[] = []
      for (let i = 0; i < 6; i++) {
        void limiter.acquire({ baseId: 'appA', tokenKey: 't', priority: 'write' }).then(() => {
          times.push(Date.now())
        })
      }
      await vi.advanceTimersByTimeAsync(60_000)
      return (times[5] ?? 0) - (times[0] ?? 0)
    }
    expect(await spacing()).toBe(1025)
    expect(limiter.stats().widenedWindowMs).toEqual({})
    limiter.pause('appA')
    // Requests in flight when the first 429 came get theirs too: one penalty, one step.
    limiter.pause('appA')
    expect(limiter.stats().widenedWindowMs).toEqual({ appA: 1050 })
    expect(await spacing()).toBe(1050)
    for (let i = 0; i < 3; i++) {
      limiter.pause('appA')
      await vi.advanceTimersByTimeAsync(30_000)
    }
    expect(limiter.stats().widenedWindowMs).toEqual({ appA: 1075 })
    expect(await spacing()).toBe(1075)
    await vi.advanceTimersByTimeAsync(600_000)
    expect(limiter.stats().widenedWindowMs).toEqual({ appA: 1050 })
    await vi.advanceTimersByTimeAsync(600_000)
    expect(limiter.stats().widenedWindowMs).toEqual({})
    expect(await spacing()).toBe(1025)
  })

  test('a token bucket is never widened', () => {
    const limiter = new RateLimiter({ baseRatePerSecond: 4.5 })
    limiter.pause('appA')
    expect(limiter.stats().widenedWindowMs).toEqual({})
  })

  test('a 429 pauses the base in window mode too', async () => {
    const limiter = new RateLimiter({ baseWindow: { requests: 5, windowMs: 1050 } })
    limiter.pause('appA', 30_000)
    const grants = await run(limiter, [{ atMs: 0, priority: 'write', baseId: 'appA' }])
    expect(grants[0]?.grantedMs).toBe(30_000)
  })
})
