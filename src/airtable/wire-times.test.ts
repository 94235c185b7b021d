import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { baseIdOfPath, watchRequestsLeaving, type WireListener } from './wire-times.ts'

let server: Server
let url: string
beforeAll(async () => {
  server = createServer((_req, res) => res.end('{}'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

/** A listener that records the bases it is told about. */
function recorder(): WireListener & { bases: string[] } {
  const bases: string[] = []
  return { bases, markSent: (baseId) => void bases.push(baseId) }
}

test('the base of a request path', () => {
  expect(baseIdOfPath('/v0/appPresenceDemo01/Members%20Registry')).toBe('appPresenceDemo01')
  expect(baseIdOfPath('/v0/meta/bases/appPresenceDemo01/tables')).toBe('appPresenceDemo01')
  expect(baseIdOfPath('/v0/bases/appPresenceDemo01/webhooks?x=1')).toBe('appPresenceDemo01')
  expect(baseIdOfPath('/v0/appPresenceDemo01')).toBe('appPresenceDemo01')
  expect(baseIdOfPath('/v0/meta/whoami')).toBeUndefined()
  expect(baseIdOfPath('/v0/appShort/x')).toBeUndefined()
})

test("Node's fetch tells each listener of the origin when a base's request leaves", async () => {
  const here = recorder()
  const elsewhere = recorder()
  watchRequestsLeaving(url, here)
  watchRequestsLeaving(url, here) // once per listener, however often it is registered
  watchRequestsLeaving('http://127.0.0.1:1', elsewhere)
  await (await fetch(`${url}/v0/appPresenceDemo01/Members`, { method: 'PATCH', body: '{}' })).text()
  await (await fetch(`${url}/v0/meta/whoami`)).text()
  await (await fetch(`${url}/v0/bases/appOtherBase00001/webhooks`)).text()
  expect(here.bases).toEqual(['appPresenceDemo01', 'appOtherBase00001'])
  expect(elsewhere.bases).toEqual([])
})
