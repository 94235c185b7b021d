import { describe, expect, test } from 'vitest'
import { StoreError } from './errors.ts'
import { countMatchingRecords, queryRecords } from './query-records.ts'
import { upsertRecords } from './records.ts'
import { testBackends } from './test-backends.ts'
import { saveViewOrder } from './views.ts'

const T = { baseId: 'appBase000000001', tableId: 'tblHosts00000001' }

const hosts = [
  {
    id: 'rec1',
    createdTime: '2024-01-01T00:00:00.000Z',
    fields: { fldName: 'Ann', fldRate: 30, fldActive: true },
  },
  { id: 'rec2', createdTime: '2024-01-02T00:00:00.000Z', fields: { fldName: 'Ben', fldRate: 10 } },
  {
    id: 'rec3',
    createdTime: '2024-01-03T00:00:00.000Z',
    fields: { fldName: 'Cid', fldRate: 20, fldActive: true },
  },
  {
    id: 'rec4',
    createdTime: '2024-01-04T00:00:00.000Z',
    fields: { fldName: "O'Hara", fldActive: true },
  },
]

const active = { text: `(r.fields->$1)::boolean is true`, params: ['fldActive'] }

for (const backend of testBackends()) {
  describe(`${backend.name}: queryRecords`, () => {
    test('filters, sorts, views and pages', async () => {
      await using db = await backend.open()
      await upsertRecords(db, { ...T, records: hosts, source: 'test' })
      await upsertRecords(db, {
        ...T,
        tableId: 'tblOther00000001',
        records: hosts.slice(0, 1),
        source: 'test',
      })
      const ids = async (options: object): Promise<string[]> =>
        (await queryRecords(db, { ...T, ...options })).map((r) => r.id)

      expect(await ids({})).toEqual(['rec1', 'rec2', 'rec3', 'rec4'])
      expect(await ids({ where: [active] })).toEqual(['rec1', 'rec3', 'rec4'])
      const cheap = { text: `(r.fields->>$1)::numeric < $2`, params: ['fldRate', 25] }
      expect(await ids({ where: [active, cheap] })).toEqual(['rec3'])
      const byRate = { text: `(r.fields->>$1)::numeric desc nulls last`, params: ['fldRate'] }
      expect(await ids({ orderBy: [byRate] })).toEqual(['rec1', 'rec3', 'rec2', 'rec4'])
      expect(await ids({ orderBy: [byRate], limit: 2, offset: 1 })).toEqual(['rec3', 'rec2'])

      await saveViewOrder(db, { ...T, viewId: 'viwActive', recordIds: ['rec4', 'rec1', 'rec3'] })
      expect(await ids({ viewId: 'viwActive' })).toEqual(['rec4', 'rec1', 'rec3'])
      expect(await ids({ viewId: 'viwActive', where: [cheap] })).toEqual(['rec3'])
      expect(await ids({ viewId: 'viwActive', orderBy: [byRate] })).toEqual([
        'rec1',
        'rec3',
        'rec4',
      ])
      expect(await ids({ viewId: 'viwMissing' })).toEqual([])

      expect(await countMatchingRecords(db, { ...T, where: [active] })).toBe(3)
      expect(await countMatchingRecords(db, { ...T, viewId: 'viwActive', where: [cheap] })).toBe(1)
    })

    test('values stay values: quotes and SQL in parameters match literally', async () => {
      await using db = await backend.open()
      await upsertRecords(db, { ...T, records: hosts, source: 'test' })
      const byName = (name: string): { text: string; params: unknown[] } => ({
        text: `r.fields->>$1 = $2`,
        params: ['fldName', name],
      })
      expect(
        (await queryRecords(db, { ...T, where: [byName("O'Hara")] })).map((r) => r.id),
      ).toEqual(['rec4'])
      expect(await queryRecords(db, { ...T, where: [byName(`x' or '1'='1`)] })).toEqual([])
      expect(await queryRecords(db, { ...T, viewId: `'); drop table records; --` })).toEqual([])
      expect(await countMatchingRecords(db, T)).toBe(4)
    })

    test('a fragment naming a missing parameter is refused', async () => {
      await using db = await backend.open()
      await expect(
        queryRecords(db, { ...T, where: [{ text: 'r.fields->>$2 = $1', params: ['x'] }] }),
      ).rejects.toBeInstanceOf(StoreError)
      await expect(queryRecords(db, { ...T, limit: -1 })).rejects.toBeInstanceOf(StoreError)
    })
  })
}
