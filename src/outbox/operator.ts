/**
 * What an operator does to a failed mutation (`POST /v1/outbox/{id}/retry|drop`, `airsync
 * outbox --retry|--drop`): send it again (`requeue`) or give it up (`drop`). Each is one
 * lifecycle action applied with the pure reducer, in one transaction with its audit entry and its
 * feed entry (whose NOTIFY wakes the writer), exactly as the writer applies its own.
 *
 * The mirror is not touched: a failed mutation's optimistic value was already taken back to
 * Airtable's when it failed, so a dropped one leaves the mirror as it is, and a re-queued one
 * shows in the mirror once Airtable has it (the writer puts Airtable's answer there).
 */
import { getMutations, lockFeed, type Db } from '../store/index.ts'
import { systemClock } from '../shared/index.ts'
import { lifecycleOf } from './store-mapping.ts'
import { applyTransitions, type WriterLogger } from './writer-apply.ts'

/** An operator's decision on a failed mutation. `by` is who (a user's `sub`, `service`). */
export interface OperatorAction {
  mutationId: string
  action: 'requeue' | 'drop'
  by: string
}

/** What {@link applyOperatorAction} did: `not-found` (no such mutation in the base) or `not-failed`. */
export type OperatorOutcome = 'requeued' | 'dropped' | 'not-found' | 'not-failed'

const quiet: WriterLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** Re-queues or drops failed mutation `mutationId` of `baseId`. */
export async function applyOperatorAction(
  db: Db,
  baseId: string,
  request: OperatorAction,
): Promise<OperatorOutcome> {
  return db.transaction(async (tx) => {
    // Feed lock first, as every transaction appending to the feed (src/store feed.ts).
    await lockFeed(tx)
    const [row] = await getMutations(tx, [request.mutationId])
    if (row?.baseId !== baseId) return 'not-found'
    // Only `failed` qualifies: a dropped mutation is stored as failed but is final.
    if (lifecycleOf(row).status !== 'failed') return 'not-failed'
    const atMs = systemClock.now()
    await applyTransitions(tx, { baseId, logger: quiet }, [
      {
        mutationId: row.mutationId,
        action: { type: request.action, by: request.by, atMs },
        auditDetail: { operator: true },
      },
    ])
    return request.action === 'requeue' ? 'requeued' : 'dropped'
  })
}
