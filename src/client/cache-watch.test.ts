/**
 * The cache's watch rules with fake timers: a query is read once per mount however often React
 * re-subscribes; a retryable failure waits for Retry-After (with backoff) before the next
 * request, and nothing fetches meanwhile; a refusal that will not change is shown and not retried.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { AirtableRecord } from '../protocol/index.ts'
import { QueryCache, type CacheEntry } from './cache.ts'
import { AirsyncError } from './errors.ts'

/** A cache whose loads answer from `answers` in turn (the last repeats); `loads` counts them. */
function cacheAnswering(answers: readonly (AirtableRecord[] | AirsyncError)[]) {
  const calls = { loads: 0 }
  const cache = new QueryCache({
    now: () => Date.now(),
    tableConfig: (table) => (table === 'Likes' ? { ttlMs: 0 } : { ttlMs: 60_000 }),
    buildQuery: () => null,
    load: () => {
      const answer = answers[Math.min(calls.loads, answers.length - 1)]
      calls.loads++
      return answer instanceof AirsyncError ? Promise.reject(answer) : Promise.resolve(answer ?? [])
    },
    onChange: () => undefined,
    retryBaseMs: 1500,
    random: () => 0,
  })
  return { cache, calls }
}

const tooMany = (retryAfterMs: number): AirsyncError =>
  new AirsyncError({ type: 'RATE_LIMIT_REACHED', message: 'slow down', status: 429, retryAfterMs })

const like: AirtableRecord = { id: 'recLike1', createdTime: '', fields: { Direction: 'x' } }

/** Lets pending promise callbacks and microtasks run (no timer moves). */
const settle = (): Promise<void> => vi.advanceTimersByTimeAsync(0)

/** React's re-subscribe: the old listener leaves and a new one comes, in the same tick. */
function resubscribe(cache: QueryCache, entry: CacheEntry, stop: () => void): () => void {
  stop()
  return cache.watch(entry, () => undefined)
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

test('an uncached query is read once per mount, however often it is re-subscribed', async () => {
  const { cache, calls } = cacheAnswering([[like]])
  const entry = cache.entry('Likes', {})
  let stop = cache.watch(entry, () => undefined)
  const second = cache.watch(entry, () => undefined)
  for (let i = 0; i < 50; i++) stop = resubscribe(cache, entry, stop)
  await settle()
  for (let i = 0; i < 50; i++) stop = resubscribe(cache, entry, stop)
  await settle()
  expect(calls.loads).toBe(1)
  expect(entry.records).toEqual([like])

  // Every subscriber gone past the tick: the next subscriber is a new mount and reads again.
  stop()
  second()
  await settle()
  cache.watch(entry, () => undefined)
  await settle()
  expect(calls.loads).toBe(2)
})

test('a fresh cached query is not read again on a new mount', async () => {
  const { cache, calls } = cacheAnswering([[like]])
  const entry = cache.entry('Templates', {})
  cache.watch(entry, () => undefined)()
  await settle()
  cache.watch(entry, () => undefined)
  await settle()
  expect(calls.loads).toBe(1)
})

test('a 429 waits for its Retry-After, then backs off; nothing fetches while a retry waits', async () => {
  const { cache, calls } = cacheAnswering([tooMany(2000), tooMany(2000), [like]])
  const entry = cache.entry('Likes', {})
  let stop = cache.watch(entry, () => undefined)
  await settle()
  expect(calls.loads).toBe(1)
  expect(entry.error?.type).toBe('RATE_LIMIT_REACHED')

  // Re-subscribes, events asking to revalidate, a reset: none sends while the retry waits.
  for (let i = 0; i < 20; i++) stop = resubscribe(cache, entry, stop)
  cache.invalidate()
  await expect(cache.revalidate(entry)).rejects.toMatchObject({ status: 429 })
  await vi.advanceTimersByTimeAsync(1999)
  expect(calls.loads).toBe(1)
  await vi.advanceTimersByTimeAsync(1)
  expect(calls.loads).toBe(2)

  // Second failure: the backoff (1.5 s doubled = 3 s) is longer than Retry-After (2 s).
  await vi.advanceTimersByTimeAsync(2999)
  expect(calls.loads).toBe(2)
  await vi.advanceTimersByTimeAsync(1)
  expect(calls.loads).toBe(3)
  expect(entry.records).toEqual([like])
  expect(entry.error).toBeUndefined()
  expect(vi.getTimerCount()).toBe(0)
})

test('a refusal that will not change (403) is kept, not retried', async () => {
  const forbidden = new AirsyncError({ type: 'INVALID_PERMISSIONS', message: 'no', status: 403 })
  const { cache, calls } = cacheAnswering([forbidden])
  const entry = cache.entry('Likes', {})
  cache.watch(entry, () => undefined)
  await vi.advanceTimersByTimeAsync(60_000)
  expect(calls.loads).toBe(1)
  expect(entry.error?.status).toBe(403)
  expect(vi.getTimerCount()).toBe(0)
})

test('an unmounted query stops retrying', async () => {
  const { cache, calls } = cacheAnswering([tooMany(1000)])
  const entry = cache.entry('Likes', {})
  const stop = cache.watch(entry, () => undefined)
  await settle()
  stop()
  await vi.advanceTimersByTimeAsync(60_000)
  expect(calls.loads).toBe(1)
  expect(vi.getTimerCount()).toBe(0)
})
