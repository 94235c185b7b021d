import { createHmac, timingSafeEqual } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { ManualClock } from '../../shared/clock.ts'
import { FakeBase } from './fake-base.ts'
import { WebhookHub } from './hub.ts'
import type { FetchLike } from './notifier.ts'
import { ManualTimers } from './timers.ts'
import { F, T_PEOPLE, testTables } from './test-schema.ts'

interface Call {
  url: string
  body: string
  mac: string | null
}

/** A receiver whose answers the test scripts: a status, or 'hang' until aborted. */
function receiver(answers: Array<number | 'hang' | 'throw'>, fallback: number | 'hang' = 204) {
  const calls: Call[] = []
  const fetch: FetchLike = (url, init) => {
    const headers = new Headers(init.headers)
    calls.push({
      url,
      body: typeof init.body === 'string' ? init.body : '',
      mac: headers.get('x-airtable-content-mac'),
    })
    const answer = answers.shift() ?? fallback
    if (answer === 'throw') return Promise.reject(new Error('connection refused'))
    if (answer === 'hang') {
      return new Promise((_, reject) =>
        init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      )
    }
    return Promise.resolve(new Response(null, { status: answer }))
  }
  return { calls, fetch }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

function setup(fetch: FetchLike) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  const timers = new ManualTimers(clock)
  const base = new FakeBase('appTest0000000000', testTables())
  const hub = new WebhookHub({
    clock,
    timers,
    fetch,
    pingCoalesceMs: 100,
    pingFirstRetryDelayMs: 1000,
    pingTimeoutMs: 5000,
  })
  const hooks = hub.attach(base)
  const { id, macSecretBase64 } = hooks.create({
    notificationUrl: 'https://receiver.example/ping',
    specification: { options: { filters: { dataTypes: ['tableData'] } } },
  })
  const step = async (ms: number) => {
    timers.advance(ms)
    await flush()
  }
  const write = (age: number) =>
    base.emit({
      tables: {
        [T_PEOPLE]: {
          changedRecords: new Map([
            [
              'recAnn0000000000',
              { current: { [F.age]: age }, previous: {}, all: { [F.age]: age } },
            ],
          ]),
        },
      },
    })
  return { clock, timers, hub, hooks, id, macSecretBase64, step, write }
}

/** The documented check (airtable-api.md §7.3), written independently of mac.ts. */
function macAccepts(secretBase64: string, body: string, header: string | null): boolean {
  const expected =
    'hmac-sha256=' +
    createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(body).digest('hex')
  return (
    header !== null &&
    header.length === expected.length &&
    timingSafeEqual(Buffer.from(header), Buffer.from(expected))
  )
}

describe('pings', () => {
  test('one ping shortly after creation, signed, with the documented body', async () => {
    const { calls, fetch } = receiver([])
    const { step, id, macSecretBase64, hooks } = setup(fetch)
    await step(100)
    expect(calls).toHaveLength(1)
    const [call] = calls
    expect(call?.url).toBe('https://receiver.example/ping')
    expect(JSON.parse(call!.body)).toEqual({
      base: { id: 'appTest0000000000' },
      webhook: { id },
      timestamp: '2026-01-01T00:00:00.100Z',
    })
    expect(macAccepts(macSecretBase64, call!.body, call!.mac)).toBe(true)
    expect(macAccepts(Buffer.alloc(32).toString('base64'), call!.body, call!.mac)).toBe(false)
    expect(hooks.get(id)).toMatchObject({
      lastSuccessfulNotificationTime: '2026-01-01T00:00:00.100Z',
      lastNotificationResult: {
        success: true,
        retryNumber: 0,
        completionTimestamp: '2026-01-01T00:00:00.100Z',
      },
    })
  })

  test('a burst of writes gives one ping', async () => {
    const { calls, fetch } = receiver([])
    const { step, write } = setup(fetch)
    await step(100)
    write(1)
    write(2)
    write(3)
    await step(100)
    await step(10_000)
    expect(calls).toHaveLength(2)
  })

  test('failures are retried with backoff, then notifications are disabled', async () => {
    const { calls, fetch } = receiver([], 503)
    const { step, hooks, id, timers } = setup(fetch)
    await step(100)
    expect(hooks.get(id).lastNotificationResult).toMatchObject({
      success: false,
      retryNumber: 0,
      willBeRetried: true,
      error: { message: 'The HTTP request returned a 503 status code instead of 200 or 204' },
    })
    // Retry n waits 1000 * 2^(n-1) ms.
    await step(999)
    expect(calls).toHaveLength(1)
    await step(1)
    expect(calls).toHaveLength(2)
    for (let n = 2; n <= 13; n++) await step(1000 * 2 ** (n - 1))
    expect(calls).toHaveLength(14)
    expect(hooks.get(id)).toMatchObject({
      areNotificationsEnabled: false,
      lastNotificationResult: { success: false, retryNumber: 13, willBeRetried: false },
    })
    expect(timers.size).toBe(0)
  })

  test('a receiver that recovers ends the retries', async () => {
    const { calls, fetch } = receiver(['throw', 500])
    const { step, hooks, id } = setup(fetch)
    await step(100)
    expect(hooks.get(id).lastNotificationResult?.error?.message).toBe(
      'The HTTP request failed: connection refused',
    )
    await step(1000)
    await step(2000)
    expect(calls).toHaveLength(3)
    expect(hooks.get(id)).toMatchObject({
      areNotificationsEnabled: true,
      lastNotificationResult: { success: true, retryNumber: 2 },
    })
  })

  test('no answer within the timeout counts as a failure', async () => {
    const { fetch } = receiver(['hang'])
    const { step, hooks, id } = setup(fetch)
    await step(100)
    await step(5000)
    expect(hooks.get(id).lastNotificationResult).toMatchObject({
      success: false,
      willBeRetried: true,
      error: { message: 'The HTTP request timed out after 5000 ms' },
    })
  })

  test('disabling notifications and closing the hub cancel pending pings', async () => {
    const { calls, fetch } = receiver([], 503)
    const { step, hooks, hub, id, timers, write } = setup(fetch)
    hooks.enableNotifications(id, false)
    await step(100)
    expect(calls).toHaveLength(0)
    hooks.enableNotifications(id, true)
    write(5)
    await step(100)
    expect(calls).toHaveLength(1)
    hub.close()
    expect(timers.size).toBe(0)
  })
})
