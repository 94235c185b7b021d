/**
 * The change stream's wire format (`GET /v1/events`, issue 5), shared by the server and the SDK.
 * Server-Sent Events, UTF-8, one event per change the caller may see:
 *
 * ```
 * retry: 3000                           (once, at the start)
 *
 * id: 42                                (the change feed's seq: resume with Last-Event-ID: 42)
 * event: record.updated                 (the event's `type`, also inside `data`)
 * data: {"type":"record.updated","seq":42,"baseId":"app…","tableId":"tbl…",…}
 *
 * : heartbeat                           (a comment every 15 s by default; ignore it)
 * ```
 *
 * Invariants the SDK can rely on:
 * - Events arrive in ascending `seq`, each at most once per connection; seqs the caller may not
 *   see are skipped, so gaps in `seq` are normal. Reconnecting with the last `id` received
 *   continues exactly after it: nothing missed, nothing repeated.
 * - `record.*` carry only the fields the caller may read, keyed by name, in Airtable's JSON cell
 *   format (as `/v0` with the default `cellFormat=json`); empty cells are omitted, as Airtable does.
 *   `record.updated` is an upsert: a row that has just entered the caller's view arrives as one.
 * - A row that leaves the caller's view (their row filter admitted it before the change, not after)
 *   arrives as `record.deleted`, exactly like a deletion: drop it from caches.
 * - `mutation.*` go only to the mutation's actor, admins and the service key.
 * - `reset`: the resume point is older than the feed's retention (or unknown to this server). The
 *   stream continues live after `seq`; the client refetches what it caches, then applies what
 *   follows. Its `id` is `seq`, so a later reconnect resumes from there.
 */
import { z } from 'zod'

/** The record event types. */
export const RECORD_EVENT_TYPES = ['record.created', 'record.updated', 'record.deleted'] as const
/** The mutation event types: a queued write's final outcome. */
export const MUTATION_EVENT_TYPES = [
  'mutation.committed',
  'mutation.failed',
  'mutation.conflict',
] as const

const seqSchema = z.number().int().nonnegative()

/** A record created, changed or removed from the caller's view. */
export const recordEventSchema = z.object({
  type: z.enum(RECORD_EVENT_TYPES),
  seq: seqSchema,
  baseId: z.string(),
  tableId: z.string(),
  tableName: z.string(),
  recordId: z.string(),
  /** Readable cells by field name (empty for `record.deleted`). */
  fields: z.record(z.string(), z.unknown()),
  /** For `record.updated`: names of the readable fields whose value changed. */
  changedFields: z.array(z.string()).optional(),
  /** What caused the change: `webhook`, `poll`, `full-sync`, `resync`, `local`, `outbox`, … */
  source: z.string(),
  /** ISO time the change entered the feed. */
  at: z.string(),
})
export type RecordEvent = z.infer<typeof recordEventSchema>

/** An error as mutation events carry it: Airtable's `type` verbatim and its message. */
export const mutationEventErrorSchema = z.object({ type: z.string(), message: z.string() })

/** The final outcome of a queued write. */
export const mutationEventSchema = z.object({
  type: z.enum(MUTATION_EVENT_TYPES),
  seq: seqSchema,
  mutationId: z.string(),
  /** The record written (its real ID once committed), when known. */
  recordId: z.string().optional(),
  /** The temporary ID a create was accepted under (`tmp…`), now replaced by `recordId`. */
  tempRecordId: z.string().optional(),
  tableId: z.string().optional(),
  error: mutationEventErrorSchema.optional(),
  at: z.string(),
})
export type MutationEvent = z.infer<typeof mutationEventSchema>

/** Why a stream was reset. */
export const RESET_REASONS = ['expired', 'unknown'] as const

/** The resume point cannot be honoured; refetch, then continue after `seq`. */
export const resetEventSchema = z.object({
  type: z.literal('reset'),
  seq: seqSchema,
  /** `expired`: older than the retention; `unknown`: ahead of this server's feed. */
  reason: z.enum(RESET_REASONS),
})
export type ResetEvent = z.infer<typeof resetEventSchema>

/** Any event of the stream, discriminated by `type` (also the SSE `event:` name). */
export const streamEventSchema = z.discriminatedUnion('type', [
  recordEventSchema,
  mutationEventSchema,
  resetEventSchema,
])
export type StreamEvent = z.infer<typeof streamEventSchema>
export type StreamEventType = StreamEvent['type']

/**
 * What the change feed's `data` holds for a `mutation` entry (written by the outbox writer on
 * each final state). Loose: states other than the three final ones are not streamed.
 */
export const mutationChangeDataSchema = z.looseObject({
  state: z.string(),
  recordId: z.string().optional(),
  tempRecordId: z.string().optional(),
  error: z.looseObject({ type: z.string(), message: z.string() }).optional(),
})
export type MutationChangeData = z.infer<typeof mutationChangeDataSchema>
