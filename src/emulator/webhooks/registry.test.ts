import { describe, expect, test } from 'vitest'
import { ManualClock } from '../../shared/clock.ts'
import { EmulatorError } from '../state/types.ts'
import { emptyChange, FakeBase } from './fake-base.ts'
import { WebhookHub } from './hub.ts'
import type { WebhookHubOptions } from './options.ts'
import { ManualTimers } from './timers.ts'
import { F, T_PEOPLE, V_ACTIVE, testTables } from './test-schema.ts'

const DAY = 24 * 60 * 60 * 1000

function setup(options: WebhookHubOptions = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  const timers = new ManualTimers(clock)
  const base = new FakeBase('appTest0000000000', testTables())
  const hub = new WebhookHub({
    clock,
    timers,
    fetch: () => Promise.resolve(new Response(null, { status: 204 })),
    ...options,
  })
  const hooks = hub.attach(base)
  return { clock, timers, base, hub, hooks }
}

const DATA = { options: { filters: { dataTypes: ['tableData' as const] } } }

function changeAnn(base: FakeBase, age: number) {
  base.put('recAnn0000000000', { [F.name]: 'Ann', [F.age]: age })
  return base.emit({
    tables: {
      [T_PEOPLE]: {
        changedRecords: new Map([
          [
            'recAnn0000000000',
            {
              current: { [F.age]: age },
              previous: { [F.age]: age - 1 },
              all: { [F.name]: 'Ann', [F.age]: age },
            },
          ],
        ]),
      },
    },
  })
}

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    if (error instanceof EmulatorError) return error.type
    throw error
  }
  return undefined
}

describe('WebhookRegistry', () => {
  test('create: ach ID, a 32-byte secret shown once, expiry in 7 days', () => {
    const { hooks } = setup()
    const created = hooks.create({ specification: DATA })
    expect(created.id).toMatch(/^ach[A-Za-z0-9]{14}$/)
    expect(Buffer.from(created.macSecretBase64, 'base64')).toHaveLength(32)
    expect(created.expirationTime).toBe(new Date(Date.UTC(2026, 0, 8)).toISOString())
    const [listed] = hooks.list().webhooks
    expect(listed).toMatchObject({
      id: created.id,
      areNotificationsEnabled: true,
      isHookEnabled: true,
      cursorForNextPayload: 1,
      notificationUrl: null,
      lastNotificationResult: null,
      specification: DATA,
    })
    expect(JSON.stringify(hooks.list())).not.toContain(created.macSecretBase64)
  })

  test('the 11th webhook of a base is refused', () => {
    const { hooks } = setup()
    for (let i = 0; i < 10; i++) hooks.create({ specification: DATA })
    expect(code(() => hooks.create({ specification: DATA }))).toBe('TOO_MANY_WEBHOOKS')
  })

  test('a specification naming unknown IDs is refused', () => {
    const { hooks } = setup()
    const spec = {
      options: {
        filters: { dataTypes: ['tableData' as const], recordChangeScope: 'tblNope0000000000' },
      },
    }
    expect(code(() => hooks.create({ specification: spec }))).toBe('INVALID_REQUEST_UNKNOWN')
  })

  test('payloads are numbered per webhook; a filtered-out write stores nothing', () => {
    const { base, hooks } = setup()
    const all = hooks.create({ specification: DATA })
    const names = hooks.create({
      specification: {
        options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: [F.name] } },
      },
    })
    changeAnn(base, 41)
    changeAnn(base, 42)
    expect(hooks.get(all.id).cursorForNextPayload).toBe(3)
    expect(hooks.get(names.id).cursorForNextPayload).toBe(1)
    const page = hooks.listPayloads(all.id, { cursor: 1, limit: 1 })
    expect(page.cursor).toBe(2)
    expect(page.mightHaveMore).toBe(true)
    expect(page.payloads[0]?.baseTransactionNumber).toBe(1)
    expect(code(() => hooks.listPayloads(all.id, { limit: 51 }))).toBe('INVALID_REQUEST_UNKNOWN')
  })

  test('expiry: refresh and listing payloads extend it; an expired hook stores nothing', () => {
    const { clock, base, hooks } = setup()
    const { id } = hooks.create({ specification: DATA })
    clock.advance(6 * DAY)
    expect(hooks.refresh(id).expirationTime).toBe(new Date(clock.now() + 7 * DAY).toISOString())
    clock.advance(6 * DAY)
    hooks.listPayloads(id, {})
    expect(hooks.get(id).expirationTime).toBe(new Date(clock.now() + 7 * DAY).toISOString())
    clock.advance(7 * DAY)
    expect(hooks.get(id).isHookEnabled).toBe(false)
    changeAnn(base, 50)
    expect(hooks.get(id).cursorForNextPayload).toBe(1)
    expect(code(() => hooks.refresh(id))).toBe('INVALID_REQUEST_UNKNOWN')
    // Listing an expired hook does not revive it.
    hooks.listPayloads(id, {})
    expect(hooks.get(id).isHookEnabled).toBe(false)
    clock.advance(7 * DAY)
    expect(hooks.list().webhooks).toEqual([])
  })

  test('expireNow (test control) disables the hook at once', () => {
    const { base, hooks } = setup()
    const { id } = hooks.create({ specification: DATA })
    hooks.expireNow(id)
    changeAnn(base, 41)
    expect(hooks.get(id)).toMatchObject({ isHookEnabled: false, cursorForNextPayload: 1 })
  })

  test('payloads are deleted after the retention period; the cursor moves on to the oldest kept', () => {
    const { clock, base, hooks } = setup()
    const { id } = hooks.create({ specification: DATA })
    changeAnn(base, 41)
    clock.advance(3 * DAY)
    hooks.refresh(id)
    changeAnn(base, 42)
    clock.advance(4 * DAY + 1)
    const page = hooks.listPayloads(id, { cursor: 1 })
    expect(page.payloads.map((p) => p.baseTransactionNumber)).toEqual([2])
    expect(page.cursor).toBe(3)
  })

  test('dropPayloads (test control) loses a cursor without renumbering', () => {
    const { base, hooks } = setup()
    const { id } = hooks.create({ specification: DATA })
    for (let age = 41; age <= 44; age++) changeAnn(base, age)
    expect(hooks.dropPayloads(id, 3)).toEqual({ dropped: 2 })
    const page = hooks.listPayloads(id, { cursor: 1 })
    expect(page.payloads.map((p) => p.baseTransactionNumber)).toEqual([3, 4])
    expect(page.cursor).toBe(5)
    changeAnn(base, 45)
    expect(
      hooks.listPayloads(id, { cursor: 5 }).payloads.map((p) => p.baseTransactionNumber),
    ).toEqual([5])
  })

  test('a watched field deleted: one error payload, then the hook is off', () => {
    const { base, hooks } = setup()
    const { id } = hooks.create({
      specification: {
        options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: [F.age] } },
      },
    })
    const people = base.tablesList[0]!
    people.fields = people.fields.filter((f) => f.id !== F.age)
    base.emit({ tables: { [T_PEOPLE]: emptyChange({ destroyedFieldIds: [F.age] }) } })
    changeAnn(base, 41)
    const { payloads } = hooks.listPayloads(id, {})
    expect(payloads).toHaveLength(1)
    expect(payloads[0]).toMatchObject({ error: true, code: 'INVALID_FILTERS' })
    expect(hooks.get(id).isHookEnabled).toBe(false)
  })

  test('a view scope follows records in and out of the view across writes', () => {
    const { base, hooks } = setup()
    base.views.set(V_ACTIVE, new Set(['recAnn0000000000']))
    const { id } = hooks.create({
      specification: {
        options: { filters: { dataTypes: ['tableData'], recordChangeScope: V_ACTIVE } },
      },
    })
    base.views.set(V_ACTIVE, new Set())
    changeAnn(base, 41) // leaves the view
    changeAnn(base, 42) // outside the view: nothing
    base.views.set(V_ACTIVE, new Set(['recAnn0000000000']))
    changeAnn(base, 43) // enters the view
    const { payloads } = hooks.listPayloads(id, {})
    const views = payloads.map((p) => p.changedTablesById?.[T_PEOPLE]?.changedViewsById?.[V_ACTIVE])
    expect(views).toEqual([
      { destroyedRecordIds: ['recAnn0000000000'] },
      {
        createdRecordsById: {
          recAnn0000000000: {
            createdTime: '2026-01-01T00:00:00.000Z',
            cellValuesByFieldId: { [F.name]: 'Ann', [F.age]: 43 },
          },
        },
      },
    ])
  })

  test('snapshot and restore keep webhooks, secrets, payloads and numbering', () => {
    const first = setup()
    const { id, macSecretBase64 } = first.hooks.create({ specification: DATA })
    changeAnn(first.base, 41)
    const snapshot = JSON.parse(JSON.stringify(first.hub.snapshot())) as unknown
    const second = setup()
    second.hub.restore(snapshot)
    expect(second.hooks.secretOf(id)).toBe(macSecretBase64)
    changeAnn(second.base, 42)
    const page = second.hooks.listPayloads(id, {})
    expect(page.payloads.map((p) => p.baseTransactionNumber)).toEqual([1, 1])
    expect(page.cursor).toBe(3)
    expect(() => second.hub.restore({ version: 2 })).toThrow()
  })

  test('a replaced base keeps its webhooks (rebind)', () => {
    const { hub, hooks } = setup()
    const { id } = hooks.create({ specification: DATA })
    const replacement = new FakeBase('appTest0000000000', testTables())
    expect(hub.attach(replacement)).toBe(hooks)
    changeAnn(replacement, 41)
    expect(hooks.get(id).cursorForNextPayload).toBe(2)
  })
})
