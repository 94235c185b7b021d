/**
 * The audit log: append-only (UPDATE is refused by a trigger), one entry per write and per
 * ingested change — who, source, table, record, before, after, outcome, attempts, latency.
 * Retention deletes old entries; nothing else removes or edits them.
 */
import type { Fields } from '../protocol/index.ts'
import type { Db } from './db.ts'
import { isoOf, jsonParam, numberOf } from './sql.ts'

/** An entry to append. */
export interface AuditInput {
  baseId: string
  tableId?: string | undefined
  recordId?: string | undefined
  mutationId?: string | undefined
  /**
   * Who: a user's `sub`, `service`; for changes made in Airtable `airtable:<user ID>` (a
   * collaborator or token owner), `airtable:<source>` (automation, form, sync, …) or `airtable`.
   */
  actor?: string | undefined
  actorRole?: string | undefined
  /** Where it came from: `api`, `sdk`, `webhook`, `full-sync`, `outbox`, ... */
  source: string
  /** What: `create`, `update`, `replace`, `delete`, `upsert`, `ingest`, `resolve`, ... */
  action: string
  before?: Fields | undefined
  after?: Fields | undefined
  /** How it ended: `queued`, `committed`, `failed`, `conflict`, `applied`, ... */
  outcome: string
  attempts?: number | undefined
  /** Airtable's response time for the request that settled it. */
  latencyMs?: number | undefined
  detail?: unknown
  /** ISO time; defaults to the transaction's time. */
  at?: string | undefined
}

/** A stored entry. */
export interface AuditEntry extends Omit<AuditInput, 'at'> {
  id: number
  at: string
}

/** Appends entries (in the caller's transaction, when given one). */
export async function appendAudit(db: Db, entries: readonly AuditInput[]): Promise<void> {
  if (entries.length === 0) return
  // `ord` keeps the ids in input order.
  const payload = entries.map((entry, ord) => ({
    ord,
    at: entry.at ?? null,
    actor: entry.actor ?? null,
    actor_role: entry.actorRole ?? null,
    source: entry.source,
    action: entry.action,
    base_id: entry.baseId,
    table_id: entry.tableId ?? null,
    record_id: entry.recordId ?? null,
    mutation_id: entry.mutationId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    outcome: entry.outcome,
    attempts: entry.attempts ?? null,
    latency_ms: entry.latencyMs === undefined ? null : Math.round(entry.latencyMs),
    detail: entry.detail ?? null,
  }))
  await db.query(
    `insert into audit_log (at, actor, actor_role, source, action, base_id, table_id, record_id,
       mutation_id, before, after, outcome, attempts, latency_ms, detail)
     select coalesce(a.at, now()), a.actor, a.actor_role, a.source, a.action, a.base_id,
       a.table_id, a.record_id, a.mutation_id, a.before, a.after, a.outcome, a.attempts,
       a.latency_ms, a.detail
     from jsonb_to_recordset($1::jsonb) as a(at timestamptz, actor text,
       actor_role text, source text, action text, base_id text, table_id text, record_id text,
       mutation_id text, before jsonb, after jsonb, outcome text, attempts integer,
       latency_ms integer, detail jsonb, ord integer)
     order by a.ord`,
    [jsonParam(payload)],
  )
}

/** Which entries {@link queryAudit} returns; every filter is optional. */
export interface AuditFilter {
  baseId?: string
  tableId?: string
  recordId?: string
  mutationId?: string
  /** An actor, or an actor prefix before `:` (`airtable` matches `airtable:usr…` too). */
  actor?: string
  /** `api`, `outbox`, `webhook`, `poll`, `resync`, `full-sync`, ... */
  source?: string
  /** ISO time, inclusive. */
  since?: string
  /** ISO time, exclusive. */
  until?: string
  /** Entries with id below this (paging backwards). */
  beforeId?: number
  /** @default 100 */
  limit?: number
}

/** Entries matching the filter, newest first. */
export async function queryAudit(db: Db, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  const rows = await db.query<AuditRow>(
    `select * from audit_log
     where ($1::text is null or base_id = $1) and ($2::text is null or table_id = $2)
       and ($3::text is null or record_id = $3) and ($4::text is null or mutation_id = $4)
       and ($5::text is null or actor = $5 or starts_with(actor, $5 || ':'))
       and ($6::timestamptz is null or at >= $6)
       and ($7::timestamptz is null or at < $7) and ($8::bigint is null or id < $8)
       and ($10::text is null or source = $10)
     order by id desc
     limit $9`,
    [
      filter.baseId ?? null,
      filter.tableId ?? null,
      filter.recordId ?? null,
      filter.mutationId ?? null,
      filter.actor ?? null,
      filter.since ?? null,
      filter.until ?? null,
      filter.beforeId ?? null,
      filter.limit ?? 100,
      filter.source ?? null,
    ],
  )
  return rows.map(auditOf)
}

/** Deletes entries older than `ageMs` (the retention setting); returns how many. */
export async function pruneAuditOlderThan(
  db: Db,
  options: { ageMs: number; nowMs?: number },
): Promise<number> {
  const rows = await db.query<{ n: unknown }>(
    `with pruned as (delete from audit_log where at < $1 returning id) select count(*) as n from pruned`,
    [new Date((options.nowMs ?? Date.now()) - options.ageMs)],
  )
  return numberOf(rows[0]?.n)
}

interface AuditRow {
  id: unknown
  at: unknown
  actor: string | null
  actor_role: string | null
  source: string
  action: string
  base_id: string
  table_id: string | null
  record_id: string | null
  mutation_id: string | null
  before: Fields | null
  after: Fields | null
  outcome: string
  attempts: number | null
  latency_ms: number | null
  detail: unknown
}

function auditOf(row: AuditRow): AuditEntry {
  return {
    id: numberOf(row.id),
    at: isoOf(row.at),
    actor: row.actor ?? undefined,
    actorRole: row.actor_role ?? undefined,
    source: row.source,
    action: row.action,
    baseId: row.base_id,
    tableId: row.table_id ?? undefined,
    recordId: row.record_id ?? undefined,
    mutationId: row.mutation_id ?? undefined,
    before: row.before ?? undefined,
    after: row.after ?? undefined,
    outcome: row.outcome,
    attempts: row.attempts ?? undefined,
    latencyMs: row.latency_ms ?? undefined,
    detail: row.detail ?? undefined,
  }
}
