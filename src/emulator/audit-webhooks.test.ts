/**
 * Audit of webhook payloads over HTTP (airtable-api.md §7.4–7.6, §9.10): the payload envelope,
 * V2 cell values of selects, links and lookups, computed cells that change with a write, destroyed
 * records, field and table metadata changes from the metadata API, and the 7-day lifetimes of
 * webhooks and payloads on a manual clock.
 */
import { describe, expect, test } from 'vitest'
import { listWebhookPayloadsResponseSchema, type WebhookPayload } from '../protocol/webhooks.ts'
import { createEmulator, type Emulator } from './app.ts'
import { makeBase } from './state/testing.ts'

const TOKEN = 'patAuditWebhooks1.0000'
const BASE_ID = 'appTestBase000001'
const DAY_MS = 24 * 60 * 60 * 1000
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
const SEL = expect.stringMatching(/^sel[A-Za-z0-9]{14}$/) as unknown

async function setup() {
  const { base, clock } = makeBase()
  const emu = await createEmulator({ tokens: [TOKEN], bases: [base], clock, rateLimit: false })
  const fieldId = (table: string, name: string): string =>
    base.table(table).fields.find((f) => f.name === name)!.id
  return { emu, base, clock, fieldId }
}

async function call(emu: Emulator, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await emu.app.request(path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  })
  const json = (await res.json()) as Record<string, unknown>
  expect(res.status, JSON.stringify(json)).toBe(200)
  return json
}

async function createHook(emu: Emulator, options: unknown): Promise<string> {
  const body = { specification: { options } }
  const created = await call(emu, `/v0/bases/${BASE_ID}/webhooks`, { method: 'POST', body })
  return created['id'] as string
}

async function payloads(emu: Emulator, hookId: string, cursor = 1) {
  const json = await call(emu, `/v0/bases/${BASE_ID}/webhooks/${hookId}/payloads?cursor=${cursor}`)
  return listWebhookPayloadsResponseSchema.parse(json)
}

const recordId = (json: Record<string, unknown>): string => json['id'] as string

describe('webhook payloads over HTTP', () => {
  test('envelope, V2 selects/links/lookups, computed cells, destroyed records', async () => {
    const { emu, base, fieldId } = await setup()
    const people = base.table('People').id
    const sessions = base.table('Sessions').id
    const hook = await createHook(emu, {
      filters: { dataTypes: ['tableData'] },
      includes: { includePreviousCellValues: true },
    })
    const person = await call(emu, `/v0/${BASE_ID}/People`, {
      method: 'POST',
      body: { fields: { Name: 'Pia', Status: 'Pending', Tags: ['a', 'b'] } },
    })
    const p = recordId(person)
    const session = await call(emu, `/v0/${BASE_ID}/Sessions`, {
      method: 'POST',
      body: { fields: { Ref: 'S1', Person: [p], Amount: 5 } },
    })
    const s = recordId(session)
    await call(emu, `/v0/${BASE_ID}/People/${p}`, {
      method: 'PATCH',
      body: { fields: { Age: 30 } },
    })
    await call(emu, `/v0/${BASE_ID}/Sessions/${s}`, { method: 'DELETE' })

    const page = await payloads(emu, hook)
    expect(page.cursor).toBe(5)
    expect(page.mightHaveMore).toBe(false)
    const list: WebhookPayload[] = page.payloads
    expect(list).toHaveLength(4)
    const numbers = list.map((x) => x.baseTransactionNumber)
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers)
    expect(new Set(numbers).size).toBe(4)
    for (const x of list) {
      expect(x.payloadFormat).toBe('v0')
      expect(x.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(x.actionMetadata).toMatchObject({
        source: 'publicApi',
        sourceMetadata: { user: { id: expect.stringMatching(/^usr/) } },
      })
    }

    // 1. Created person: selects as objects, by field ID.
    const createdPerson = list[0]!.changedTablesById?.[people]?.createdRecordsById?.[p]
    expect(createdPerson?.createdTime).toEqual(expect.any(String))
    expect(createdPerson?.cellValuesByFieldId).toMatchObject({
      [fieldId('People', 'Name')]: 'Pia',
      [fieldId('People', 'Status')]: { id: SEL, name: 'Pending' },
      [fieldId('People', 'Tags')]: [
        { id: SEL, name: 'a' },
        { id: SEL, name: 'b' },
      ],
    })
    // 2. Created session: link {id,name}, lookup by linked record; the person changed too.
    const createdSession = list[1]!.changedTablesById?.[sessions]?.createdRecordsById?.[s]
    expect(createdSession?.cellValuesByFieldId).toMatchObject({
      [fieldId('Sessions', 'Person')]: [{ id: p, name: 'Pia' }],
      [fieldId('Sessions', 'Person Name')]: {
        valuesByLinkedRecordId: { [p]: ['Pia'] },
        linkedRecordIds: [p],
      },
    })
    const inverse = list[1]!.changedTablesById?.[people]?.changedRecordsById?.[p]
    expect(inverse?.current.cellValuesByFieldId).toMatchObject({
      [fieldId('People', 'Sessions')]: [{ id: s, name: 'S1' }],
      [fieldId('People', 'Session Count')]: 1,
      [fieldId('People', 'Total')]: 5,
    })
    // 3. A write moves the formula that depends on it; previous values included.
    const edited = list[2]!.changedTablesById?.[people]?.changedRecordsById?.[p]
    expect(edited?.current.cellValuesByFieldId).toEqual({
      [fieldId('People', 'Age')]: 30,
      [fieldId('People', 'Label')]: 'Pia (30)',
    })
    expect(edited?.previous?.cellValuesByFieldId).toEqual({
      [fieldId('People', 'Age')]: null,
      [fieldId('People', 'Label')]: 'Pia ()',
    })
    // 4. Deleting the session: destroyed, and the person loses the link.
    expect(list[3]!.changedTablesById?.[sessions]?.destroyedRecordIds).toEqual([s])
    expect(
      list[3]!.changedTablesById?.[people]?.changedRecordsById?.[p]?.current.cellValuesByFieldId,
    ).toMatchObject({
      [fieldId('People', 'Sessions')]: null,
      [fieldId('People', 'Session Count')]: 0,
    })
  })

  test('metadata API changes: created and changed fields, table metadata, previous definitions', async () => {
    const { emu, base } = await setup()
    const people = base.table('People').id
    const hook = await createHook(emu, {
      filters: { dataTypes: ['tableFields', 'tableMetadata'] },
      includes: { includePreviousFieldDefinitions: true },
    })
    const meta = `/v0/meta/bases/${BASE_ID}/tables`
    const field = await call(emu, `${meta}/People/fields`, {
      method: 'POST',
      body: { name: 'Nickname', type: 'singleLineText' },
    })
    const f = recordId(field)
    await call(emu, `${meta}/People/fields/${f}`, { method: 'PATCH', body: { name: 'Alias' } })
    await call(emu, `${meta}/People`, { method: 'PATCH', body: { description: 'Who is who' } })
    // Data changes are outside the hook's data types.
    await call(emu, `/v0/${BASE_ID}/People`, { method: 'POST', body: { fields: { Name: 'x' } } })

    const list = (await payloads(emu, hook)).payloads
    expect(list).toHaveLength(3)
    expect(list[0]!.changedTablesById?.[people]?.createdFieldsById).toEqual({
      [f]: { name: 'Nickname', type: 'singleLineText' },
    })
    expect(list[1]!.changedTablesById?.[people]?.changedFieldsById?.[f]).toEqual({
      current: { name: 'Alias' },
      previous: { name: 'Nickname' },
    })
    expect(list[2]!.changedTablesById?.[people]?.changedMetadata).toMatchObject({
      current: { description: 'Who is who' },
    })
  })
})

describe('lifetimes on a manual clock', () => {
  test('a webhook expires 7 days after creation unless refreshed or read; then it stores nothing', async () => {
    const { emu, clock } = await setup()
    const hook = await createHook(emu, { filters: { dataTypes: ['tableData'] } })
    const hooks = `/v0/bases/${BASE_ID}/webhooks`
    const write = (name: string) =>
      call(emu, `/v0/${BASE_ID}/People`, { method: 'POST', body: { fields: { Name: name } } })
    const expiry = async () => {
      const listed = await call(emu, hooks)
      return (listed['webhooks'] as Array<{ expirationTime: string; isHookEnabled: boolean }>)[0]!
    }
    const start = clock.now()
    expect(Date.parse((await expiry()).expirationTime)).toBe(start + 7 * DAY_MS)

    clock.advance(6 * DAY_MS)
    await write('day 6')
    // Listing payloads extends the life to now + 7 days.
    expect((await payloads(emu, hook)).payloads).toHaveLength(1)
    expect(Date.parse((await expiry()).expirationTime)).toBe(start + 13 * DAY_MS)

    clock.advance(7 * DAY_MS)
    expect((await expiry()).isHookEnabled).toBe(false)
    await write('after expiry')
    const afterExpiry = await payloads(emu, hook, 2)
    expect(afterExpiry.payloads).toEqual([])
    expect(afterExpiry.cursor).toBe(2)
  })

  test('payloads are deleted after 7 days; the cursor moves on, numbering kept', async () => {
    const { emu, clock } = await setup()
    const hook = await createHook(emu, { filters: { dataTypes: ['tableData'] } })
    const write = (name: string) =>
      call(emu, `/v0/${BASE_ID}/People`, { method: 'POST', body: { fields: { Name: name } } })
    await write('old')
    clock.advance(3 * DAY_MS)
    await call(emu, `/v0/bases/${BASE_ID}/webhooks/${hook}/refresh`, { method: 'POST' })
    await write('newer')
    clock.advance(4 * DAY_MS + 1)
    const page = await payloads(emu, hook, 1)
    expect(page.payloads).toHaveLength(1)
    expect(page.cursor).toBe(3)
  })
})
