/**
 * Idempotency keys: the first request with a key claims it; a replay gets the stored first
 * answer; the same key with a different request is a mismatch. Keys are per base and per caller
 * (`scope`), so callers cannot read each other's answers by guessing keys.
 */
import type { Db } from './db.ts'
import { jsonParam, numberOf } from './sql.ts'

/** Identifies one key. */
export interface IdempotencyKeyRef {
  baseId: string
  /** The caller (e.g. the JWT `sub` or `service`). */
  scope: string
  key: string
}

/** What claiming a key found. */
export type IdempotencyClaim =
  /** First use: go ahead, then {@link saveIdempotentResponse}. */
  | { status: 'claimed' }
  /** Seen before with the same request and answered: replay this. */
  | { status: 'replay'; statusCode: number; response: unknown; mutationIds: string[] }
  /** Seen before with the same request, still being handled. */
  | { status: 'in-progress'; mutationIds: string[] }
  /** Seen before with a different request. */
  | { status: 'mismatch' }

/**
 * Claims a key for a request (identified by `requestHash`, e.g. a hash of method, path and body).
 * Call it in the transaction that enqueues the request's mutations.
 */
export async function claimIdempotencyKey(
  db: Db,
  options: IdempotencyKeyRef & { requestHash: string; mutationIds?: readonly string[] },
): Promise<IdempotencyClaim> {
  const inserted = await db.query(
    `insert into idempotency (base_id, scope, key, request_hash, mutation_ids)
     values ($1, $2, $3, $4, $5) on conflict do nothing returning 1 as ok`,
    [
      options.baseId,
      options.scope,
      options.key,
      options.requestHash,
      [...(options.mutationIds ?? [])],
    ],
  )
  if (inserted.length > 0) return { status: 'claimed' }
  const rows = await db.query<{
    request_hash: string
    status: number | null
    response: unknown
    mutation_ids: string[]
  }>(
    `select request_hash, status, response, mutation_ids from idempotency
     where base_id = $1 and scope = $2 and key = $3`,
    [options.baseId, options.scope, options.key],
  )
  const row = rows[0]
  // Gone between the two statements (pruned): a fresh claim is the safe answer for a retry.
  if (row === undefined) return claimIdempotencyKey(db, options)
  if (row.request_hash !== options.requestHash) return { status: 'mismatch' }
  if (row.status === null) return { status: 'in-progress', mutationIds: row.mutation_ids }
  return {
    status: 'replay',
    statusCode: row.status,
    response: row.response,
    mutationIds: row.mutation_ids,
  }
}

/** Stores the first answer to a claimed key. */
export async function saveIdempotentResponse(
  db: Db,
  options: IdempotencyKeyRef & {
    statusCode: number
    response: unknown
    mutationIds?: readonly string[]
  },
): Promise<void> {
  await db.query(
    `update idempotency set status = $4, response = $5::jsonb,
       mutation_ids = coalesce($6::text[], mutation_ids)
     where base_id = $1 and scope = $2 and key = $3`,
    [
      options.baseId,
      options.scope,
      options.key,
      options.statusCode,
      jsonParam(options.response),
      options.mutationIds === undefined ? null : [...options.mutationIds],
    ],
  )
}

/**
 * Forgets keys older than `ageMs`, but never one whose mutations are still open (queued, sending
 * or held in a conflict): a retry of that request must still be deduplicated. A request replayed
 * after its key is gone claims it afresh. @returns how many keys were deleted
 */
export async function pruneIdempotencyKeys(
  db: Db,
  options: { ageMs: number; nowMs?: number },
): Promise<number> {
  const rows = await db.query<{ n: unknown }>(
    `with pruned as (
       delete from idempotency i
       where i.created_at < $1
         and not exists (
           select 1 from outbox o
           where o.mutation_id = any(i.mutation_ids) and o.state in ('queued', 'sending', 'conflict'))
       returning 1)
     select count(*) as n from pruned`,
    [new Date((options.nowMs ?? Date.now()) - options.ageMs)],
  )
  return numberOf(rows[0]?.n)
}
