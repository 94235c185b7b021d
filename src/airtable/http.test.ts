/**
 * The request loop against a real local server: 429 penalties, 5xx retries, hangs, resets,
 * refused connections, the billing 429, aborts and the metrics hook. No mocked fetch.
 */
import { createServer } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { AirtableError, AirtableNetworkError, AirtableTimeoutError } from './errors.ts'
import { createAirtableClient } from './http.ts'
import { RateLimiter } from './limiter.ts'
import { errorJson, record, startHarness, type Harness } from './test-fixtures.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.server.close()
  h = undefined
})

const ok = { json: { records: [record(1)] } }
const created = { json: { records: [record(1)] } }
const rateLimited = {
  status: 429,
  json: errorJson('RATE_LIMIT_REACHED', 'Rate limit exceeded. Please try again later'),
}
const unavailable = {
  status: 503,
  json: errorJson('RETRIABLE_ERROR', 'Server encountered an error'),
}

/** A port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('429 RATE_LIMIT_REACHED', () => {
  test('pauses the base for the penalty, then retries and succeeds', async () => {
    h = await startHarness((_, i) => (i === 0 ? rateLimited : ok))
    const page = await h.client.table('appA', 'T').list()
    expect(page.records).toHaveLength(1)
    expect(h.server.requests).toHaveLength(2)
    expect(h.limiter.stats().pauses).toBe(1)
    expect(h.events.map((e) => [e.status, e.attempt])).toEqual([
      [429, 1],
      [200, 2],
    ])
    expect(h.events[0]?.error?.type).toBe('RATE_LIMIT_REACHED')
    // The retry waited for the pause in the limiter.
    expect(h.events[1]?.queuedMs).toBeGreaterThan(0)
  })

  test('a create is re-sent after a 429: it was not applied', async () => {
    h = await startHarness((_, i) => (i === 0 ? rateLimited : created))
    const records = await h.client.table('appA', 'T').create([{ fields: { Name: 'a' } }])
    expect(records).toHaveLength(1)
    expect(h.server.requests).toHaveLength(2)
  })

  test('Retry-After on a 429 sets the pause length', async () => {
    const limiter = new RateLimiter({
      baseRatePerSecond: 1000,
      tokenRatePerSecond: 1000,
      penaltyMs: 600_000,
    })
    h = await startHarness(
      (_, i) => (i === 0 ? { ...rateLimited, headers: { 'retry-after': '0' } } : ok),
      {
        limiter,
      },
    )
    // With the 10-minute default penalty this would time out; Retry-After: 0 overrides it.
    await expect(h.client.table('appA', 'T').list()).resolves.toBeDefined()
    expect(h.server.requests).toHaveLength(2)
  })

  test('after maxAttempts 429s it throws the typed error, base still paused', async () => {
    h = await startHarness(() => rateLimited, { maxAttempts: 3 })
    const error = await h.client
      .table('appA', 'T')
      .list()
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ type: 'RATE_LIMIT_REACHED', status: 429, outcomeUnknown: false })
    expect(h.server.requests).toHaveLength(3)
    expect(h.limiter.stats().pauses).toBe(3)
  })
})

describe('PUBLIC_API_BILLING_LIMIT_EXCEEDED', () => {
  test('is not retried and does not pause the base', async () => {
    h = await startHarness(() => ({
      status: 429,
      json: errorJson('PUBLIC_API_BILLING_LIMIT_EXCEEDED', 'API billing plan limit exceeded.'),
    }))
    const error = await h.client
      .table('appA', 'T')
      .list()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AirtableError)
    expect(error).toMatchObject({ type: 'PUBLIC_API_BILLING_LIMIT_EXCEEDED', status: 429 })
    expect(h.server.requests).toHaveLength(1)
    expect(h.limiter.stats().pauses).toBe(0)
  })
})

describe('5xx', () => {
  test('a read is retried with backoff until it succeeds', async () => {
    h = await startHarness((_, i) => (i < 2 ? unavailable : ok))
    await expect(h.client.table('appA', 'T').list()).resolves.toMatchObject({
      records: [record(1)],
    })
    expect(h.events.map((e) => e.status)).toEqual([503, 503, 200])
    expect(h.events.map((e) => e.attempt)).toEqual([1, 2, 3])
  })

  test('a read gives up after maxAttempts with the last error', async () => {
    h = await startHarness(
      () => ({ status: 500, text: 'oops', headers: { 'content-type': 'text/plain' } }),
      {
        maxAttempts: 2,
      },
    )
    const error = await h.client
      .table('appA', 'T')
      .list()
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      type: 'SERVER_ERROR',
      status: 500,
      message: 'HTTP 500: oops',
      outcomeUnknown: false,
    })
    expect(h.server.requests).toHaveLength(2)
  })

  test('a create is not re-sent after a 503: outcomeUnknown', async () => {
    h = await startHarness(() => unavailable)
    const error = await h.client
      .table('appA', 'T')
      .create([{ fields: { Name: 'a' } }])
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      type: 'RETRIABLE_ERROR',
      status: 503,
      outcomeUnknown: true,
      method: 'POST',
    })
    expect(h.server.requests).toHaveLength(1)
  })

  test('retryUnsafe re-sends a create anyway', async () => {
    h = await startHarness((_, i) => (i === 0 ? unavailable : created))
    await h.client.table('appA', 'T').create([{ fields: { Name: 'a' } }], { retryUnsafe: true })
    expect(h.server.requests).toHaveLength(2)
  })

  test('an update (PATCH) is idempotent and re-sent', async () => {
    h = await startHarness((_, i) => (i === 0 ? unavailable : ok))
    await h.client.table('appA', 'T').update([{ id: 'rec1', fields: { Name: 'b' } }])
    expect(h.server.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH'])
  })
})

describe('hangs and timeouts', () => {
  test('a hung read times out per attempt and is retried', async () => {
    h = await startHarness((_, i) => (i === 0 ? { hang: true } : ok), { timeoutMs: 150 })
    await expect(h.client.table('appA', 'T').list()).resolves.toBeDefined()
    expect(h.events[0]?.error).toBeInstanceOf(AirtableTimeoutError)
    expect(h.events[0]?.status).toBe(0)
    expect(h.server.requests).toHaveLength(2)
  })

  test('a hung create fails with TIMEOUT and outcomeUnknown, sent once', async () => {
    h = await startHarness(() => ({ hang: true }), { timeoutMs: 150 })
    const error = await h.client
      .table('appA', 'T')
      .create([{ fields: { Name: 'a' } }])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AirtableTimeoutError)
    expect(error).toMatchObject({ type: 'TIMEOUT', outcomeUnknown: true })
    expect(h.server.requests).toHaveLength(1)
  })

  test('a per-call timeout overrides the client one', async () => {
    h = await startHarness(() => ({ hang: true }), { timeoutMs: 60_000, maxAttempts: 1 })
    const error = await h.client
      .table('appA', 'T')
      .list({}, { timeoutMs: 100 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AirtableTimeoutError)
  })

  test('the caller aborting rejects with its reason and does not retry', async () => {
    h = await startHarness(() => ({ hang: true }))
    const controller = new AbortController()
    const pending = h.client.table('appA', 'T').list({}, { signal: controller.signal })
    while (h.server.requests.length === 0) await new Promise((r) => setTimeout(r, 5))
    controller.abort(new Error('user left'))
    await expect(pending).rejects.toThrow('user left')
    expect(h.server.requests).toHaveLength(1)
  })
})

describe('resets and refused connections', () => {
  test('a reset read is retried', async () => {
    h = await startHarness((_, i) => (i === 0 ? { reset: true } : ok))
    await expect(h.client.table('appA', 'T').list()).resolves.toBeDefined()
    expect(h.events[0]?.error).toBeInstanceOf(AirtableNetworkError)
    expect(h.events[0]?.error?.type).toBe('NETWORK_ERROR')
  })

  test('a reset create fails with outcomeUnknown', async () => {
    h = await startHarness(() => ({ reset: true }))
    const error = await h.client
      .table('appA', 'T')
      .create([{ fields: { Name: 'a' } }])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AirtableNetworkError)
    expect(error).toMatchObject({ notSent: false, outcomeUnknown: true })
    expect(h.server.requests).toHaveLength(1)
  })

  test('a refused connection is "not sent": even a create is retried, then fails known', async () => {
    const events: number[] = []
    const client = createAirtableClient({
      token: 'pat',
      apiUrl: `http://127.0.0.1:${await closedPort()}`,
      limiter: new RateLimiter({ baseRatePerSecond: 1000, tokenRatePerSecond: 1000 }),
      maxAttempts: 3,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      onRequest: (e) => events.push(e.attempt),
    })
    const error = await client
      .table('appA', 'T')
      .create([{ fields: {} }])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AirtableNetworkError)
    expect(error).toMatchObject({ notSent: true, outcomeUnknown: false })
    expect((error as AirtableError).message).toContain('ECONNREFUSED')
    expect(events).toEqual([1, 2, 3])
  })
})

describe('responses', () => {
  test('a 2xx that is not JSON is INVALID_RESPONSE, not retried; a write is outcomeUnknown', async () => {
    h = await startHarness(() => ({
      status: 200,
      text: '<html>',
      headers: { 'content-type': 'text/html' },
    }))
    const read = await h.client
      .table('appA', 'T')
      .list()
      .catch((e: unknown) => e)
    expect(read).toMatchObject({ type: 'INVALID_RESPONSE', status: 200, outcomeUnknown: false })
    const write = await h.client
      .table('appA', 'T')
      .create([{ fields: {} }])
      .catch((e: unknown) => e)
    expect(write).toMatchObject({ type: 'INVALID_RESPONSE', outcomeUnknown: true })
    expect(h.server.requests).toHaveLength(2)
  })

  test('a 2xx of the wrong shape is INVALID_RESPONSE', async () => {
    h = await startHarness(() => ({ json: { rows: [] } }))
    const error = await h.client
      .table('appA', 'T')
      .list()
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ type: 'INVALID_RESPONSE' })
  })

  test('a 503 Retry-After is honoured (0 s here) and a throwing metrics hook is ignored', async () => {
    h = await startHarness(
      (_, i) => (i === 0 ? { ...unavailable, headers: { 'retry-after': '0' } } : ok),
      {
        onRequest: () => {
          throw new Error('metrics down')
        },
        retry: { baseDelayMs: 600_000, maxDelayMs: 600_000 },
      },
    )
    await expect(h.client.table('appA', 'T').list()).resolves.toBeDefined()
  })

  test('writes default to the write priority, reads to resync; callers may override', async () => {
    const limiter = new RateLimiter({ baseRatePerSecond: 1000, tokenRatePerSecond: 1000 })
    const priorities: string[] = []
    const original = limiter.acquire.bind(limiter)
    limiter.acquire = (request) => {
      priorities.push(request.priority)
      return original(request)
    }
    h = await startHarness(() => ok, { limiter })
    const table = h.client.table('appA', 'T')
    await table.list()
    await table.list({}, { priority: 'ingest' })
    await table.create([{ fields: {} }])
    expect(priorities).toEqual(['resync', 'ingest', 'write'])
  })
})
