import { afterEach, describe, expect, test } from 'vitest'
import { errorJson, startHarness, type Harness } from './test-fixtures.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.server.close()
  h = undefined
})

const table = {
  id: 'tblMembers0000000',
  name: 'Members Registry',
  primaryFieldId: 'fldName000000000',
  fields: [{ id: 'fldName000000000', name: 'Name', type: 'singleLineText' }],
  views: [{ id: 'viwGrid000000000', name: 'Grid view', type: 'grid' }],
}

describe('meta', () => {
  test('listBases follows offsets', async () => {
    h = await startHarness((req) =>
      req.query.get('offset') === null
        ? {
            json: {
              bases: [{ id: 'appA', name: 'A', permissionLevel: 'create' }],
              offset: 'itr1/appA',
            },
          }
        : { json: { bases: [{ id: 'appB', name: 'B', permissionLevel: 'read' }] } },
    )
    const bases = await h.client.meta.listBases()
    expect(bases.map((b) => b.id)).toEqual(['appA', 'appB'])
    expect(h.server.requests.map((r) => r.path)).toEqual(['/v0/meta/bases', '/v0/meta/bases'])
    expect(h.events.every((e) => e.baseId === undefined && e.endpoint === 'listBases')).toBe(true)
  })

  test('getBaseSchema validates the schema', async () => {
    h = await startHarness(() => ({ json: { tables: [table] } }))
    const schema = await h.client.meta.getBaseSchema('appA', { includeVisibleFieldIds: true })
    expect(schema.tables[0]?.fields[0]?.name).toBe('Name')
    expect(h.server.requests[0]?.path).toBe('/v0/meta/bases/appA/tables')
    expect(h.server.requests[0]?.query.getAll('include[]')).toEqual(['visibleFieldIds'])
  })

  test('a schema without primaryFieldId is rejected as INVALID_RESPONSE', async () => {
    const broken: Partial<typeof table> = { ...table }
    delete broken.primaryFieldId
    h = await startHarness(() => ({ json: { tables: [broken] } }))
    await expect(h.client.meta.getBaseSchema('appA')).rejects.toMatchObject({
      type: 'INVALID_RESPONSE',
    })
  })

  test('createTable, updateTable, createField, updateField, whoami hit their paths', async () => {
    const field = { id: 'fldAge0000000000', name: 'Age', type: 'number', options: { precision: 0 } }
    h = await startHarness((req) => {
      if (req.path.endsWith('/whoami'))
        return { json: { id: 'usrA', scopes: ['data.records:read'] } }
      if (req.path.includes('/fields')) return { json: field }
      return { json: table }
    })
    const { meta } = h.client
    await meta.createTable('appA', {
      name: 'Members Registry',
      fields: [{ name: 'Name', type: 'singleLineText' }],
    })
    await meta.updateTable(
      { baseId: 'appA', tableIdOrName: 'Members Registry' },
      { description: 'd' },
    )
    await meta.createField(
      { baseId: 'appA', tableId: table.id },
      { name: 'Age', type: 'number', options: { precision: 0 } },
    )
    await meta.updateField(
      { baseId: 'appA', tableId: table.id, fieldId: field.id },
      { name: 'Years' },
    )
    expect(await meta.whoami()).toMatchObject({ id: 'usrA' })
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v0/meta/bases/appA/tables',
      'PATCH /v0/meta/bases/appA/tables/Members%20Registry',
      `POST /v0/meta/bases/appA/tables/${table.id}/fields`,
      `PATCH /v0/meta/bases/appA/tables/${table.id}/fields/${field.id}`,
      'GET /v0/meta/whoami',
    ])
    expect(h.server.requests[3]?.body).toEqual({ name: 'Years' })
  })

  test('createTable is not re-sent after a 500 (it could make a duplicate)', async () => {
    h = await startHarness(() => ({ status: 500, json: errorJson('SERVER_ERROR') }))
    await expect(
      h.client.meta.createTable('appA', {
        name: 'X',
        fields: [{ name: 'Name', type: 'singleLineText' }],
      }),
    ).rejects.toMatchObject({ outcomeUnknown: true })
    expect(h.server.requests).toHaveLength(1)
  })
})

const spec = {
  options: {
    filters: { dataTypes: ['tableData' as const], recordChangeScope: 'tblMembers0000000' },
  },
}

function payload(n: number) {
  return {
    timestamp: '2026-01-01T00:00:00.000Z',
    baseTransactionNumber: n,
    payloadFormat: 'v0',
    actionMetadata: { source: 'publicApi', sourceMetadata: { user: { id: 'usrA' } } },
    changedTablesById: {
      tblMembers0000000: {
        changedRecordsById: {
          rec00000000000001: { current: { cellValuesByFieldId: { fldName000000000: `v${n}` } } },
        },
      },
    },
  }
}

describe('webhooks', () => {
  test('create, list, refresh, enableNotifications, delete', async () => {
    const hook = {
      id: 'achHook0000000000',
      areNotificationsEnabled: true,
      isHookEnabled: true,
      cursorForNextPayload: 1,
      notificationUrl: 'https://example.com/ping',
      expirationTime: '2026-01-08T00:00:00.000Z',
      lastSuccessfulNotificationTime: null,
      lastNotificationResult: null,
      specification: spec,
    }
    h = await startHarness((req) => {
      if (req.method === 'POST' && req.path.endsWith('/webhooks')) {
        return {
          json: { id: hook.id, macSecretBase64: 'c2VjcmV0', expirationTime: hook.expirationTime },
        }
      }
      if (req.method === 'GET') return { json: { webhooks: [hook] } }
      if (req.path.endsWith('/refresh'))
        return { json: { expirationTime: '2026-01-09T00:00:00.000Z' } }
      return { status: 200, text: '' }
    })
    const { webhooks } = h.client
    const createdHook = await webhooks.create('appA', {
      notificationUrl: hook.notificationUrl,
      specification: spec,
    })
    expect(createdHook.macSecretBase64).toBe('c2VjcmV0')
    expect(await webhooks.list('appA')).toMatchObject([{ id: hook.id, cursorForNextPayload: 1 }])
    const target = { baseId: 'appA', webhookId: hook.id }
    expect(await webhooks.refresh(target)).toEqual({ expirationTime: '2026-01-09T00:00:00.000Z' })
    await webhooks.enableNotifications(target, true)
    await webhooks.delete(target)
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v0/bases/appA/webhooks',
      'GET /v0/bases/appA/webhooks',
      `POST /v0/bases/appA/webhooks/${hook.id}/refresh`,
      `POST /v0/bases/appA/webhooks/${hook.id}/enableNotifications`,
      `DELETE /v0/bases/appA/webhooks/${hook.id}`,
    ])
    expect(h.server.requests[0]?.body).toEqual({
      notificationUrl: hook.notificationUrl,
      specification: spec,
    })
    expect(h.server.requests[3]?.body).toEqual({ enable: true })
  })

  test('iteratePayloads follows mightHaveMore from the given cursor', async () => {
    h = await startHarness((req) => {
      const cursor = Number(req.query.get('cursor') ?? '1')
      const limit = Number(req.query.get('limit'))
      const last = 7
      const payloads = Array.from(
        { length: Math.max(0, Math.min(limit, last - cursor + 1)) },
        (_, i) => payload(cursor + i),
      )
      const next = cursor + payloads.length
      return { json: { cursor: next, mightHaveMore: next <= last, payloads } }
    })
    const pages: { cursor: number; numbers: number[] }[] = []
    for await (const page of h.client.webhooks.iteratePayloads(
      { baseId: 'appA', webhookId: 'achHook0000000000' },
      { cursor: 2, limit: 2 },
    )) {
      pages.push({
        cursor: page.cursor,
        numbers: page.payloads.map((p) => p.baseTransactionNumber),
      })
    }
    expect(pages).toEqual([
      { cursor: 4, numbers: [2, 3] },
      { cursor: 6, numbers: [4, 5] },
      { cursor: 8, numbers: [6, 7] },
    ])
    expect(h.server.requests.map((r) => r.query.get('cursor'))).toEqual(['2', '4', '6'])
    expect(h.server.requests[0]?.path).toBe('/v0/bases/appA/webhooks/achHook0000000000/payloads')
  })

  test('listPayloads caps limit at 50 and rejects a malformed payload', async () => {
    h = await startHarness(() => ({
      json: { cursor: 1, mightHaveMore: false, payloads: [{ timestamp: 1 }] },
    }))
    const target = { baseId: 'appA', webhookId: 'achHook0000000000' }
    await expect(h.client.webhooks.listPayloads(target, { limit: 500 })).rejects.toMatchObject({
      type: 'INVALID_RESPONSE',
    })
    expect(h.server.requests[0]?.query.get('limit')).toBe('50')
  })
})
