import { describe, expect, test } from 'vitest'
import type { BaseSchema } from '../protocol/index.ts'
import { listBaseIds, loadBaseSchema, saveBaseSchema } from './schema.ts'
import {
  getBaseSyncState,
  getTableSyncState,
  listTableSyncStates,
  setBaseSyncState,
  setTableSyncState,
} from './sync-state.ts'
import { upsertRecords } from './records.ts'
import { testBackends } from './test-backends.ts'
import { loadViewOrder, pruneViewOrders, saveViewOrder } from './views.ts'

const BASE = 'appBase000000001'
const T = { baseId: BASE, tableId: 'tblMembers000001' }

const schema: BaseSchema = {
  tables: [
    {
      id: 'tblMembers000001',
      name: 'Members Registry',
      primaryFieldId: 'fldName',
      fields: [
        { id: 'fldName', name: 'Name', type: 'singleLineText' },
        {
          id: 'fldStatus',
          name: 'Status',
          type: 'singleSelect',
          options: { choices: [{ id: 'sel1', name: 'Active', color: 'greenLight2' }] },
        },
      ],
      views: [{ id: 'viwGrid', name: 'Grid view', type: 'grid' }],
    },
  ],
}

for (const backend of testBackends()) {
  describe(`${backend.name}: schema, views and sync state`, () => {
    test('a base schema round-trips and reports whether it changed', async () => {
      await using db = await backend.open()
      expect(await loadBaseSchema(db, BASE)).toBeUndefined()
      expect(await saveBaseSchema(db, { baseId: BASE, schema })).toBe(true)
      expect(await saveBaseSchema(db, { baseId: BASE, schema: structuredClone(schema) })).toBe(
        false,
      )
      const stored = await loadBaseSchema(db, BASE)
      expect(stored?.schema).toEqual(schema)
      expect(Date.parse(stored?.updatedAt ?? '')).not.toBeNaN()
      const renamed = structuredClone(schema)
      renamed.tables[0]!.fields[0]!.name = 'Full name'
      expect(await saveBaseSchema(db, { baseId: BASE, schema: renamed })).toBe(true)
      expect((await loadBaseSchema(db, BASE))?.schema.tables[0]?.fields[0]?.name).toBe('Full name')
      expect(await listBaseIds(db)).toEqual([BASE])
    })

    test('view orders are stored in order, replaced, and pruned', async () => {
      await using db = await backend.open()
      const view = { ...T, viewId: 'viwGrid' }
      expect(await loadViewOrder(db, view)).toBeUndefined()
      await saveViewOrder(db, { ...view, recordIds: ['rec3', 'rec1', 'rec2'] })
      expect((await loadViewOrder(db, view))?.recordIds).toEqual(['rec3', 'rec1', 'rec2'])
      await saveViewOrder(db, { ...view, recordIds: ['rec2'] })
      expect((await loadViewOrder(db, view))?.recordIds).toEqual(['rec2'])
      await saveViewOrder(db, { ...T, viewId: 'viwGone', recordIds: [] })
      expect(await pruneViewOrders(db, { ...T, keepViewIds: ['viwGrid'] })).toBe(1)
      expect(await loadViewOrder(db, { ...T, viewId: 'viwGone' })).toBeUndefined()
      expect((await loadViewOrder(db, view))?.recordIds).toEqual(['rec2'])
    })

    test('table sync state: omitted keys are untouched, null clears', async () => {
      await using db = await backend.open()
      expect(await getTableSyncState(db, T)).toBeUndefined()
      await setTableSyncState(db, T, {
        status: 'syncing',
        lastFullSyncStartedAt: '2026-01-01T00:00:00.000Z',
        extra: { offset: 'itr1/rec1' },
      })
      await setTableSyncState(db, T, { error: 'boom', recordCount: 12 })
      expect(await getTableSyncState(db, T)).toMatchObject({
        ...T,
        status: 'syncing',
        lastFullSyncStartedAt: '2026-01-01T00:00:00.000Z',
        lastFullSyncAt: undefined,
        recordCount: 12,
        error: 'boom',
        extra: { offset: 'itr1/rec1' },
      })
      await setTableSyncState(db, T, {
        status: 'ready',
        lastFullSyncAt: '2026-01-01T00:01:00.000Z',
        error: null,
        extra: {},
      })
      await setTableSyncState(db, { ...T, tableId: 'tblHosts00000001' }, {})
      const states = await listTableSyncStates(db, BASE)
      expect(states.map((s) => [s.tableId, s.status, s.error])).toEqual([
        ['tblHosts00000001', 'pending', undefined],
        ['tblMembers000001', 'ready', undefined],
      ])
      expect(states[1]?.extra).toEqual({})
      await expect(setTableSyncState(db, T, { status: 'bogus' as 'ready' })).rejects.toThrow()
    })

    test('the webhook cursor commits or rolls back with the changes it carried', async () => {
      await using db = await backend.open()
      await setBaseSyncState(db, BASE, {
        webhookId: 'ach00000000000001',
        webhookSecret: 'c2VjcmV0',
        webhookExpiresAt: '2026-01-08T00:00:00.000Z',
        webhookCursor: 1,
      })
      const apply = (cursor: number, fail: boolean): Promise<void> =>
        db.transaction(async (tx) => {
          await upsertRecords(tx, {
            ...T,
            records: [{ id: `rec${cursor}`, fields: {} }],
            source: 'webhook',
          })
          await setBaseSyncState(tx, BASE, {
            webhookCursor: cursor + 1,
            lastPayloadAt: '2026-01-02T00:00:00.000Z',
          })
          if (fail) throw new Error('crash')
        })
      await apply(1, false)
      await expect(apply(2, true)).rejects.toThrow('crash')
      const state = await getBaseSyncState(db, BASE)
      expect(state).toMatchObject({
        baseId: BASE,
        webhookId: 'ach00000000000001',
        webhookSecret: 'c2VjcmV0',
        webhookExpiresAt: '2026-01-08T00:00:00.000Z',
        webhookCursor: 2,
        needsResync: false,
      })
      await setBaseSyncState(db, BASE, {
        needsResync: true,
        resyncReason: 'cursor lost',
        webhookCursor: null,
      })
      expect(await getBaseSyncState(db, BASE)).toMatchObject({
        needsResync: true,
        resyncReason: 'cursor lost',
        webhookCursor: undefined,
        webhookId: 'ach00000000000001',
      })
    })
  })
}
