/**
 * Web and token hygiene against the real server over HTTP: security headers on the PWA's pages
 * and on the API, and failed authentications counted per socket address (after
 * `AIRSYNC_AUTH_FAILURE_LIMIT` bad credentials from 127.0.0.1 its requests get 429, the right
 * service key included, until the minute is over). The last test blocks 127.0.0.1: keep it last.
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

test('the PWA and the API answer with security headers', async () => {
  for (const path of ['/', '/member-dashboard']) {
    const page = await stack.request(path)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval';/)
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  }
  for (const path of [`/v0/${stack.baseId}/Templates`, '/v1/status', '/healthz']) {
    const api = await stack.request(path, { token: stack.serviceKey })
    expect(api.status).toBe(200)
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    )
    expect(api.headers.get('x-frame-options')).toBe('DENY')
    expect(api.headers.get('x-content-type-options')).toBe('nosniff')
    expect(api.headers.get('referrer-policy')).toBe('no-referrer')
  }
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
