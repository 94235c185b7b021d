import { describe, expect, test } from 'vitest'
import { ManualClock } from '../../shared/clock.ts'
import { createEmulator, type Emulator } from '../app.ts'
import { buildTestBase, TEST_BASE_ID } from '../test-base.ts'

const TOKEN = 'patRecordsTest001.abc'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

async function setup(rows = 0, clock = new ManualClock()): Promise<Emulator> {
  return createEmulator({
    tokens: [TOKEN],
    bases: [buildTestBase({ rows, clock })],
    clock,
    rateLimit: false,
  })
}

interface WireRecord {
  id: string
  createdTime: string
  fields: Record<string, unknown>
}
/** Any answer of the records API, loosely. */
interface Body {
  records: WireRecord[]
  offset?: string
  id?: string
  fields?: Record<string, unknown>
  createdRecords?: string[]
  updatedRecords?: string[]
  error: { type: string; message?: string }
}

const call = async (emu: Emulator, path: string, init: RequestInit = {}) => {
  const res = await emu.app.request(`/v0/${TEST_BASE_ID}${path}`, { ...init, headers })
  return { status: res.status, body: (await res.json()) as Body }
}

describe('list records', () => {
  test('pages by offset until it is omitted; offsets look like itr…/rec…', async () => {
    await using emu = await setup(250)
    const seen = new Set<string>()
    let offset: string | undefined
    let pages = 0
    do {
      const { status, body } = await call(
        emu,
        `/Tasks?pageSize=100${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`,
      )
      expect(status).toBe(200)
      for (const r of body.records) seen.add(r.id)
      offset = body.offset
      if (offset !== undefined) expect(offset).toMatch(/^itr[A-Za-z0-9]{14}\/rec[A-Za-z0-9]{14}$/)
      pages++
    } while (offset !== undefined)
    expect(pages).toBe(3)
    expect(seen.size).toBe(250)
  })

  test('maxRecords caps the walk; pageSize over 100 is 422 INVALID_REQUEST_UNKNOWN', async () => {
    await using emu = await setup(30)
    const first = await call(emu, '/Tasks?pageSize=10&maxRecords=15')
    expect(first.body.records).toHaveLength(10)
    const second = await call(emu, `/Tasks?pageSize=10&maxRecords=15&offset=${first.body.offset}`)
    expect(second.body.records).toHaveLength(5)
    expect(second.body.offset).toBeUndefined()
    const bad = await call(emu, '/Tasks?pageSize=101')
    expect(bad.status).toBe(422)
    expect(bad.body.error.type).toBe('INVALID_REQUEST_UNKNOWN')
  })

  test('expired iterator → 422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE without message; garbage → INVALID_OFFSET_VALUE', async () => {
    const clock = new ManualClock()
    await using emu = await setup(30, clock)
    const first = await call(emu, '/Tasks?pageSize=10')
    clock.advance(300_001)
    const expired = await call(emu, `/Tasks?pageSize=10&offset=${first.body.offset}`)
    expect(expired).toEqual({
      status: 422,
      body: { error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' } },
    })
    const garbage = await call(emu, '/Tasks?offset=zzz')
    expect(garbage.status).toBe(422)
    expect(garbage.body.error.type).toBe('INVALID_OFFSET_VALUE')
  })

  test('view, filterByFormula, sort, fields[] with + spaces, returnFieldsByFieldId=1', async () => {
    await using emu = await setup(12)
    const open = await call(emu, '/Tasks?view=Open')
    expect(open.body.records.map((r) => r.fields['Priority'])).toEqual([4, 3, 2, 2, 1, 1, 0, 0])
    const filtered = await call(
      emu,
      '/Tasks?filterByFormula=%7BPriority%7D+%3E%3D+3&sort%5B0%5D%5Bfield%5D=Name&sort%5B0%5D%5Bdirection%5D=desc&fields%5B%5D=Name&fields%5B%5D=Priority',
    )
    expect(filtered.body.records.map((r) => r.fields['Name'])).toEqual([
      'Task 9',
      'Task 8',
      'Task 4',
      'Task 3',
    ])
    expect(Object.keys(filtered.body.records[0]!.fields).sort()).toEqual(['Name', 'Priority'])
    const byId = await call(emu, '/Tasks?maxRecords=1&returnFieldsByFieldId=1')
    expect(Object.keys(byId.body.records[0]!.fields).every((k) => k.startsWith('fld'))).toBe(true)
  })

  test('POST listRecords ignores unknown keys like method; tz/locale in the query', async () => {
    await using emu = await setup(5)
    const res = await call(emu, '/Tasks/listRecords?timeZone=UTC&userLocale=en-us', {
      method: 'POST',
      body: JSON.stringify({
        method: 'post',
        pageSize: 2,
        cellFormat: 'string',
        sort: [{ field: 'Name' }],
      }),
    })
    expect(res.status).toBe(200)
    expect(res.body.records).toHaveLength(2)
    expect(res.body.records[0]!.fields['Priority']).toBe('1')
    const noLocale = await call(emu, '/Tasks?cellFormat=string')
    expect(noLocale.status).toBe(422)
  })

  test('airtable.js quirks: trailing slash, trailing ?, double slash, legacy limit', async () => {
    await using emu = await setup(5)
    expect((await call(emu, '/Tasks/?')).body.records).toHaveLength(5)
    const res = await emu.app.request(`//v0/${TEST_BASE_ID}/Tasks/?limit=2`, { headers })
    expect(((await res.json()) as Body).records).toHaveLength(2)
  })

  test('errors: unknown field, bad formula, unknown view, unknown table, unknown record', async () => {
    await using emu = await setup(3)
    expect((await call(emu, '/Tasks?fields%5B%5D=Nope')).body.error.type).toBe('UNKNOWN_FIELD_NAME')
    expect((await call(emu, '/Tasks?filterByFormula=%7BNope%7D')).body.error.type).toBe(
      'INVALID_FILTER_BY_FORMULA',
    )
    expect((await call(emu, '/Tasks?filterByFormula=(((')).body.error.type).toBe(
      'INVALID_FILTER_BY_FORMULA',
    )
    expect((await call(emu, '/Tasks?view=Nope')).body.error.type).toBe('VIEW_NAME_NOT_FOUND')
    expect((await call(emu, '/Nope')).status).toBe(403)
    const missing = await call(emu, '/Tasks/recAAAAAAAAAAAAAA')
    expect(missing).toEqual({
      status: 404,
      body: { error: { type: 'MODEL_ID_NOT_FOUND', message: 'Record not found' } },
    })
  })
})

describe('write records', () => {
  test('create single and batch, 11 records fail with Airtable’s message, nothing created', async () => {
    await using emu = await setup()
    const single = await call(emu, '/Tasks/', {
      method: 'POST',
      body: JSON.stringify({ fields: { Name: 'A', Priority: 0 } }),
    })
    expect(single.status).toBe(200)
    expect(single.body).toMatchObject({
      id: expect.stringMatching(/^rec/),
      fields: { Name: 'A', Priority: 0, Label: 'A (0)' },
    })
    const records = Array.from({ length: 11 }, (_, i) => ({ fields: { Name: `B${i}` } }))
    const tooMany = await call(emu, '/Tasks', { method: 'POST', body: JSON.stringify({ records }) })
    expect(tooMany).toEqual({
      status: 422,
      body: {
        error: {
          type: 'INVALID_RECORDS',
          message: 'A maximum of 10 records can be created per request but you have provided 11.',
        },
      },
    })
    const ten = await call(emu, '/Tasks', {
      method: 'POST',
      body: JSON.stringify({ records: records.slice(0, 10) }),
    })
    expect(ten.body.records.map((r) => r.fields['Name'])).toEqual(
      records.slice(0, 10).map((r) => r.fields.Name),
    )
    expect(emu.bases.require(TEST_BASE_ID).count('Tasks')).toBe(11)
  })

  test('missing fields → 422 INVALID_REQUEST_MISSING_FIELDS; invalid JSON → 400', async () => {
    await using emu = await setup()
    const missing = await call(emu, '/Tasks', {
      method: 'POST',
      body: JSON.stringify({ typecast: true }),
    })
    expect(missing).toEqual({
      status: 422,
      body: {
        error: {
          type: 'INVALID_REQUEST_MISSING_FIELDS',
          message: 'Could not find field "fields" in the request body',
        },
      },
    })
    const broken = await call(emu, '/Tasks', { method: 'POST', body: '{"fields":' })
    expect(broken.status).toBe(400)
    expect(broken.body.error.type).toBe('INVALID_REQUEST_BODY')
  })

  test('PATCH merges, PUT replaces, null clears; batch and single', async () => {
    await using emu = await setup(2)
    const [a, b] = emu.bases.require(TEST_BASE_ID).list('Tasks')
    const patched = await call(emu, `/Tasks/${a!.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ fields: { Notes: 'n' } }),
    })
    expect(patched.body.fields).toMatchObject({ Name: 'Task 1', Notes: 'n' })
    const put = await call(emu, '/Tasks', {
      method: 'PUT',
      body: JSON.stringify({ records: [{ id: b!.id, fields: { Name: 'Only' } }] }),
    })
    expect(put.body.records[0]!.fields).toEqual({ Name: 'Only', Label: 'Only ()' })
    const cleared = await call(emu, `/Tasks/${a!.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ fields: { Notes: null } }),
    })
    expect(cleared.body.fields?.['Notes']).toBeUndefined()
    const unknown = await call(emu, '/Tasks', {
      method: 'PATCH',
      body: JSON.stringify({ records: [{ id: 'recAAAAAAAAAAAAAA', fields: {} }] }),
    })
    expect(unknown.body.error.type).toBe('ROW_DOES_NOT_EXIST')
  })

  test('upsert adds createdRecords and updatedRecords', async () => {
    await using emu = await setup(1)
    const res = await call(emu, '/Tasks', {
      method: 'PATCH',
      body: JSON.stringify({
        performUpsert: { fieldsToMergeOn: ['Name'] },
        records: [
          { fields: { Name: 'Task 1', Priority: 3 } },
          { fields: { Name: 'New', Priority: 1 } },
        ],
      }),
    })
    expect(res.status).toBe(200)
    expect(res.body.updatedRecords).toHaveLength(1)
    expect(res.body.createdRecords).toHaveLength(1)
    expect(res.body.records.map((r) => r.fields['Name'])).toEqual(['Task 1', 'New'])
  })

  test('delete single and batch with records[]; more than 10 fails', async () => {
    await using emu = await setup(4)
    const ids = emu.bases
      .require(TEST_BASE_ID)
      .list('Tasks')
      .map((r) => r.id)
    const one = await call(emu, `/Tasks/${ids[0]}`, { method: 'DELETE' })
    expect(one.body).toEqual({ id: ids[0], deleted: true })
    const many = await call(emu, `/Tasks?records%5B%5D=${ids[1]}&records%5B%5D=${ids[2]}`, {
      method: 'DELETE',
    })
    expect(many.body).toEqual({
      records: [
        { id: ids[1], deleted: true },
        { id: ids[2], deleted: true },
      ],
    })
    const eleven = Array.from({ length: 11 }, () => `records[]=${ids[3]}`).join('&')
    expect((await call(emu, `/Tasks?${eleven}`, { method: 'DELETE' })).body.error.type).toBe(
      'INVALID_RECORDS',
    )
  })

  test('writes to computed fields and unknown fields fail atomically', async () => {
    await using emu = await setup()
    const res = await call(emu, '/Tasks', {
      method: 'POST',
      body: JSON.stringify({ records: [{ fields: { Name: 'ok' } }, { fields: { Label: 'x' } }] }),
    })
    expect(res.body.error.type).toBe('INVALID_VALUE_FOR_COLUMN')
    const unknown = await call(emu, '/Tasks', {
      method: 'POST',
      body: JSON.stringify({ fields: { Nope: 1 } }),
    })
    expect(unknown.body.error).toEqual({
      type: 'UNKNOWN_FIELD_NAME',
      message: 'Unknown field name: "Nope"',
    })
    expect(emu.bases.require(TEST_BASE_ID).count('Tasks')).toBe(0)
  })
})
