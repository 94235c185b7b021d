/**
 * The change feed: every change to the mirror — from Airtable or from local writes — with a
 * sequence number. SSE streams it and clients resume by sequence number (`Last-Event-ID`).
 *
 * Invariants:
 * - `seq` is allocated from the `feed_head` row inside the writer's transaction. Its row lock makes
 *   feed writers commit one after another, so seqs are strictly increasing in commit order and
 *   gap-free (a rollback returns its numbers): "everything after N" read later never misses one.
 * - A transaction that writes the feed must take the feed lock ({@link lockFeed}) before it locks
 *   any record row; the repository functions here do, and callers that lock records themselves
 *   call `lockFeed` first. One lock order, no deadlocks.
 * - After COMMIT, `airsync_changes` carries `{"seq":N}`, N the transaction's highest seq.
 */
import { z } from 'zod'
import type { Fields } from '../protocol/index.ts'
import type { Db, Unlisten } from './db.ts'
import { StoreError } from './errors.ts'
import { isoOf, jsonParam, numberOf } from './sql.ts'

/** The channel announcing new feed entries, after commit. */
export const CHANGES_CHANNEL = 'airsync_changes'

/** What happened. `mutation`: a state change of an outbox mutation (committed, failed, ...). */
export type ChangeKind = 'created' | 'updated' | 'deleted' | 'mutation'

/** Who caused a change; later issues may add more. */
export type ChangeSource =
  'full-sync' | 'webhook' | 'poll' | 'resync' | 'reconcile' | 'local' | 'outbox' | 'test'

/** A feed entry to append. Fields are keyed by field ID. */
export interface ChangeInput {
  baseId: string
  tableId: string
  recordId?: string | undefined
  kind: ChangeKind
  source: ChangeSource
  /** The record's fields before the change (`undefined` for a creation). */
  before?: Fields | undefined
  /** The record's fields after the change (`undefined` for a deletion). */
  after?: Fields | undefined
  /** Field IDs whose value differs between before and after. */
  changedFieldIds?: readonly string[] | undefined
  mutationId?: string | undefined
  actor?: string | undefined
  /** Kind-specific detail, e.g. a mutation's state and error. */
  data?: unknown
}

/** A stored feed entry. */
export interface ChangeEntry {
  seq: number
  baseId: string
  tableId: string
  recordId: string | undefined
  kind: ChangeKind
  source: ChangeSource
  before: Fields | undefined
  after: Fields | undefined
  changedFieldIds: string[] | undefined
  mutationId: string | undefined
  actor: string | undefined
  data: unknown
  /** ISO time of the change. */
  at: string
}

/**
 * Takes the feed lock for the rest of the caller's transaction and returns the current last seq.
 * Call it first in a transaction that will lock record rows and then write the feed.
 */
export async function lockFeed(tx: Db): Promise<number> {
  assertTransaction(tx, 'lockFeed')
  const rows = await tx.query<{ last_seq: unknown }>(
    'select last_seq from feed_head where id for update',
  )
  return numberOf(rows[0]?.last_seq)
}

/**
 * Appends entries in order, numbering them consecutively, and announces the last seq on
 * {@link CHANGES_CHANNEL} at commit. Runs in the caller's transaction, or its own.
 * @returns the seqs given, in input order (empty for no entries)
 */
export function appendChanges(db: Db, entries: readonly ChangeInput[]): Promise<number[]> {
  if (entries.length === 0) return Promise.resolve([])
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ last_seq: unknown }>(
      'update feed_head set last_seq = last_seq + $1 where id returning last_seq',
      [entries.length],
    )
    const last = numberOf(rows[0]?.last_seq)
    const first = last - entries.length + 1
    const payload = entries.map((entry, index) => ({
      seq: first + index,
      base_id: entry.baseId,
      table_id: entry.tableId,
      record_id: entry.recordId ?? null,
      kind: entry.kind,
      source: entry.source,
      before: entry.before ?? null,
      after: entry.after ?? null,
      changed_field_ids: entry.changedFieldIds ?? null,
      mutation_id: entry.mutationId ?? null,
      actor: entry.actor ?? null,
      data: entry.data ?? null,
    }))
    await tx.query(
      `insert into change_feed (seq, base_id, table_id, record_id, kind, source, before, after,
         changed_field_ids, mutation_id, actor, data)
       select r.seq, r.base_id, r.table_id, r.record_id, r.kind, r.source, r.before, r.after,
         r.changed_field_ids, r.mutation_id, r.actor, r.data
       from jsonb_to_recordset($1::jsonb) as r(seq bigint, base_id text, table_id text,
         record_id text, kind text, source text, before jsonb, after jsonb,
         changed_field_ids text[], mutation_id text, actor text, data jsonb)`,
      [jsonParam(payload)],
    )
    await tx.notify(CHANGES_CHANNEL, JSON.stringify({ seq: last }))
    return payload.map((entry) => entry.seq)
  })
}

/** Which entries {@link readChangesAfter} returns. */
export interface ChangeFilter {
  baseId?: string
  /** Only these tables (IDs). */
  tableIds?: readonly string[]
}

/** Entries with seq greater than `afterSeq`, ascending, at most `limit`. */
export async function readChangesAfter(
  db: Db,
  options: { afterSeq: number; limit: number; filter?: ChangeFilter },
): Promise<ChangeEntry[]> {
  const { afterSeq, limit, filter = {} } = options
  const rows = await db.query<ChangeRow>(
    `select seq, base_id, table_id, record_id, kind, source, before, after, changed_field_ids,
       mutation_id, actor, data, at
     from change_feed
     where seq > $1
       and ($2::text is null or base_id = $2)
       and ($3::text[] is null or table_id = any($3::text[]))
     order by seq
     limit $4`,
    [afterSeq, filter.baseId ?? null, filter.tableIds ?? null, limit],
  )
  return rows.map(changeOf)
}

/** The mutations whose state changed in the feed entries after `afterSeq` up to `upToSeq`. */
export async function mutationsChangedBetween(
  db: Db,
  range: { afterSeq: number; upToSeq: number },
): Promise<Set<string>> {
  const rows = await db.query<{ mutation_id: string }>(
    `select mutation_id from change_feed
     where seq > $1 and seq <= $2 and kind = 'mutation' and mutation_id is not null`,
    [range.afterSeq, range.upToSeq],
  )
  return new Set(rows.map((row) => row.mutation_id))
}

/** The highest seq ever given (0 when none), whether or not it has been pruned since. */
export async function latestSeq(db: Db): Promise<number> {
  const rows = await db.query<{ last_seq: unknown }>('select last_seq from feed_head where id')
  return numberOf(rows[0]?.last_seq)
}

/** What the feed can still replay. */
export interface FeedBounds {
  /** The highest seq given. */
  latestSeq: number
  /** Every entry with seq ≤ this has been pruned; resuming after an older seq needs a reset. */
  prunedThrough: number
}

/** The feed's bounds: a client that last saw seq N can resume when N ≥ prunedThrough. */
export async function feedBounds(db: Db): Promise<FeedBounds> {
  const rows = await db.query<{ last_seq: unknown; pruned_through: unknown }>(
    'select last_seq, pruned_through from feed_head where id',
  )
  const row = rows[0]
  return { latestSeq: numberOf(row?.last_seq), prunedThrough: numberOf(row?.pruned_through) }
}

/**
 * Deletes entries older than `ageMs` (by their time) and records the highest seq pruned, so
 * resumers from before it are told to reset.
 * @returns the number of entries deleted
 */
export function pruneOlderThan(
  db: Db,
  options: { ageMs: number; nowMs?: number },
): Promise<number> {
  const cutoff = new Date((options.nowMs ?? Date.now()) - options.ageMs)
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ n: unknown; max_seq: unknown }>(
      `with pruned as (delete from change_feed where at < $1 returning seq)
       select count(*) as n, max(seq) as max_seq from pruned`,
      [cutoff],
    )
    const deleted = numberOf(rows[0]?.n)
    if (deleted === 0) return 0
    await tx.query('update feed_head set pruned_through = greatest(pruned_through, $1) where id', [
      numberOf(rows[0]?.max_seq),
    ])
    return deleted
  })
}

const notificationSchema = z.object({ seq: z.number().int().nonnegative() })

/**
 * Calls `handler` with the highest new seq after each commit that wrote the feed, from any
 * instance sharing the database. Notifications can be lost (a dropped connection): treat them as
 * a hint to read the feed, never as the feed.
 */
export function onChanges(db: Db, handler: (latestSeq: number) => void): Promise<Unlisten> {
  return db.listen(CHANGES_CHANNEL, (payload) => {
    const parsed = notificationSchema.safeParse(safeJson(payload))
    if (parsed.success) handler(parsed.data.seq)
  })
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

interface ChangeRow {
  seq: unknown
  base_id: string
  table_id: string
  record_id: string | null
  kind: ChangeKind
  source: ChangeSource
  before: Fields | null
  after: Fields | null
  changed_field_ids: string[] | null
  mutation_id: string | null
  actor: string | null
  data: unknown
  at: unknown
}

function changeOf(row: ChangeRow): ChangeEntry {
  return {
    seq: numberOf(row.seq),
    baseId: row.base_id,
    tableId: row.table_id,
    recordId: row.record_id ?? undefined,
    kind: row.kind,
    source: row.source,
    before: row.before ?? undefined,
    after: row.after ?? undefined,
    changedFieldIds: row.changed_field_ids ?? undefined,
    mutationId: row.mutation_id ?? undefined,
    actor: row.actor ?? undefined,
    data: row.data ?? undefined,
    at: isoOf(row.at),
  }
}

function assertTransaction(db: Db, what: string): void {
  if (!db.inTransaction) throw new StoreError(`${what} needs a transaction handle`)
}
