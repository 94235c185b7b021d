/**
 * The outbox table: durable mutations waiting to reach Airtable. Rows only — the lifecycle
 * (coalescing, batching, the state reducer, the one writer per base) belongs to src/outbox, which
 * writes a mutation in the same transaction as the optimistic mirror update, its change-feed
 * entry and its audit entry, by passing its transaction handle to each function here.
 *
 * `position` is the global enqueue order: per-record order is position order.
 */
import type { Fields } from '../protocol/index.ts'
import type { Db } from './db.ts'
import { updatePatch, updatePatches, type ColumnSpec } from './patch-sql.ts'
import { isoOf, isoOrUndefined, jsonParam, numberOf } from './sql.ts'

/** What a mutation does. */
export type MutationOp = 'create' | 'update' | 'replace' | 'delete' | 'upsert'

/** Where a mutation is in its life. */
export type MutationState = 'queued' | 'sending' | 'committed' | 'failed' | 'conflict'

/** A mutation to enqueue. Fields are keyed by field ID. */
export interface MutationInput {
  mutationId: string
  baseId: string
  tableId: string
  /** The record's ID: real, or temporary for a create until Airtable answers. */
  recordId?: string | undefined
  tempRecordId?: string | undefined
  op: MutationOp
  fields?: Fields | undefined
  /** The values the writer last saw, for three-way conflict checks. */
  baseFields?: Fields | undefined
  /** performUpsert's fieldsToMergeOn (field IDs). */
  mergeFieldIds?: readonly string[] | undefined
  typecast?: boolean | undefined
  /** Groups the mutations of one API request. */
  requestId?: string | undefined
  idempotencyKey?: string | undefined
  actor?: string | undefined
}

/** A stored mutation. Times are ISO strings. */
export interface StoredMutation extends MutationInput {
  position: number
  state: MutationState
  attempts: number
  nextAttemptAt: string | undefined
  firstSentAt: string | undefined
  lastError: unknown
  /** Airtable's answer (the record), once committed. */
  result: unknown
  createdAt: string
  updatedAt: string
  committedAt: string | undefined
}

/** Enqueues mutations in order (state `queued`). @returns their positions */
export async function enqueueMutations(
  db: Db,
  mutations: readonly MutationInput[],
): Promise<number[]> {
  if (mutations.length === 0) return []
  const payload = mutations.map((m, ord) => ({
    ord,
    mutation_id: m.mutationId,
    base_id: m.baseId,
    table_id: m.tableId,
    record_id: m.recordId ?? null,
    temp_record_id: m.tempRecordId ?? null,
    op: m.op,
    fields: m.fields ?? null,
    base_fields: m.baseFields ?? null,
    merge_field_ids: m.mergeFieldIds ?? null,
    typecast: m.typecast ?? false,
    request_id: m.requestId ?? null,
    idempotency_key: m.idempotencyKey ?? null,
    actor: m.actor ?? null,
  }))
  const rows = await db.query<{ mutation_id: string; position: unknown }>(
    `insert into outbox (mutation_id, base_id, table_id, record_id, temp_record_id, op, fields,
       base_fields, merge_field_ids, typecast, request_id, idempotency_key, actor)
     select m.mutation_id, m.base_id, m.table_id, m.record_id, m.temp_record_id, m.op, m.fields,
       m.base_fields, m.merge_field_ids, m.typecast, m.request_id, m.idempotency_key, m.actor
     from jsonb_to_recordset($1::jsonb) as m(ord integer, mutation_id text, base_id text,
       table_id text, record_id text, temp_record_id text, op text, fields jsonb,
       base_fields jsonb, merge_field_ids text[], typecast boolean, request_id text,
       idempotency_key text, actor text)
     order by m.ord
     returning mutation_id, position`,
    [jsonParam(payload)],
  )
  const byId = new Map(rows.map((row) => [row.mutation_id, numberOf(row.position)]))
  return mutations.map((m) => byId.get(m.mutationId) ?? 0)
}

/** Mutations by ID (missing IDs skipped), in position order. */
export async function getMutations(db: Db, ids: readonly string[]): Promise<StoredMutation[]> {
  const rows = await db.query<MutationRow>(
    'select * from outbox where mutation_id = any($1::text[]) order by position',
    [[...ids]],
  )
  return rows.map(mutationOf)
}

/** The states of these mutations by ID (unknown IDs absent): a cheap check before loading rows. */
export async function getMutationStates(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const rows = await db.query<{ mutation_id: string; state: string }>(
    'select mutation_id, state from outbox where mutation_id = any($1::text[])',
    [[...ids]],
  )
  return new Map(rows.map((row) => [row.mutation_id, row.state]))
}

/**
 * A base's mutations still to send (`queued`, or `sending` with an unknown outcome), in position
 * order, skipping those whose `nextAttemptAt` is after `nowMs`.
 */
export async function listPendingMutations(
  db: Db,
  options: { baseId: string; limit: number; nowMs?: number },
): Promise<StoredMutation[]> {
  const rows = await db.query<MutationRow>(
    `select * from outbox
     where base_id = $1 and state in ('queued', 'sending')
       and (next_attempt_at is null or next_attempt_at <= $2)
     order by position limit $3`,
    [options.baseId, new Date(options.nowMs ?? Date.now()), options.limit],
  )
  return rows.map(mutationOf)
}

/**
 * A base's open mutations — `queued`, `sending` and held (`conflict`) — in position order, due or
 * not: the writer needs every one of them, since an unsent mutation fences the later mutations of
 * its record (per-record order).
 */
export async function listOpenMutations(
  db: Db,
  options: { baseId: string; limit: number; recordId?: string; afterPosition?: number },
): Promise<StoredMutation[]> {
  const rows = await db.query<MutationRow>(
    `select * from outbox
     where base_id = $1 and state in ('queued', 'sending', 'conflict')
       and ($3::text is null or record_id = $3) and position > $4
     order by position limit $2`,
    [options.baseId, options.limit, options.recordId ?? null, options.afterPosition ?? 0],
  )
  return rows.map(mutationOf)
}

/** The mutations a held conflict holds (state `conflict`, `result.conflictId`), in order. */
export async function listHeldMutations(db: Db, conflictId: string): Promise<StoredMutation[]> {
  const rows = await db.query<MutationRow>(
    `select * from outbox where state = 'conflict' and result->>'conflictId' = $1
     order by position`,
    [conflictId],
  )
  return rows.map(mutationOf)
}

/** The creates of a base that were given these temporary record IDs, in position order. */
export async function findCreatesByTempIds(
  db: Db,
  options: { baseId: string; tempRecordIds: readonly string[] },
): Promise<StoredMutation[]> {
  if (options.tempRecordIds.length === 0) return []
  const rows = await db.query<MutationRow>(
    `select * from outbox where base_id = $1 and temp_record_id = any($2::text[])
       and op in ('create', 'upsert')
     order by position`,
    [options.baseId, [...options.tempRecordIds]],
  )
  return rows.map(mutationOf)
}

/**
 * Points the open mutations of record `from` (a temporary ID) at `to` (Airtable's ID), once the
 * create behind `from` has committed. @returns how many rows changed
 */
export async function reassignRecordId(
  db: Db,
  options: { baseId: string; from: string; to: string },
): Promise<number> {
  const rows = await db.query(
    `update outbox set record_id = $3, updated_at = now()
     where base_id = $1 and record_id = $2 and state in ('queued', 'sending', 'conflict')
     returning mutation_id`,
    [options.baseId, options.from, options.to],
  )
  return rows.length
}

/**
 * A base's open mutations whose `fields` or `baseFields` hold one of `ids` (temporary record IDs,
 * `tmp…`) as a string anywhere — a link cell naming it — in position order: the caller rewrites
 * them once the creates behind `ids` have committed. One scan of the open rows.
 */
export async function listOpenMutationsNaming(
  db: Db,
  options: { baseId: string; ids: readonly string[] },
): Promise<StoredMutation[]> {
  if (options.ids.length === 0) return []
  // Each row's text once; rows without a temporary-looking string skip the per-ID search.
  const rows = await db.query<MutationRow>(
    `select o.* from outbox o
     cross join lateral (select coalesce(o.fields::text, '') || coalesce(o.base_fields::text, '')
       as t) x
     where o.base_id = $1 and o.state in ('queued', 'sending', 'conflict')
       and strpos(x.t, '"tmp') > 0
       and exists (select 1 from unnest($2::text[]) as i(id) where strpos(x.t, i.id) > 0)
     order by o.position`,
    [options.baseId, options.ids.map((id) => JSON.stringify(id))],
  )
  return rows.map(mutationOf)
}

/**
 * Record IDs that committed mutations of a table created or adopted since `sinceMs`: a
 * reconciliation must never adopt a record another mutation already owns.
 */
export async function committedCreateRecordIds(
  db: Db,
  options: { baseId: string; tableId: string; sinceMs: number },
): Promise<string[]> {
  const rows = await db.query<{ record_id: string }>(
    `select distinct record_id from outbox
     where base_id = $1 and table_id = $2 and op in ('create', 'upsert') and state = 'committed'
       and record_id is not null and committed_at >= $3`,
    [options.baseId, options.tableId, new Date(options.sinceMs)],
  )
  return rows.map((row) => row.record_id)
}

/** One field of one record (field ID). */
export interface RecordFieldRef {
  tableId: string
  recordId: string
  fieldId: string
}

/** What airsync's latest committed mutation of a record wrote to a field, and when it was made. */
export interface CommittedFieldWrite extends RecordFieldRef {
  value: unknown
  /** When the mutation was accepted (the edit time latest-wins compares). */
  createdAt: string
}

/**
 * For each field asked, the latest committed mutation of its record that wrote it (absent when
 * none did), in one query: Airtable stamps airsync's own writes at commit, later than the edits.
 */
export async function lastCommittedFieldWrites(
  db: Db,
  options: { baseId: string; fields: readonly RecordFieldRef[] },
): Promise<CommittedFieldWrite[]> {
  if (options.fields.length === 0) return []
  const wanted = options.fields.map((f) => ({
    table_id: f.tableId,
    record_id: f.recordId,
    field_id: f.fieldId,
  }))
  const rows = await db.query<{
    table_id: string
    record_id: string
    field_id: string
    value: unknown
    created_at: unknown
  }>(
    `select distinct on (w.table_id, w.record_id, w.field_id)
       w.table_id, w.record_id, w.field_id, o.fields -> w.field_id as value, o.created_at
     from jsonb_to_recordset($2::jsonb) as w(table_id text, record_id text, field_id text)
     join outbox o on o.base_id = $1 and o.table_id = w.table_id and o.record_id = w.record_id
       and o.state = 'committed' and o.fields ? w.field_id
     order by w.table_id, w.record_id, w.field_id, o.position desc`,
    [options.baseId, jsonParam(wanted)],
  )
  return rows.map((row) => ({
    tableId: row.table_id,
    recordId: row.record_id,
    fieldId: row.field_id,
    value: row.value,
    createdAt: isoOf(row.created_at),
  }))
}

/** A change to a mutation: omitted = untouched, `null` = cleared. */
export interface MutationPatch {
  state?: MutationState
  recordId?: string | null
  attempts?: number
  nextAttemptAt?: string | null
  firstSentAt?: string | null
  lastError?: unknown
  result?: unknown
  committedAt?: string | null
  /** Rewritten when a held conflict is settled. */
  fields?: Fields | null
  baseFields?: Fields | null
}

const MUTATION_COLUMNS: Record<keyof MutationPatch, ColumnSpec> = {
  state: { column: 'state', type: 'text' },
  recordId: { column: 'record_id', type: 'text' },
  attempts: { column: 'attempts', type: 'integer' },
  nextAttemptAt: { column: 'next_attempt_at', type: 'timestamptz' },
  firstSentAt: { column: 'first_sent_at', type: 'timestamptz' },
  lastError: { column: 'last_error', type: 'jsonb' },
  result: { column: 'result', type: 'jsonb' },
  committedAt: { column: 'committed_at', type: 'timestamptz' },
  fields: { column: 'fields', type: 'jsonb' },
  baseFields: { column: 'base_fields', type: 'jsonb' },
}

/** Updates a mutation. @returns false when there is no such mutation */
export function updateMutation(db: Db, mutationId: string, patch: MutationPatch): Promise<boolean> {
  return updatePatch(
    db,
    { table: 'outbox', keys: { mutation_id: mutationId }, columns: MUTATION_COLUMNS },
    patch,
  )
}

/** Updates many mutations (one statement per distinct set of patched columns). */
export function updateMutations(
  db: Db,
  updates: readonly { mutationId: string; patch: MutationPatch }[],
): Promise<number> {
  return updatePatches(
    db,
    { table: 'outbox', key: 'mutation_id', columns: MUTATION_COLUMNS },
    updates.map(({ mutationId, patch }) => ({ key: mutationId, patch })),
  )
}

/**
 * A base's failed mutations (`airsync outbox`, `GET /v1/outbox`), newest first. Dropped ones are
 * stored as `failed` too (src/outbox store-mapping.ts) and are left out: an operator settled them.
 */
export async function listFailedMutations(
  db: Db,
  options: { baseId: string; limit: number },
): Promise<StoredMutation[]> {
  const rows = await db.query<MutationRow>(
    `select * from outbox
     where base_id = $1 and state = 'failed' and coalesce(last_error->>'type', '') <> 'DROPPED'
     order by position desc limit $2`,
    [options.baseId, options.limit],
  )
  return rows.map(mutationOf)
}

/** What `airsync outbox` shows for a base. */
export interface OutboxStats {
  /** Mutations queued or sending. */
  depth: number
  /** ISO time of the oldest pending mutation. */
  oldestPendingAt: string | undefined
  failed: number
  conflict: number
}

/** Depth, age and failures of a base's outbox. */
export async function outboxStats(db: Db, baseId: string): Promise<OutboxStats> {
  const rows = await db.query<{
    depth: unknown
    oldest: unknown
    failed: unknown
    conflict: unknown
  }>(
    `select count(*) filter (where state in ('queued', 'sending')) as depth,
       min(created_at) filter (where state in ('queued', 'sending')) as oldest,
       count(*) filter (where state = 'failed') as failed,
       count(*) filter (where state = 'conflict') as conflict
     from outbox where base_id = $1`,
    [baseId],
  )
  const row = rows[0]
  return {
    depth: numberOf(row?.depth),
    oldestPendingAt: isoOrUndefined(row?.oldest),
    failed: numberOf(row?.failed),
    conflict: numberOf(row?.conflict),
  }
}

interface MutationRow {
  mutation_id: string
  position: unknown
  base_id: string
  table_id: string
  record_id: string | null
  temp_record_id: string | null
  op: MutationOp
  fields: Fields | null
  base_fields: Fields | null
  merge_field_ids: string[] | null
  typecast: boolean
  state: MutationState
  attempts: number
  next_attempt_at: unknown
  first_sent_at: unknown
  last_error: unknown
  result: unknown
  request_id: string | null
  idempotency_key: string | null
  actor: string | null
  created_at: unknown
  updated_at: unknown
  committed_at: unknown
}

function mutationOf(row: MutationRow): StoredMutation {
  return {
    mutationId: row.mutation_id,
    position: numberOf(row.position),
    baseId: row.base_id,
    tableId: row.table_id,
    recordId: row.record_id ?? undefined,
    tempRecordId: row.temp_record_id ?? undefined,
    op: row.op,
    fields: row.fields ?? undefined,
    baseFields: row.base_fields ?? undefined,
    mergeFieldIds: row.merge_field_ids ?? undefined,
    typecast: row.typecast,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: isoOrUndefined(row.next_attempt_at),
    firstSentAt: isoOrUndefined(row.first_sent_at),
    lastError: row.last_error ?? undefined,
    result: row.result ?? undefined,
    requestId: row.request_id ?? undefined,
    idempotencyKey: row.idempotency_key ?? undefined,
    actor: row.actor ?? undefined,
    createdAt: isoOf(row.created_at),
    updatedAt: isoOf(row.updated_at),
    committedAt: isoOrUndefined(row.committed_at),
  }
}
