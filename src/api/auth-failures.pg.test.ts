/**
 * Failed authentications are slowed per client address: after 20 bad service keys or forged
 * JWTs within a minute, that address gets 429 (even with the right key) until the minute is
 * over; another address, and a request without any credential, are unaffected. The API's
 * `clientAddress` port reads a test header here (app.request() has no socket).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { issueDevToken } from '../policy/index.ts'
import { ManualClock } from '../shared/index.ts'
import { testBackends, type TestDb } from '../store/test-backends.ts'
import { apiFixture, BASE_ID, fillStore, SERVICE_KEY, type ApiFixture } from './test-fixture.ts'

const M = `/v0/${BASE_ID}/Members`

for (const backend of testBackends()) {
  let db: TestDb
  let api: ApiFixture
  const clock = new ManualClock(Date.now())
  beforeAll(async () => {
    db = await backend.open()
    await fillStore(db)
    api = apiFixture(db, { clientAddress: (c) => c.req.header('x-test-client') }, clock)
  })
  afterAll(async () => {
    await db[Symbol.asyncDispose]()
  })
  const from = (address: string, token: string | undefined): Promise<Response> =>
    Promise.resolve(
      api.app.request(M, {
        headers: {
          'x-test-client': address,
          ...(token !== undefined && { authorization: `Bearer ${token}` }),
        },
      }),
    )

  test(`${backend.name}: 20 failures from one address → 429 for it alone, until the window ends`, async () => {
    const forged = await issueDevToken({
      secret: 'not-the-servers-secret-0123456789',
      sub: 'x',
      email: 'ann@x.com',
      role: 'admin',
      clock,
    })
    for (let i = 0; i < 20; i += 1) {
      const guess = i % 2 === 0 ? `${SERVICE_KEY.slice(0, -2)}${i}` : forged
      expect((await from('203.0.113.9', guess)).status).toBe(401)
    }
    const blocked = await from('203.0.113.9', SERVICE_KEY)
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBe('60')
    expect(await blocked.json()).toMatchObject({ error: { type: 'RATE_LIMIT_REACHED' } })
    expect((await from('198.51.100.7', SERVICE_KEY)).status).toBe(200)
    // Without any credential nothing is counted (a signed-out page is not guessing).
    for (let i = 0; i < 25; i += 1) expect((await from('198.51.100.8', undefined)).status).toBe(401)
    expect((await from('198.51.100.8', SERVICE_KEY)).status).toBe(200)
    clock.advance(60_000)
    expect((await from('203.0.113.9', SERVICE_KEY)).status).toBe(200)
  })
}
