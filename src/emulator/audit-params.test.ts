/**
 * Audit of parameter edge cases and attachments over HTTP (airtable-api.md §2.2–2.5, §5, §9.7,
 * §9.12): field IDs in `fields[]` and `sort`, bad sort directions and page sizes, the query's
 * timeZone/userLocale winning over the body's, `cellFormat=string` on get-one, and attachments kept
 * only when their `id` is resent.
 */
import { describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from './app.ts'
import { buildTestBase, TEST_BASE_ID } from './test-base.ts'

const TOKEN = 'patAuditParams001.0000'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

interface Body {
  records: Array<{ id: string; fields: Record<string, unknown> }>
  id: string
  fields: Record<string, unknown>
  error: { type: string; message?: string }
}

async function setup(rows = 5): Promise<Emulator> {
  return createEmulator({ tokens: [TOKEN], bases: [buildTestBase({ rows })], rateLimit: false })
}

async function call(emu: Emulator, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await emu.app.request(path.startsWith('/v0') ? path : `/v0/${TEST_BASE_ID}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  })
  return { status: res.status, body: (await res.json()) as Body }
}

const fieldIdOf = (emu: Emulator, name: string): string =>
  emu.bases
    .require(TEST_BASE_ID)
    .table('Tasks')
    .fields.find((f) => f.name === name)!.id

describe('list parameters', () => {
  test('fields[] and sort accept field IDs', async () => {
    await using emu = await setup()
    const name = fieldIdOf(emu, 'Name')
    const priority = fieldIdOf(emu, 'Priority')
    const res = await call(
      emu,
      `/Tasks?fields%5B%5D=${name}&sort%5B0%5D%5Bfield%5D=${priority}&sort%5B0%5D%5Bdirection%5D=desc&sort%5B1%5D%5Bfield%5D=${name}`,
    )
    expect(res.status).toBe(200)
    expect(res.body.records.map((r) => r.fields)).toEqual([
      { Name: 'Task 4' },
      { Name: 'Task 3' },
      { Name: 'Task 2' },
      { Name: 'Task 1' },
      { Name: 'Task 5' },
    ])
  })

  test.each([
    [
      'a sort direction other than asc/desc',
      '/Tasks?sort%5B0%5D%5Bfield%5D=Name&sort%5B0%5D%5Bdirection%5D=up',
    ],
    ['pageSize 0', '/Tasks?pageSize=0'],
    ['a non-numeric pageSize', '/Tasks?pageSize=ten'],
    ['a negative maxRecords', '/Tasks?maxRecords=-1'],
    ['an unknown cellFormat', '/Tasks?cellFormat=xml'],
  ])('%s is 422 INVALID_REQUEST_UNKNOWN', async (_what, path) => {
    await using emu = await setup()
    const res = await call(emu, path)
    expect(res.status).toBe(422)
    expect(res.body.error.type).toBe('INVALID_REQUEST_UNKNOWN')
  })

  test('POST listRecords: the query’s timeZone/userLocale win over the body’s', async () => {
    await using emu = await setup(0)
    const field = await call(emu, `/v0/meta/bases/${TEST_BASE_ID}/tables/Tasks/fields`, {
      method: 'POST',
      body: { name: 'Due', type: 'dateTime', options: { timeZone: 'client' } },
    })
    expect(field.status).toBe(200)
    await call(emu, '/Tasks', {
      method: 'POST',
      body: { fields: { Name: 'tz', Due: '2026-01-15T23:30:00.000Z' } },
    })
    const due = async (query: string, body: Record<string, unknown>) => {
      const res = await call(emu, `/Tasks/listRecords${query}`, {
        method: 'POST',
        body: { cellFormat: 'string', fields: ['Due'], ...body },
      })
      expect(res.status).toBe(200)
      return res.body.records[0]?.fields['Due']
    }
    const kiritimati = { timeZone: 'Pacific/Kiritimati', userLocale: 'en-us' }
    const inUtc = await due('?timeZone=UTC&userLocale=en-us', {})
    const inKiritimati = await due('', kiritimati)
    expect(inUtc).not.toEqual(inKiritimati)
    expect(await due('?timeZone=UTC&userLocale=en-us', kiritimati)).toEqual(inUtc)
  })

  test('get one with cellFormat=string renders text; without tz/locale it is 422', async () => {
    await using emu = await setup(1)
    const [id] = emu.bases
      .require(TEST_BASE_ID)
      .list('Tasks')
      .map((r) => r.id)
    const text = await call(emu, `/Tasks/${id}?cellFormat=string&timeZone=UTC&userLocale=en-us`)
    expect(text.status).toBe(200)
    expect(text.body.fields['Priority']).toBe('1')
    const bare = await call(emu, `/Tasks/${id}?cellFormat=string`)
    expect(bare.status).toBe(422)
  })
})

describe('attachments', () => {
  test('new attachments get att IDs; resending {id} keeps one, leaving it out drops it', async () => {
    await using emu = await setup(0)
    const created = await call(emu, `/v0/meta/bases/${TEST_BASE_ID}/tables/Tasks/fields`, {
      method: 'POST',
      body: { name: 'Files', type: 'multipleAttachments' },
    })
    expect(created.status).toBe(200)
    const record = await call(emu, '/Tasks', {
      method: 'POST',
      body: {
        fields: {
          Name: 'with files',
          Files: [
            { url: 'https://example.com/a.png' },
            { url: 'https://example.com/b.pdf', filename: 'b' },
          ],
        },
      },
    })
    const files = record.body.fields['Files'] as Array<{
      id: string
      url: string
      filename: string
    }>
    expect(files).toEqual([
      {
        id: expect.stringMatching(/^att[A-Za-z0-9]{14}$/),
        url: 'https://example.com/a.png',
        filename: 'a.png',
      },
      {
        id: expect.stringMatching(/^att[A-Za-z0-9]{14}$/),
        url: 'https://example.com/b.pdf',
        filename: 'b',
      },
    ])
    const kept = await call(emu, `/Tasks/${record.body.id}`, {
      method: 'PATCH',
      body: { fields: { Files: [{ id: files[1]!.id }, { url: 'https://example.com/c.txt' }] } },
    })
    const after = kept.body.fields['Files'] as Array<{ id: string; filename: string }>
    expect(after.map((f) => f.filename)).toEqual(['b', 'c.txt'])
    expect(after[0]!.id).toBe(files[1]!.id)
    const unknown = await call(emu, `/Tasks/${record.body.id}`, {
      method: 'PATCH',
      body: { fields: { Files: [{ id: 'attAAAAAAAAAAAAAA' }] } },
    })
    expect(unknown.status).toBe(422)
    expect(unknown.body.error.type).toBe('INVALID_VALUE_FOR_COLUMN')
  })
})
