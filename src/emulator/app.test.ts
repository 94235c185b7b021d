import { describe, expect, test } from 'vitest'
import { ManualClock } from '../shared/clock.ts'
import { createEmulator } from './app.ts'
import { FAULT_HEADER } from './middleware.ts'
import type { StatsSnapshot } from './stats.ts'

const TOKEN = 'patTestToken00001.0000'
const auth = { authorization: `Bearer ${TOKEN}` }

describe('emulator envelope, auth and limits (no bases needed)', () => {
  test('unknown route → 404 {"error":"NOT_FOUND"} as JSON with charset and CORS', async () => {
    await using emu = await createEmulator({ tokens: [TOKEN] })
    const res = await emu.app.request('/nowhere', { headers: auth })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(await res.json()).toEqual({ error: 'NOT_FOUND' })
  })

  test('missing or wrong token → 401 AUTHENTICATION_REQUIRED', async () => {
    await using emu = await createEmulator({ tokens: [TOKEN] })
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }]) {
      const res = await emu.app.request('/v0/meta/bases', { headers })
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ error: { type: 'AUTHENTICATION_REQUIRED' } })
    }
    const control = await emu.app.request('/__emulator/stats')
    expect(control.status).toBe(401)
  })

  test('unknown base → 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', async () => {
    await using emu = await createEmulator({ tokens: [TOKEN] })
    for (const path of [
      '/v0/appNope/Table',
      '/v0/meta/bases/appNope/tables',
      '/v0/appNope/T/recX',
    ]) {
      const res = await emu.app.request(path, { headers: auth })
      expect(res.status, path).toBe(403)
      expect(await res.json()).toMatchObject({
        error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND' },
      })
    }
  })

  test('a URL over 16,000 characters is refused, JSON', async () => {
    await using emu = await createEmulator({ tokens: [TOKEN] })
    const res = await emu.app.request(`/v0/appX/T?filterByFormula=${'x'.repeat(16_001)}`, {
      headers: auth,
    })
    expect(res.status).toBe(414)
    expect(await res.json()).toMatchObject({ error: { type: expect.any(String) } })
  })

  test('body too large → 413, invalid JSON → 400, both in the envelope', async () => {
    await using emu = await createEmulator({ tokens: [TOKEN], maxBodyBytes: 100 })
    const big = await emu.app.request('/v0/meta/bases/appX/tables', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(200) }),
    })
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ error: { type: 'REQUEST_TOO_LARGE' } })
  })

  test('rate limit: per base, 5 served then 429 for the whole penalty', async () => {
    const clock = new ManualClock()
    await using emu = await createEmulator({ tokens: [TOKEN], clock })
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) {
      statuses.push((await emu.app.request('/v0/appA/T', { headers: auth })).status)
    }
    expect(statuses.filter((s) => s !== 429)).toHaveLength(5)
    const refused = await emu.app.request('/v0/appA/T', { headers: auth })
    expect(await refused.json()).toEqual({
      error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' },
    })
    expect(refused.headers.get('retry-after')).toBeNull()
    // Another base is not affected; control endpoints are never limited.
    expect((await emu.app.request('/v0/appB/T', { headers: auth })).status).toBe(403)
    expect((await emu.app.request('/__emulator/stats', { headers: auth })).status).toBe(200)
    clock.advance(29_999)
    expect((await emu.app.request('/v0/appA/T', { headers: auth })).status).toBe(429)
    clock.advance(1)
    expect((await emu.app.request('/v0/appA/T', { headers: auth })).status).toBe(403)
  })

  test('faults set at run time: injected errors are marked; stats count by endpoint/base/status', async () => {
    await using emu = await createEmulator({ tokens: [TOKEN], rateLimit: false })
    const put = await emu.app.request('/__emulator/faults', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ errorRate: 1, errorStatuses: [502] }),
    })
    expect(put.status).toBe(200)
    const res = await emu.app.request('/v0/appA/T', { headers: auth })
    expect(res.status).toBe(502)
    expect(res.headers.get(FAULT_HEADER)).toBe('error')
    expect(await res.json()).toMatchObject({ error: { type: 'BAD_GATEWAY' } })
    const bad = await emu.app.request('/__emulator/faults', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ errorRate: 7 }),
    })
    expect(bad.status).toBe(422)
    const stats = (await (
      await emu.app.request('/__emulator/stats', { headers: auth })
    ).json()) as StatsSnapshot
    expect(stats.byEndpoint).toEqual({ 'records.list': 1 })
    expect(stats.byBase).toEqual({ appA: 1 })
    expect(stats.byStatus).toEqual({ '502': 1 })
  })

  test('hang answers nothing until the emulator releases it', async () => {
    const emu = await createEmulator({ tokens: [TOKEN], faults: { hangRate: 1 } })
    let settled = false
    const pending = Promise.resolve(emu.app.request('/v0/appA/T', { headers: auth })).then((r) => {
      settled = true
      return r
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(settled).toBe(false)
    expect(emu.faults.hanging).toBe(1)
    await emu.close()
    expect((await pending).status).toBe(503)
  })
})
