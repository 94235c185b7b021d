import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, describe, expect, test } from 'vitest'
import { resolveWebPath, serveWeb } from './web.ts'

const root = mkdtempSync(join(tmpdir(), 'airsync-web-'))
mkdirSync(join(root, 'assets'))
writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>')
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
writeFileSync(join(root, 'sw.js'), 'self')
writeFileSync(join(root, '..', 'secret.txt'), 'outside')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const app = new Hono()
app.get('/v1/status', (c) => c.json({ ready: true }))
serveWeb(app, { root })

describe('serveWeb', () => {
  test.each([
    ['/', 200, 'text/html', 'no-cache'],
    ['/member-dashboard', 200, 'text/html', 'no-cache'],
    ['/host-selection?x=1', 200, 'text/html', 'no-cache'],
    ['/assets/index-abc.js', 200, 'text/javascript', 'immutable'],
    ['/sw.js', 200, 'text/javascript', 'no-cache'],
  ])('%s → %i %s', async (...[path, status, type, cache]) => {
    const res = await app.request(path)
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toContain(type)
    expect(res.headers.get('cache-control')).toContain(cache)
  })

  test('API paths keep their JSON 404 and their routes', async () => {
    for (const path of ['/v0/unknown', '/v1/nope', '/healthz/x', '/metrics/x']) {
      const res = await app.request(path)
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: 'NOT_FOUND' })
    }
    expect(await (await app.request('/v1/status')).json()).toEqual({ ready: true })
  })

  test('a missing asset is a 404, not the app; nothing outside the root is served', async () => {
    expect((await app.request('/assets/missing.js')).status).toBe(404)
    expect((await app.request('/..%2fsecret.txt')).status).toBe(404)
    expect(resolveWebPath(root, '/../secret.txt')).toBe(join(root, 'secret.txt'))
    expect(resolveWebPath(root, '/%2e%2e/secret.txt')).toBe(join(root, 'secret.txt'))
    expect(resolveWebPath(root, '/a%00b')).toBeUndefined()
  })

  test('without a build, pages say how to build', async () => {
    const bare = new Hono()
    serveWeb(bare, { root: join(root, 'nope') })
    const res = await bare.request('/member-profile')
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('npm run build:web')
  })
})
