/**
 * Over HTTP, failed authentications are counted per socket address: after
 * `AIRSYNC_AUTH_FAILURE_LIMIT` bad credentials from 127.0.0.1 its requests get 429, the right
 * service key included, until the minute is over.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startStack, type Stack } from './stack.ts'

let stack: Stack
beforeAll(async () => {
  stack = await startStack({ serverConfig: { authFailureLimit: 3 } })
}, 180_000)
afterAll(async () => {
  await stack.close()
})

test('bad service keys from one address → 429 for that address', async () => {
  const path = `/v0/${stack.baseId}/Templates`
  expect((await stack.request(path, { token: stack.serviceKey })).status).toBe(200)
  for (let i = 0; i < 3; i += 1) {
    expect((await stack.request(path, { token: `${stack.serviceKey}${i}` })).status).toBe(401)
  }
  const blocked = await stack.request(path, { token: stack.serviceKey })
  expect(blocked.status).toBe(429)
  expect(await blocked.json()).toMatchObject({ error: { type: 'RATE_LIMIT_REACHED' } })
})
