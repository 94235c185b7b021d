/**
 * airsync's `/v0` routing as Airtable's, over real HTTP: trailing slashes, the JSON 404 for any
 * unknown route and method, `GET /v0/meta/bases` per caller, and comments passed through to the
 * emulator under the caller's policy.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startStack, type Stack } from './stack.ts'

let stack: Stack
let recordId: string

beforeAll(async () => {
  stack = await startStack()
  const res = await stack.request(`/v0/${stack.baseId}/Templates?maxRecords=1`, {
    token: stack.serviceKey,
  })
  recordId = ((await res.json()) as { records: { id: string }[] }).records[0]?.id ?? ''
})
afterAll(async () => {
  await stack.close()
})

async function send(
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await stack.request(path, {
    method: init.method ?? 'GET',
    token: init.token ?? stack.serviceKey,
    headers: { 'content-type': 'application/json' },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  })
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() }
}

describe('routing', () => {
  test('a trailing slash reaches the same route (GET, POST, PATCH)', async () => {
    const list = await send(`/v0/${stack.baseId}/Templates/?maxRecords=1`)
    expect(list.status).toBe(200)
    const created = await send(`/v0/${stack.baseId}/Templates/`, {
      method: 'POST',
      body: { records: [{ fields: { 'Template Name': 'slash' } }] },
    })
    expect(created.status).toBe(200)
    const id = (created.body as { records: { id: string }[] }).records[0]?.id
    const updated = await send(`/v0/${stack.baseId}/Templates/`, {
      method: 'PATCH',
      body: { records: [{ id, fields: { 'Template Name': 'slash 2' } }] },
    })
    expect(updated.status).toBe(200)
  })

  test.each(['GET', 'POST', 'PUT', 'DELETE'])(
    '%s on an unknown route: JSON 404',
    async (method) => {
      const res = await send('/v0/nothing/here/at/all/x', { method })
      expect(res).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } })
      expect(res.type).toMatch(/^application\/json/)
    },
  )

  test('meta/bases: the base, for the service key and for a member', async () => {
    const service = await send('/v0/meta/bases')
    expect(service.body).toEqual({
      bases: [{ id: stack.baseId, name: 'Presence', permissionLevel: 'create' }],
    })
    const member = await send('/v0/meta/bases', { token: stack.tokens.member })
    expect(member.body).toMatchObject({ bases: [{ id: stack.baseId, name: 'Presence' }] })
  })
})

describe('comments through airsync', () => {
  test('create and list reach Airtable; the emulator holds them', async () => {
    const path = `/v0/${stack.baseId}/Templates/${recordId}/comments`
    const created = await send(path, { method: 'POST', body: { text: 'via airsync' } })
    expect(created).toMatchObject({ status: 200, body: { text: 'via airsync' } })
    const listed = await send(path)
    expect(listed.body).toMatchObject({ comments: [{ text: 'via airsync' }], offset: null })
    const upstream = await fetch(`${stack.emulator.url}${path}`, {
      headers: { authorization: `Bearer ${stack.emulator.token}` },
    })
    expect(await upstream.json()).toEqual(listed.body)
  })

  test('a member may not edit or delete; the service key may', async () => {
    const path = `/v0/${stack.baseId}/Templates/${recordId}/comments`
    const created = await send(path, { method: 'POST', body: { text: 'edit me' } })
    const id = (created.body as { id: string }).id
    const byMember = await send(`${path}/${id}`, {
      method: 'PATCH',
      body: { text: 'x' },
      token: stack.tokens.member,
    })
    expect(byMember).toMatchObject({
      status: 403,
      body: { error: { type: 'INVALID_PERMISSIONS' } },
    })
    const edited = await send(`${path}/${id}`, { method: 'PATCH', body: { text: 'edited' } })
    expect(edited.body).toMatchObject({ id, text: 'edited' })
    const deleted = await send(`${path}/${id}`, { method: 'DELETE' })
    expect(deleted.body).toEqual({ id, deleted: true })
  })

  test('an unknown record is 404 MODEL_ID_NOT_FOUND, an unknown comment Airtable’s 404', async () => {
    const missing = await send(`/v0/${stack.baseId}/Templates/recXXXXXXXXXXXXXX/comments`)
    expect(missing).toMatchObject({ status: 404, body: { error: { type: 'MODEL_ID_NOT_FOUND' } } })
    const path = `/v0/${stack.baseId}/Templates/${recordId}/comments/comXXXXXXXXXXXXXX`
    const unknown = await send(path, { method: 'DELETE' })
    expect(unknown).toMatchObject({ status: 404, body: { error: { type: 'NOT_FOUND' } } })
  })
})
