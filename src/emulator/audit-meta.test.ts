/**
 * Audit of the metadata API over HTTP (airtable-api.md §6): field options as get-base-schema shows
 * them (links paired, formula references by ID with a result, lookups and rollups with a result),
 * `visibleFieldIds` only when asked and only on grid views, 403 for unknown bases and tables.
 */
import { describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from './app.ts'
import { makeBase } from './state/testing.ts'

const TOKEN = 'patAuditMeta00001.0000'
const BASE_ID = 'appTestBase000001'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

interface SchemaField {
  id: string
  name: string
  type: string
  options?: Record<string, unknown>
}
interface SchemaTable {
  id: string
  name: string
  primaryFieldId: string
  fields: SchemaField[]
  views: Array<{ id: string; name: string; type: string; visibleFieldIds?: string[] }>
}

async function setup(): Promise<Emulator> {
  return createEmulator({ tokens: [TOKEN], bases: [makeBase().base], rateLimit: false })
}

async function schema(emu: Emulator, query = ''): Promise<SchemaTable[]> {
  const res = await emu.app.request(`/v0/meta/bases/${BASE_ID}/tables${query}`, { headers })
  expect(res.status).toBe(200)
  return ((await res.json()) as { tables: SchemaTable[] }).tables
}

async function send(emu: Emulator, path: string, init: { method: string; body: unknown }) {
  const res = await emu.app.request(`/v0/meta/bases/${BASE_ID}${path}`, {
    method: init.method,
    headers,
    body: JSON.stringify(init.body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const fieldOf = (tables: SchemaTable[], table: string, name: string): SchemaField =>
  tables.find((t) => t.name === table)!.fields.find((f) => f.name === name)!

describe('base schema', () => {
  test('links pair up; formula, lookup and rollup options carry IDs and a result', async () => {
    await using emu = await setup()
    const tables = await schema(emu)
    const people = tables.find((t) => t.name === 'People')!
    expect(people.primaryFieldId).toBe(people.fields[0]!.id)
    const forward = fieldOf(tables, 'Sessions', 'Person')
    const inverse = fieldOf(tables, 'People', 'Sessions')
    expect(forward.options).toMatchObject({
      linkedTableId: people.id,
      inverseLinkFieldId: inverse.id,
      isReversed: false,
      prefersSingleRecordLink: false,
    })
    expect(inverse.options?.['inverseLinkFieldId']).toBe(forward.id)
    const label = fieldOf(tables, 'People', 'Label')
    expect(label.options).toMatchObject({
      isValid: true,
      referencedFieldIds: [people.fields[0]!.id, fieldOf(tables, 'People', 'Age').id],
      result: { type: 'singleLineText' },
    })
    expect(String(label.options?.['formula'])).toMatch(/^\{fld[A-Za-z0-9]{14}\} & /)
    expect(fieldOf(tables, 'Sessions', 'Person Name').options).toMatchObject({
      recordLinkFieldId: forward.id,
      fieldIdInLinkedTable: people.fields[0]!.id,
      isValid: true,
      result: { type: 'singleLineText' },
    })
    const total = fieldOf(tables, 'People', 'Total')
    expect(total.options).toMatchObject({
      recordLinkFieldId: inverse.id,
      fieldIdInLinkedTable: fieldOf(tables, 'Sessions', 'Amount').id,
      isValid: true,
      result: { type: 'number' },
    })
    expect(fieldOf(tables, 'People', 'Session Count').options).toMatchObject({
      recordLinkFieldId: inverse.id,
      isValid: true,
    })
  })

  test.each([
    ['MAX(values)', 'Amount', { type: 'currency', options: { precision: 2, symbol: '$' } }],
    ['MIN(values)', 'When', { type: 'dateTime' }],
    ['COUNTA(values)', 'Ref', { type: 'number' }],
    ['ARRAYJOIN(values)', 'Ref', { type: 'singleLineText' }],
  ])('a rollup %s over %s shows result %j', async (aggregation, target, result) => {
    await using emu = await setup()
    const created = await send(emu, '/tables/People/fields', {
      method: 'POST',
      body: {
        name: 'Rolled',
        type: 'rollup',
        options: { recordLinkFieldId: 'Sessions', fieldIdInLinkedTable: target, aggregation },
      },
    })
    expect(created.status).toBe(200)
    expect((created.body['options'] as Record<string, unknown>)['result']).toMatchObject(result)
  })

  test('changing a rollup’s aggregation re-infers its result', async () => {
    await using emu = await setup()
    const tables = await schema(emu)
    const total = fieldOf(tables, 'People', 'Total')
    const changed = await send(emu, `/tables/People/fields/${total.id}`, {
      method: 'PATCH',
      body: { options: { aggregation: 'ARRAYJOIN(values)' } },
    })
    expect(changed.status).toBe(200)
    expect((changed.body['options'] as Record<string, unknown>)['result']).toEqual({
      type: 'singleLineText',
    })
  })

  test('visibleFieldIds only with include[]=visibleFieldIds, only on grid views', async () => {
    await using emu = await setup()
    const plain = await schema(emu)
    expect(plain.flatMap((t) => t.views).every((v) => !('visibleFieldIds' in v))).toBe(true)
    const withVisible = await schema(emu, '?include%5B%5D=visibleFieldIds')
    for (const table of withVisible) {
      for (const view of table.views) {
        if (view.type === 'grid')
          expect(view.visibleFieldIds).toEqual(table.fields.map((f) => f.id))
        else expect(view.visibleFieldIds).toBeUndefined()
      }
    }
  })

  test('unknown base or table on metadata writes → 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', async () => {
    await using emu = await setup()
    const field = { name: 'X', type: 'singleLineText' }
    for (const [path, body] of [
      ['/tables/Nope/fields', field],
      ['/tables/Nope', { description: 'd' }],
      ['/tables/People/fields/fldAAAAAAAAAAAAAA', { name: 'Y' }],
    ] as const) {
      const res = await send(emu, path, {
        method: path.endsWith('fields') ? 'POST' : 'PATCH',
        body,
      })
      expect([path, res.status]).toEqual([path, 403])
      expect(res.body).toMatchObject({ error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND' } })
    }
    const base = await emu.app.request('/v0/meta/bases/appNopeNopeNope01/tables', {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'T', fields: [field] }),
    })
    expect(base.status).toBe(403)
  })
})
