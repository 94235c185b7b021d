import { describe, expect, test } from 'vitest'
import { createEmulator } from '../app.ts'
import { buildTestBase, TEST_BASE_ID } from '../test-base.ts'

const TOKEN = 'patMetaTest000001.0000'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

describe('metadata API', () => {
  test('whoami, list bases, schema with views; include[]=visibleFieldIds', async () => {
    await using emu = await createEmulator({
      tokens: [TOKEN],
      bases: [buildTestBase()],
      rateLimit: false,
    })
    const who = (await (await emu.app.request('/v0/meta/whoami', { headers })).json()) as {
      id: string
    }
    expect(who.id).toMatch(/^usr/)
    expect(await (await emu.app.request('/v0/meta/bases', { headers })).json()).toEqual({
      bases: [{ id: TEST_BASE_ID, name: 'Test base', permissionLevel: 'create' }],
    })
    const schema = (await (
      await emu.app.request(`/v0/meta/bases/${TEST_BASE_ID}/tables?include%5B%5D=visibleFieldIds`, {
        headers,
      })
    ).json()) as {
      tables: Array<{ name: string; views: Array<{ name: string; visibleFieldIds?: string[] }> }>
    }
    const tasks = schema.tables.find((t) => t.name === 'Tasks')!
    expect(tasks.views.map((v) => v.name)).toEqual(['Grid view', 'Open'])
    expect(tasks.views[0]!.visibleFieldIds?.length).toBeGreaterThan(0)
    expect(Object.keys(tasks.views[1]!)).not.toContain('filterByFormula')
  })

  test('create table, create formula field (extension), update field and table', async () => {
    await using emu = await createEmulator({
      tokens: [TOKEN],
      bases: [buildTestBase({ rows: 2 })],
      rateLimit: false,
    })
    const post = (path: string, body: unknown, method = 'POST') =>
      emu.app.request(`/v0/meta/bases/${TEST_BASE_ID}${path}`, {
        method,
        headers,
        body: JSON.stringify(body),
      })
    const table = await post('/tables', {
      name: 'Things',
      fields: [{ name: 'Title', type: 'singleLineText' }],
    })
    expect(table.status).toBe(200)
    expect(await table.json()).toMatchObject({ name: 'Things', views: [{ type: 'grid' }] })
    const field = await post('/tables/Tasks/fields', {
      name: 'Double',
      type: 'formula',
      options: { formula: '{Priority} * 2' },
    })
    expect(field.status).toBe(200)
    const { id } = (await field.json()) as { id: string }
    const renamed = await post(`/tables/Tasks/fields/${id}`, { name: 'Twice' }, 'PATCH')
    expect(await renamed.json()).toMatchObject({ id, name: 'Twice' })
    const list = (await (
      await emu.app.request(`/v0/${TEST_BASE_ID}/Tasks`, { headers })
    ).json()) as {
      records: Array<{ fields: Record<string, unknown> }>
    }
    expect(list.records.map((r) => r.fields['Twice'])).toEqual([2, 4])
    const table2 = await post('/tables/Things', { description: 'd' }, 'PATCH')
    expect(await table2.json()).toMatchObject({ name: 'Things', description: 'd' })
    const bad = await post('/tables', { name: 'NoFields', fields: [] })
    expect(bad.status).toBe(422)
  })
})
