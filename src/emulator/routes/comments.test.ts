import { describe, expect, test } from 'vitest'
import { ManualClock } from '../../shared/clock.ts'
import { createEmulator, type Emulator } from '../app.ts'
import { buildTestBase, TEST_BASE_ID } from '../test-base.ts'

const TOKEN = 'patCommentsTest01.abc'
const OTHER = 'patCommentsTest02.abc'
const headers = (token = TOKEN) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
})

async function setup(): Promise<Emulator> {
  const clock = new ManualClock()
  const emu = await createEmulator({
    tokens: [TOKEN],
    bases: [buildTestBase({ rows: 3, clock })],
    clock,
    rateLimit: false,
  })
  emu.tokens.add(OTHER, { id: 'usrOtherUser00001', email: 'other@test', name: 'Other' })
  return emu
}

const call = async (
  emu: Emulator,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await emu.app.request(`/v0/${TEST_BASE_ID}${path}`, {
    ...init,
    headers: headers(init.token),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function firstRecord(emu: Emulator): Promise<string> {
  const { body } = await call(emu, '/Tasks?maxRecords=1')
  return (body['records'] as { id: string }[])[0]?.id ?? ''
}

describe('comments', () => {
  test('create, list newest first with offsets, count, update, delete', async () => {
    await using emu = await setup()
    const rec = await firstRecord(emu)
    const path = `/Tasks/${rec}/comments`
    const ids: string[] = []
    for (const text of ['one', 'two', 'three']) {
      const created = await call(emu, path, { method: 'POST', body: JSON.stringify({ text }) })
      expect(created.status).toBe(200)
      expect(created.body).toMatchObject({
        text,
        lastUpdatedTime: null,
        author: { email: 'api@emulator.airsync.test' },
      })
      ids.push(created.body['id'] as string)
    }
    const page1 = await call(emu, `${path}?pageSize=2`)
    expect((page1.body['comments'] as { text: string }[]).map((c) => c.text)).toEqual([
      'three',
      'two',
    ])
    const page2 = await call(emu, `${path}?pageSize=2&offset=${String(page1.body['offset'])}`)
    expect(page2.body).toMatchObject({ comments: [{ text: 'one' }], offset: null })

    const listed = await call(emu, '/Tasks?recordMetadata%5B%5D=commentCount')
    const counts = (listed.body['records'] as { id: string; commentCount: number }[]).map((r) => [
      r.id,
      r.commentCount,
    ])
    expect(counts).toContainEqual([rec, 3])
    expect(counts.filter(([, n]) => n === 0)).toHaveLength(2)

    const edited = await call(emu, `${path}/${ids[0]}`, {
      method: 'PATCH',
      body: JSON.stringify({ text: 'uno' }),
    })
    expect(edited.body).toMatchObject({ id: ids[0], text: 'uno' })
    expect(typeof edited.body['lastUpdatedTime']).toBe('string')
    const deleted = await call(emu, `${path}/${ids[1]}`, { method: 'DELETE' })
    expect(deleted.body).toEqual({ id: ids[1], deleted: true })
    const after = await call(emu, path)
    expect((after.body['comments'] as { text: string }[]).map((c) => c.text)).toEqual([
      'three',
      'uno',
    ])
  })

  test('a reply names a comment of the record; only the author edits', async () => {
    await using emu = await setup()
    const path = `/Tasks/${await firstRecord(emu)}/comments`
    const parent = await call(emu, path, { method: 'POST', body: JSON.stringify({ text: 'q' }) })
    const reply = await call(emu, path, {
      method: 'POST',
      body: JSON.stringify({ text: 'a', parentCommentId: parent.body['id'] }),
      token: OTHER,
    })
    expect(reply.body).toMatchObject({
      parentCommentId: parent.body['id'],
      author: { id: 'usrOtherUser00001' },
    })
    const orphan = await call(emu, path, {
      method: 'POST',
      body: JSON.stringify({ text: 'a', parentCommentId: 'comXXXXXXXXXXXXXX' }),
    })
    expect(orphan.status).toBe(404)
    const foreign = await call(emu, `${path}/${String(reply.body['id'])}`, { method: 'DELETE' })
    expect(foreign.status).toBe(403)
    expect(foreign.body).toMatchObject({ error: { type: 'INVALID_PERMISSIONS' } })
  })

  test.each([
    {
      name: 'an unknown record',
      path: '/Tasks/recXXXXXXXXXXXXXX/comments',
      status: 404,
      type: 'MODEL_ID_NOT_FOUND',
    },
    {
      name: 'an unknown table',
      path: '/Nope/recXXXXXXXXXXXXXX/comments',
      status: 403,
      type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
    },
  ])('$name: $status $type', async ({ path, status, type }) => {
    await using emu = await setup()
    const res = await call(emu, path)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ error: { type } })
  })

  test('empty text and a pageSize over 100 are 422', async () => {
    await using emu = await setup()
    const path = `/Tasks/${await firstRecord(emu)}/comments`
    const empty = await call(emu, path, { method: 'POST', body: JSON.stringify({ text: '' }) })
    expect(empty.status).toBe(422)
    expect((await call(emu, `${path}?pageSize=101`)).status).toBe(422)
  })
})
