/**
 * Idempotency key retention (`pruneIdempotencyKeys`): old keys go, fresh keys stay, a key whose
 * mutations are still open stays whatever its age, and a request replayed after its key went is
 * claimed afresh.
 */
import { expect, test } from 'vitest'
import type { Db } from './db.ts'
import { claimIdempotencyKey, pruneIdempotencyKeys, saveIdempotentResponse } from './idempotency.ts'
import { enqueueMutations, updateMutation, type MutationState } from './outbox.ts'
import { testBackends } from './test-backends.ts'

const BASE = 'appBase000000001'
const DAY_MS = 86_400_000

/** A key claimed `ageMs` ago for one mutation (in `state`, or none), answered 200. */
async function keyFor(
  db: Db,
  key: string,
  setup: { ageMs: number; state?: MutationState },
): Promise<void> {
  const mutationId = `mut-${key}`
  if (setup.state !== undefined) {
    await enqueueMutations(db, [
      { mutationId, baseId: BASE, tableId: 'tblA', recordId: 'rec1', op: 'update', fields: {} },
    ])
    await updateMutation(db, mutationId, { state: setup.state })
  }
  const mutationIds = setup.state === undefined ? [] : [mutationId]
  const ref = { baseId: BASE, scope: 'user-1', key }
  expect(await claimIdempotencyKey(db, { ...ref, requestHash: 'h', mutationIds })).toEqual({
    status: 'claimed',
  })
  await saveIdempotentResponse(db, { ...ref, statusCode: 200, response: { ok: key } })
  await db.query(
    `update idempotency set created_at = now() - make_interval(secs => $2::double precision / 1000)
     where key = $1`,
    [key, setup.ageMs],
  )
}

async function keys(db: Db): Promise<string[]> {
  const rows = await db.query<{ key: string }>('select key from idempotency order by key')
  return rows.map((row) => row.key)
}

for (const backend of testBackends()) {
  test(`${backend.name}: old keys go, fresh keys and keys of open mutations stay`, async () => {
    await using db = await backend.open()
    await keyFor(db, 'old-committed', { ageMs: 2 * DAY_MS, state: 'committed' })
    await keyFor(db, 'old-failed', { ageMs: 2 * DAY_MS, state: 'failed' })
    await keyFor(db, 'old-none', { ageMs: 2 * DAY_MS })
    await keyFor(db, 'old-queued', { ageMs: 2 * DAY_MS, state: 'queued' })
    await keyFor(db, 'old-sending', { ageMs: 2 * DAY_MS, state: 'sending' })
    await keyFor(db, 'old-held', { ageMs: 2 * DAY_MS, state: 'conflict' })
    await keyFor(db, 'fresh', { ageMs: DAY_MS / 2, state: 'committed' })

    expect(await pruneIdempotencyKeys(db, { ageMs: DAY_MS })).toBe(3)
    expect(await keys(db)).toEqual(['fresh', 'old-held', 'old-queued', 'old-sending'])
    // A retry of a request whose mutations are still open is still deduplicated.
    expect(
      await claimIdempotencyKey(db, {
        baseId: BASE,
        scope: 'user-1',
        key: 'old-queued',
        requestHash: 'h',
      }),
    ).toMatchObject({ status: 'replay', response: { ok: 'old-queued' } })

    // Once its mutation has settled, the key goes at the next pass.
    await updateMutation(db, 'mut-old-queued', { state: 'committed' })
    expect(await pruneIdempotencyKeys(db, { ageMs: DAY_MS })).toBe(1)
    expect(await keys(db)).toEqual(['fresh', 'old-held', 'old-sending'])
  })

  test(`${backend.name}: a request replayed after its key was pruned is a fresh claim`, async () => {
    await using db = await backend.open()
    await keyFor(db, 'k1', { ageMs: 2 * DAY_MS, state: 'committed' })
    const ref = { baseId: BASE, scope: 'user-1', key: 'k1', requestHash: 'h' }
    expect(await claimIdempotencyKey(db, ref)).toMatchObject({ status: 'replay' })
    expect(await pruneIdempotencyKeys(db, { ageMs: DAY_MS })).toBe(1)
    expect(await claimIdempotencyKey(db, ref)).toEqual({ status: 'claimed' })
    // The new claim is fresh: the next pass keeps it.
    expect(await pruneIdempotencyKeys(db, { ageMs: DAY_MS })).toBe(0)
    expect(await claimIdempotencyKey(db, ref)).toEqual({ status: 'in-progress', mutationIds: [] })
  })
}
