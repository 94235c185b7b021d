import { expect, test } from 'vitest'
import { enqueueMutations, getMutations, updateMutation, updateMutations } from './outbox.ts'
import { testBackends } from './test-backends.ts'

const T = { baseId: 'appBase000000001', tableId: 'tblMembers000001' }

for (const backend of testBackends()) {
  test(`${backend.name}: updateMutations patches each row with its own columns; null clears`, async () => {
    await using db = await backend.open()
    const ids = ['mutA', 'mutB', 'mutC']
    await enqueueMutations(
      db,
      ids.map((mutationId) => ({ mutationId, ...T, recordId: 'recX', op: 'update' as const })),
    )
    await updateMutation(db, 'mutA', {
      lastError: { type: 'X' },
      nextAttemptAt: '2026-01-01T00:00:00.000Z',
    })
    const matched = await updateMutations(db, [
      {
        mutationId: 'mutA',
        patch: { state: 'sending', attempts: 2, lastError: null, nextAttemptAt: null },
      },
      {
        mutationId: 'mutB',
        patch: { state: 'committed', recordId: 'recY', result: { id: 'recY' } },
      },
      { mutationId: 'mutMissing', patch: { state: 'failed' } },
    ])
    expect(matched).toBe(2)
    const [a, b, c] = await getMutations(db, ids)
    expect(a).toMatchObject({
      state: 'sending',
      attempts: 2,
      lastError: undefined,
      nextAttemptAt: undefined,
    })
    expect(b).toMatchObject({ state: 'committed', recordId: 'recY', result: { id: 'recY' } })
    expect(c).toMatchObject({ state: 'queued', attempts: 0 })
    // Cleared is SQL NULL, as a single update leaves it (not the jsonb null).
    const nulls = await db.query<{ n: unknown }>(
      `select count(*) as n from outbox where mutation_id = 'mutA' and last_error is null`,
    )
    expect(Number(nulls[0]?.n)).toBe(1)
  })
}
