import { afterAll, beforeAll, expect, test } from 'vitest'
import { ManualClock } from '../shared/index.ts'
import { testBackends, type TestDb } from '../store/test-backends.ts'
import { apiFixture, BASE_ID, fillStore } from './test-fixture.ts'

const M = `/v0/${BASE_ID}/Members`

for (const backend of testBackends()) {
  let db: TestDb
  beforeAll(async () => {
    db = await backend.open()
    await fillStore(db)
  })
  afterAll(async () => {
    await db[Symbol.asyncDispose]()
  })

  test(`${backend.name}: per-user rate limit → 429 envelope with Retry-After; others unaffected`, async () => {
    const clock = new ManualClock(Date.now())
    const api = apiFixture(db, { limits: { requestsPerSecond: 1, burst: 2 } }, clock)
    const ann = await api.token('member', 'ann@x.com')
    const bob = await api.token('member', 'bob@x.com')
    expect((await api.get(M, ann)).status).toBe(200)
    expect((await api.get(M, ann)).status).toBe(200)
    const limited = await api.get(M, ann)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await limited.json()).toEqual({
      error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' },
    })
    expect((await api.get(M, bob)).status).toBe(200)
    expect((await api.get(M, await api.token('service'))).status).toBe(200)
    clock.advance(1000)
    expect((await api.get(M, ann)).status).toBe(200)
  })

  test(`${backend.name}: the service key is limited too when not exempt`, async () => {
    const api = apiFixture(
      db,
      {
        limits: { requestsPerSecond: 1, burst: 1, exemptServiceKey: false },
      },
      new ManualClock(Date.now()),
    )
    const service = await api.token('service')
    expect((await api.get(M, service)).status).toBe(200)
    expect((await api.get(M, service)).status).toBe(429)
  })

  test(`${backend.name}: a body over the limit → 413 REQUEST_TOO_LARGE`, async () => {
    const api = apiFixture(db, { limits: { maxBodyBytes: 200 } })
    const service = await api.token('service')
    const small = await api.post(`${M}/listRecords`, service, { pageSize: 1 })
    expect(small.status).toBe(200)
    const big = await api.post(`${M}/listRecords`, service, {
      filterByFormula: `"${'x'.repeat(500)}"`,
    })
    expect(big.status).toBe(413)
    expect(await big.json()).toEqual({
      error: { type: 'REQUEST_TOO_LARGE', message: 'Request body is too large' },
    })
  })

  test(`${backend.name}: healthz is open; status and metrics need the service key`, async () => {
    const api = apiFixture(db, { status: () => ({ ready: false, tables: [{ id: 't', rows: 3 }] }) })
    const health = await api.app.request('/healthz')
    expect(health.status).toBe(200)
    const service = await api.token('service')
    const member = await api.token('member')
    const status = await api.get('/v1/status', service)
    expect(await status.json()).toEqual({ ready: false, tables: [{ id: 't', rows: 3 }] })
    expect((await api.get('/v1/status', member)).status).toBe(403)
    expect((await api.app.request('/v1/status')).status).toBe(401)
    expect((await api.get('/metrics', member)).status).toBe(403)
    expect((await api.app.request('/metrics')).status).toBe(401)
    await api.get(`${M}?pageSize=1`, service)
    const metrics = await api.get('/metrics', service)
    expect(metrics.headers.get('content-type')).toContain('text/plain')
    const text = await metrics.text()
    expect(text).toMatch(
      /airsync_api_requests_total\{method="GET",route="\/v0\/:baseId\/:table",status="200"\} 1/,
    )
    expect(text).toMatch(
      /airsync_api_read_duration_seconds_count\{route="\/v0\/:baseId\/:table"\} 1/,
    )
  })

  test(`${backend.name}: operations can be public; a schema not loaded yet is 503`, async () => {
    const api = apiFixture(db, { operationsAccess: 'public', getSchema: () => undefined })
    expect((await api.app.request('/metrics')).status).toBe(200)
    expect((await api.app.request('/v1/status')).status).toBe(401) // /v1 still authenticates
    const res = await api.get(M, await api.token('service'))
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe(
      'SERVICE_UNAVAILABLE',
    )
  })
}
