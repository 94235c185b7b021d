import { describe, expect, test } from 'vitest'
import { readChangesAfter } from './feed.ts'
import { enqueueMutations, updateMutation, type MutationInput } from './outbox.ts'
import {
  countRecords,
  deleteRecords,
  deleteRecordsExcept,
  getRecord,
  getRecords,
  listRecordIds,
  loadTableRecords,
  replaceTable,
  upsertRecords,
} from './records.ts'
import { testBackends } from './test-backends.ts'

const T = { baseId: 'appBase000000001', tableId: 'tblMembers000001' }
const OTHER = { baseId: 'appBase000000001', tableId: 'tblHosts00000001' }

const alice = {
  id: 'recAlice00000001',
  createdTime: '2024-01-02T03:04:05.000Z',
  fields: {
    fldName: 'Alice 😀 "quoted" \\ back',
    fldAge: 41.5,
    fldTags: ['a', 'b'],
    fldLinks: ['recX', 'recY'],
    fldAttach: [{ id: 'att1', url: 'https://x/y.png', thumbnails: { small: { width: 36 } } }],
    fldDone: true,
    fldZero: 0,
    fldEmpty: '',
  },
}
const bob = {
  id: 'recBob0000000001',
  createdTime: '2024-01-01T00:00:00.000Z',
  fields: { fldName: 'Bob' },
}

for (const backend of testBackends()) {
  describe(`${backend.name}: records`, () => {
    test('round trip: jsonb keyed by field ID comes back equal, in creation order', async () => {
      await using db = await backend.open()
      const result = await upsertRecords(db, { ...T, records: [alice, bob], source: 'full-sync' })
      expect(result.created.sort()).toEqual([alice.id, bob.id].sort())
      expect(result.updated).toEqual([])
      const stored = await getRecord(db, { ...T, id: alice.id })
      expect(stored).toMatchObject({ id: alice.id, createdTime: alice.createdTime })
      expect(stored?.fields).toEqual(alice.fields)
      expect(await listRecordIds(db, T)).toEqual([bob.id, alice.id])
      expect((await loadTableRecords(db, T)).map((r) => r.fields)).toEqual([
        bob.fields,
        alice.fields,
      ])
      expect(await getRecord(db, { ...OTHER, id: alice.id })).toBeUndefined()
      expect((await getRecords(db, { ...T, ids: [alice.id, 'recNope'] })).map((r) => r.id)).toEqual(
        [alice.id],
      )
      expect(await countRecords(db, T.baseId)).toEqual(new Map([[T.tableId, 2]]))
    })

    test('rewriting the same values changes nothing and emits nothing', async () => {
      await using db = await backend.open()
      const first = await upsertRecords(db, { ...T, records: [alice], source: 'full-sync' })
      const reordered = {
        ...alice,
        fields: Object.fromEntries(Object.entries(alice.fields).reverse()),
      }
      const second = await upsertRecords(db, { ...T, records: [reordered], source: 'full-sync' })
      expect(second).toEqual({
        created: [],
        updated: [],
        unchanged: [alice.id],
        deleted: [],
        lastSeq: undefined,
      })
      const feed = await readChangesAfter(db, { afterSeq: 0, limit: 100 })
      expect(feed.map((c) => c.seq)).toEqual([first.lastSeq])
      expect((await getRecord(db, { ...T, id: alice.id }))?.lastSeq).toBe(first.lastSeq)
    })

    test('merge: an omitted field is untouched, null clears it; replace drops the rest', async () => {
      await using db = await backend.open()
      await upsertRecords(db, { ...T, records: [alice], source: 'full-sync' })
      const merged = await upsertRecords(db, {
        ...T,
        records: [{ id: alice.id, fields: { fldAge: 42, fldTags: null } }],
        mode: 'merge',
        source: 'webhook',
      })
      expect(merged.updated).toEqual([alice.id])
      const after = await getRecord(db, { ...T, id: alice.id })
      const expected: Record<string, unknown> = { ...alice.fields, fldAge: 42 }
      delete expected['fldTags']
      expect(after?.fields).toEqual(expected)
      expect(after?.createdTime).toBe(alice.createdTime)
      const feed = await readChangesAfter(db, { afterSeq: 0, limit: 10 })
      expect(feed[1]).toMatchObject({
        kind: 'updated',
        source: 'webhook',
        recordId: alice.id,
        changedFieldIds: ['fldAge', 'fldTags'],
        before: alice.fields,
        after: after?.fields,
      })
      await upsertRecords(db, {
        ...T,
        records: [{ id: alice.id, fields: { fldName: 'A' } }],
        source: 'full-sync',
      })
      expect((await getRecord(db, { ...T, id: alice.id }))?.fields).toEqual({ fldName: 'A' })
    })

    test('a record listed twice is applied in order and reported once', async () => {
      await using db = await backend.open()
      const result = await upsertRecords(db, {
        ...T,
        mode: 'merge',
        source: 'local',
        records: [
          { id: bob.id, fields: { fldName: 'Bob', fldAge: 1 } },
          { id: bob.id, fields: { fldAge: 2 } },
        ],
      })
      expect(result.created).toEqual([bob.id])
      expect((await getRecord(db, { ...T, id: bob.id }))?.fields).toEqual({
        fldName: 'Bob',
        fldAge: 2,
      })
      expect(await readChangesAfter(db, { afterSeq: 0, limit: 10 })).toHaveLength(1)
    })

    test('deletions are emitted with the last fields; unknown IDs emit nothing', async () => {
      await using db = await backend.open()
      await upsertRecords(db, { ...T, records: [alice, bob], source: 'full-sync' })
      const result = await deleteRecords(db, {
        ...T,
        ids: [alice.id, 'recNotThere00001'],
        source: 'webhook',
        actor: 'usrOps',
      })
      expect(result.deleted).toEqual([alice.id])
      expect(await getRecord(db, { ...T, id: alice.id })).toBeUndefined()
      const feed = await readChangesAfter(db, { afterSeq: 2, limit: 10 })
      expect(feed).toEqual([
        expect.objectContaining({
          seq: 3,
          kind: 'deleted',
          recordId: alice.id,
          before: alice.fields,
          after: undefined,
          actor: 'usrOps',
        }),
      ])
      expect(
        (await deleteRecords(db, { ...T, ids: [alice.id], source: 'webhook' })).lastSeq,
      ).toBeUndefined()
    })

    test('replaceTable: creates, updates and deletes only the differences', async () => {
      await using db = await backend.open()
      const carol = {
        id: 'recCarol00000001',
        createdTime: '2024-02-01T00:00:00.000Z',
        fields: { fldName: 'Carol' },
      }
      await upsertRecords(db, { ...T, records: [alice, bob], source: 'full-sync' })
      await upsertRecords(db, { ...OTHER, records: [bob], source: 'full-sync' })
      const result = await replaceTable(db, {
        ...T,
        source: 'resync',
        records: [carol, { ...alice, fields: { fldName: 'Alice' } }],
      })
      expect(result).toMatchObject({ created: [carol.id], updated: [alice.id], deleted: [bob.id] })
      expect(await listRecordIds(db, T)).toEqual([alice.id, carol.id])
      expect(await listRecordIds(db, OTHER)).toEqual([bob.id])
      const kinds = (await readChangesAfter(db, { afterSeq: 3, limit: 10 })).map((c) => [
        c.kind,
        c.recordId,
      ])
      expect(kinds.sort()).toEqual(
        [
          ['created', carol.id],
          ['deleted', bob.id],
          ['updated', alice.id],
        ].sort(),
      )
    })

    test('deleteRecordsExcept spares records changed after the given seq', async () => {
      await using db = await backend.open()
      const start = await upsertRecords(db, { ...T, records: [alice], source: 'full-sync' })
      await upsertRecords(db, { ...T, records: [bob], source: 'webhook' })
      const result = await deleteRecordsExcept(db, {
        ...T,
        keepIds: [],
        unchangedSinceSeq: start.lastSeq,
        source: 'full-sync',
      })
      expect(result.deleted).toEqual([alice.id])
      expect(await listRecordIds(db, T)).toEqual([bob.id])
    })

    test('deleteRecordsExcept spares records with open outbox mutations', async () => {
      await using db = await backend.open()
      const pending = { ...bob, id: 'tmpPendingCreate1' }
      await upsertRecords(db, { ...T, records: [alice, pending], source: 'local' })
      const mutation = (mutationId: string, recordId: string): MutationInput => ({
        mutationId,
        ...T,
        recordId,
        op: recordId === pending.id ? 'create' : 'update',
        fields: {},
      })
      await enqueueMutations(db, [mutation('mutCreate', pending.id), mutation('mutEdit', alice.id)])
      const sync = { ...T, keepIds: [], source: 'full-sync' } as const
      expect((await deleteRecordsExcept(db, sync)).deleted).toEqual([])
      await updateMutation(db, 'mutEdit', { state: 'committed' })
      expect((await deleteRecordsExcept(db, sync)).deleted).toEqual([alice.id])
      expect(await listRecordIds(db, T)).toEqual([pending.id])
    })

    test('a failed transaction leaves neither records nor feed entries', async () => {
      await using db = await backend.open()
      await expect(
        db.transaction(async (tx) => {
          await upsertRecords(tx, { ...T, records: [alice], source: 'local' })
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await listRecordIds(db, T)).toEqual([])
      expect(await readChangesAfter(db, { afterSeq: 0, limit: 10 })).toEqual([])
      const after = await upsertRecords(db, { ...T, records: [bob], source: 'local' })
      expect(after.lastSeq).toBe(1)
    })

    test('concurrent writers to the same records neither deadlock nor lose changes', async () => {
      await using db = await backend.open()
      const peers = backend.name === 'postgres' ? [await db.openPeer(), await db.openPeer()] : []
      const writers = [db, ...peers]
      try {
        await Promise.all(
          Array.from({ length: 15 }, (_, i) => {
            const ids = i % 2 === 0 ? ['recA', 'recB'] : ['recB', 'recA']
            return upsertRecords(writers[i % writers.length] ?? db, {
              ...T,
              mode: 'merge',
              source: 'local',
              records: ids.map((id) => ({ id, fields: { [`fld${i}`]: i } })),
            })
          }),
        )
      } finally {
        for (const peer of peers) await peer.close()
      }
      const expected = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`fld${i}`, i]))
      for (const id of ['recA', 'recB']) {
        expect((await getRecord(db, { ...T, id }))?.fields).toEqual(expected)
      }
      const feed = await readChangesAfter(db, { afterSeq: 0, limit: 100 })
      expect(feed.map((c) => c.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
      expect(feed.filter((c) => c.kind === 'created')).toHaveLength(2)
    }, 120_000)
  })
}
