/**
 * What a failed request means for each mutation in it, as a lifecycle action (pure, STYLE habit
 * 11). The Airtable client has already retried what it safely could; this decides the outbox's
 * longer game:
 * - Airtable refused it (4xx but 429): `fail` — the writer is told, the mirror reverts.
 * - 429: `retry` after the penalty (`Retry-After`, else 30 s): the limiter pauses the base too.
 * - It may have been applied (timeout, reset after sending, 5xx) and the request is a plain
 *   create: `outcome-unknown` — reconcile before sending again, however many attempts were made,
 *   since giving up on a create that did land would report a lie.
 * - Otherwise `retry` with exponential backoff and full jitter, until `maxAttempts`, then `fail`.
 *   PATCH, PUT, delete and upsert are repeated as they are: sending them twice leaves the same
 *   record. A repeated delete finds its record gone — Airtable answers 422 ROW_DOES_NOT_EXIST
 *   naming it (or 404) — which the shell treats as done ({@link isGoneFor}); Airtable refuses
 *   such a batch as a whole, so the batch's other deletes were not applied and go again at once.
 */
import { classifyError, mayHaveBeenApplied, type AirtableError } from '../airtable/index.ts'
import type { RequestKind } from './batch.ts'
import type { MutationAction, MutationError } from './mutation.ts'

/** How hard the outbox keeps trying. */
export interface OutboxRetryPolicy {
  /** Sends in all before a retriable failure becomes final. @default 10 */
  maxAttempts: number
  /** Backoff ceiling before the first retry, ms. @default 1000 */
  baseDelayMs: number
  /** Largest backoff, ms. @default 60000 */
  maxDelayMs: number
  /** Pause after a 429 without `Retry-After`, ms (Airtable's penalty). @default 30000 */
  rateLimitPenaltyMs: number
}

export const DEFAULT_OUTBOX_RETRY_POLICY: Readonly<OutboxRetryPolicy> = {
  maxAttempts: 10,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  rateLimitPenaltyMs: 30_000,
}

/** Input of {@link failureAction}. */
export interface FailureInput {
  error: AirtableError
  /** The request the mutation was in. */
  kind: RequestKind
  /** Sends so far, the failed one included. */
  attempts: number
  atMs: number
  /** `Math.random` in production; fixed in tests. */
  random: () => number
  latencyMs?: number
  policy?: Partial<OutboxRetryPolicy>
}

/** The plain error the outbox keeps. */
export function mutationErrorOf(error: AirtableError): MutationError {
  return { type: error.type, message: error.message, status: error.status }
}

/** The record a ROW_DOES_NOT_EXIST error names (`Record ID rec… does not exist…`), if any. */
export function missingRecordIdOf(error: AirtableError): string | undefined {
  if (error.type !== 'ROW_DOES_NOT_EXIST') return undefined
  return /Record ID (rec[A-Za-z0-9]{14})\b/.exec(error.message)?.[1]
}

/**
 * True when a failed delete of `recordId` means the record is already gone: 404, or Airtable's
 * 422 ROW_DOES_NOT_EXIST naming it (a retried delete whose first attempt landed, e.g. after a
 * 5xx that came after the commit, or a record ops deleted). The delete is then done.
 */
export function isGoneFor(error: AirtableError, recordId: string | undefined): boolean {
  return error.status === 404 || (recordId !== undefined && missingRecordIdOf(error) === recordId)
}

/** The lifecycle action for a mutation whose request failed. Pure. */
export function failureAction(input: FailureInput): MutationAction {
  const policy = { ...DEFAULT_OUTBOX_RETRY_POLICY, ...input.policy }
  const error = mutationErrorOf(input.error)
  const latency = input.latencyMs === undefined ? {} : { latencyMs: input.latencyMs }
  // A batch delete naming a missing record is refused whole: this one was not applied (the
  // missing one is done, see isGoneFor), so it goes again at once.
  if (input.kind === 'delete' && missingRecordIdOf(input.error) !== undefined) {
    return { type: 'retry', error, nextAttemptAtMs: input.atMs, ...latency }
  }
  const kind = classifyError(input.error)
  if (kind === 'fatal') return { type: 'fail', error, atMs: input.atMs, ...latency }
  if (kind === 'rateLimited') {
    const delayMs = input.error.retryAfterMs ?? policy.rateLimitPenaltyMs
    return { type: 'retry', error, nextAttemptAtMs: input.atMs + delayMs, ...latency }
  }
  const mayHaveLanded = input.error.outcomeUnknown || mayHaveBeenApplied(input.error)
  if (input.kind === 'create' && mayHaveLanded) {
    return { type: 'outcome-unknown', error, atMs: input.atMs, ...latency }
  }
  if (input.attempts >= policy.maxAttempts)
    return { type: 'fail', error, atMs: input.atMs, ...latency }
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, input.attempts - 1),
  )
  const delayMs = Math.floor(input.random() * ceiling)
  return { type: 'retry', error, nextAttemptAtMs: input.atMs + delayMs, ...latency }
}
