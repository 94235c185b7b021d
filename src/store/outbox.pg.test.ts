import { describe, expect, test } from 'vitest'
import { claimIdempotencyKey, pruneIdempotencyKeys, saveIdempotentResponse } from './idempotency.ts'
import {
  enqueueMutations,
  getMutations,
  listOpenMutationsNaming,
  listPendingMutations,
  outboxStats,
  updateMutation,
  type MutationInput,
} from './outbox.ts'
import { testBackends } from './test-backends.ts'

const BASE = 'appBase000000001'

function mutation(id: string, recordId: string, extra: Partial<MutationInput> = {}): MutationInput {
  return {
    mutationId: id,
    baseId: BASE,
    tableId: 'tblMembers000001',
    recordId,
    op: 'update',
    fields: { fldA: id },
    ...extra,
  }
}

for (const backend of testBackends()) {
  describe(`${backend.name}: outbox and idempotency rows`, () => {
    test('open mutations naming temporary IDs, in a link cell or baseFields, whole IDs only', async () => {
      await using db = await backend.open()
      const [tmpA, tmpB] = ['tmpAAAAAAAAAAAAAA', 'tmpBBBBBBBBBBBBBB']
      await enqueueMutations(db, [
        mutation('mutLink', 'rec1', { fields: { fldL: ['rec2', tmpA] } }),
        mutation('mutBase', 'rec2', { fields: { fldL: [] }, baseFields: { fldL: [tmpB] } }),
        mutation('mutLonger', 'rec3', { fields: { fldL: [`${tmpA}x`] } }),
        mutation('mutDone', 'rec4', { fields: { fldL: [tmpA] } }),
        mutation('mutNone', 'rec5'),
        {
          ...mutation('mutOther', 'rec6', { fields: { fldL: [tmpA] } }),
          baseId: 'appOther00000001',
        },
      ])
      await updateMutation(db, 'mutDone', { state: 'committed' })
      const naming = async (ids: string[]): Promise<string[]> =>
        (await listOpenMutationsNaming(db, { baseId: BASE, ids })).map((m) => m.mutationId)
      expect(await naming([tmpA, tmpB])).toEqual(['mutLink', 'mutBase'])
      expect(await naming([tmpB])).toEqual(['mutBase'])
      expect(await naming([])).toEqual([])
    })

    test('mutations keep enqueue order and move through states', async () => {
      await using db = await backend.open()
      const positions = await enqueueMutations(db, [
        mutation('mut3', 'rec1'),
        mutation('mut1', 'rec1', {
          baseFields: { fldA: 'old' },
          actor: 'user-1',
          requestId: 'req1',
        }),
        mutation('mut2', 'recTmp', { op: 'create', tempRecordId: 'recTmp', typecast: true }),
      ])
      expect(positions[0]! < positions[1]! && positions[1]! < positions[2]!).toBe(true)
      await enqueueMutations(db, [{ ...mutation('mutOther', 'rec9'), baseId: 'appOther00000001' }])
      const pending = await listPendingMutations(db, { baseId: BASE, limit: 10 })
      expect(pending.map((m) => m.mutationId)).toEqual(['mut3', 'mut1', 'mut2'])
      expect(pending[1]).toMatchObject({
        state: 'queued',
        attempts: 0,
        baseFields: { fldA: 'old' },
        actor: 'user-1',
      })
      expect(pending[2]).toMatchObject({ op: 'create', tempRecordId: 'recTmp', typecast: true })

      const later = new Date(Date.now() + 60_000).toISOString()
      expect(
        await updateMutation(db, 'mut3', { state: 'sending', attempts: 1, nextAttemptAt: later }),
      ).toBe(true)
      expect(
        await updateMutation(db, 'mut2', {
          state: 'committed',
          recordId: 'recReal',
          result: { id: 'recReal' },
          committedAt: later,
        }),
      ).toBe(true)
      expect(
        await updateMutation(db, 'mut1', {
          state: 'failed',
          lastError: { type: 'INVALID_VALUE_FOR_COLUMN' },
        }),
      ).toBe(true)
      expect(await updateMutation(db, 'mutNope', { state: 'failed' })).toBe(false)
      expect(await listPendingMutations(db, { baseId: BASE, limit: 10 })).toEqual([])
      expect(
        (
          await listPendingMutations(db, { baseId: BASE, limit: 10, nowMs: Date.now() + 120_000 })
        ).map((m) => m.mutationId),
      ).toEqual(['mut3'])
      const [m2] = await getMutations(db, ['mut2'])
      expect(m2).toMatchObject({
        state: 'committed',
        recordId: 'recReal',
        tempRecordId: 'recTmp',
        result: { id: 'recReal' },
        committedAt: later,
      })
      await updateMutation(db, 'mut3', { nextAttemptAt: null })
      expect((await getMutations(db, ['mut3']))[0]?.nextAttemptAt).toBeUndefined()
      const stats = await outboxStats(db, BASE)
      expect(stats).toMatchObject({ depth: 1, failed: 1, conflict: 0 })
      expect(stats.oldestPendingAt).toBeDefined()
      await expect(updateMutation(db, 'mut3', { state: 'lost' as 'failed' })).rejects.toThrow()
    })

    test('idempotency: claim, in progress, replay, mismatch, per caller', async () => {
      await using db = await backend.open()
      const ref = { baseId: BASE, scope: 'user-1', key: 'k1' }
      expect(
        await claimIdempotencyKey(db, { ...ref, requestHash: 'h1', mutationIds: ['mut1'] }),
      ).toEqual({ status: 'claimed' })
      expect(await claimIdempotencyKey(db, { ...ref, requestHash: 'h1' })).toEqual({
        status: 'in-progress',
        mutationIds: ['mut1'],
      })
      await saveIdempotentResponse(db, {
        ...ref,
        statusCode: 200,
        response: { records: [{ id: 'rec1' }] },
      })
      expect(await claimIdempotencyKey(db, { ...ref, requestHash: 'h1' })).toEqual({
        status: 'replay',
        statusCode: 200,
        response: { records: [{ id: 'rec1' }] },
        mutationIds: ['mut1'],
      })
      expect(await claimIdempotencyKey(db, { ...ref, requestHash: 'h2' })).toEqual({
        status: 'mismatch',
      })
      expect(await claimIdempotencyKey(db, { ...ref, scope: 'user-2', requestHash: 'h2' })).toEqual(
        { status: 'claimed' },
      )
      expect(await pruneIdempotencyKeys(db, { ageMs: 0, nowMs: Date.now() + 60_000 })).toBe(2)
      expect(await claimIdempotencyKey(db, { ...ref, requestHash: 'h2' })).toEqual({
        status: 'claimed',
      })
    })
  })
}
