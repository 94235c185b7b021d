/**
 * Wire shapes of airsync's write path beyond Airtable's own (issue 4): the 202 answer of an
 * asynchronous write, a mutation's status (`GET /v1/mutations/{id}`), temporary record IDs, and
 * the `baseFields` body extension. Shared by the server and the SDK.
 *
 * Temporary record IDs: a create accepted by airsync has no Airtable ID yet, so it gets
 * `tmp` + 14 characters of [A-Za-z0-9] — the shape of an Airtable ID (airtable-api.md §1) with a
 * prefix Airtable never uses, so it can never be mistaken for a real one (the outbox planner
 * treats every ID that is not `rec…` as temporary). It names the record in the mirror, in later
 * writes (PATCH/DELETE of the temporary ID are accepted, and link cells may name it: such a write
 * is sent once the create commits, with the real ID) and in the feed until the writer replaces it
 * by Airtable's `rec…` ID; `GET /v1/mutations/{id}` then reports the real one.
 *
 * `baseFields` (airsync extension): a record in a write body may carry, beside `fields`, the
 * values its writer last saw (`"baseFields": {"Name": "old"}`, names or IDs). The writer compares
 * them with Airtable's current values to detect conflicts. Airtable itself would ignore the key.
 */
import { z } from 'zod'
import { newId } from './ids.ts'

/** The prefix of temporary record IDs. */
export const TEMP_RECORD_PREFIX = 'tmp'

const TEMP_ID_PATTERN = /^tmp[A-Za-z0-9]{14}$/

/** A fresh temporary record ID (see the module header). */
export function newTempRecordId(): string {
  return `${TEMP_RECORD_PREFIX}${newId('rec').slice(3)}`
}

/** True for a temporary record ID (`tmp` + 14 characters). */
export function isTempRecordId(value: string): boolean {
  return TEMP_ID_PATTERN.test(value)
}

/** The header asking for an immediate 202 (RFC 7240). */
export const PREFER_RESPOND_ASYNC = 'respond-async'

/** The header making a write replayable without effect. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key'

/** Where a mutation is: `queued`/`sending` pending; the rest final (`conflict` = held). */
export const mutationStateSchema = z.enum(['queued', 'sending', 'committed', 'failed', 'conflict'])
export type MutationStateName = z.infer<typeof mutationStateSchema>

/** One mutation of an accepted write. */
export const acceptedMutationSchema = z.object({
  /** `mut` + 14 characters. */
  id: z.string(),
  /** The record: real, or temporary for a create not yet committed. Absent for an upsert. */
  recordId: z.string().optional(),
  state: mutationStateSchema,
})
export type AcceptedMutation = z.infer<typeof acceptedMutationSchema>

/** The 202 body: the request's mutations, in request order (one per record). */
export const acceptedWriteSchema = z.object({ mutations: z.array(acceptedMutationSchema) })
export type AcceptedWrite = z.infer<typeof acceptedWriteSchema>

/** Why a mutation failed: Airtable's error (or the writer's), verbatim. */
export const mutationErrorSchema = z.object({
  type: z.string(),
  message: z.string(),
  status: z.number(),
})
export type MutationErrorBody = z.infer<typeof mutationErrorSchema>

/** `GET /v1/mutations/{id}`. */
export const mutationStatusSchema = z.object({
  id: z.string(),
  state: mutationStateSchema,
  op: z.enum(['create', 'update', 'replace', 'delete', 'upsert']),
  tableId: z.string(),
  /** Real once committed; temporary before for a create. */
  recordId: z.string().optional(),
  /** The temporary ID a create was given. */
  tempRecordId: z.string().optional(),
  attempts: z.number().int(),
  error: mutationErrorSchema.optional(),
  /** ISO times. */
  createdAt: z.string(),
  committedAt: z.string().optional(),
})
export type MutationStatusBody = z.infer<typeof mutationStatusSchema>
