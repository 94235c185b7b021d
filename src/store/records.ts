/**
 * The mirror's records: jsonb fields keyed by field ID, one row per record. Every write records
 * its changes in the change feed in the same transaction (see ./feed.ts for the seq invariants)
 * and reports which records it changed; writes that change nothing emit nothing.
 */
import type { Fields } from '../protocol/index.ts'
import { appendAudit, type AuditInput } from './audit.ts'
import type { Db } from './db.ts'
import { appendChanges, lockFeed, type ChangeInput, type ChangeSource } from './feed.ts'
import { applyWrite, changedFieldIds, type WriteMode } from './record-diff.ts'
import { isoOf, jsonParam, numberOf } from './sql.ts'

/** A record as the mirror holds it. */
export interface MirrorRecord {
  id: string
  /** ISO time, as Airtable's `createdTime`. */
  createdTime: string
  /** Non-empty cells keyed by field ID. */
  fields: Fields
  /** Seq of the feed entry that last changed it. */
  lastSeq: number
}

/** A record to write: fields keyed by field ID. */
export interface RecordInput {
  id: string
  /** Airtable's createdTime; kept from the stored row when omitted, else now. */
  createdTime?: string | undefined
  fields: Fields
}

/** Identifies a table of a base. */
export interface TableRef {
  baseId: string
  tableId: string
}

/** Who and what a write is attributed to in the change feed. */
export interface WriteOrigin {
  source: ChangeSource
  actor?: string | undefined
  mutationId?: string | undefined
  /**
   * Also log each change in the audit log, in the same transaction and one insert per call
   * (changes ingested from Airtable; local writes log their own, richer entries).
   * @default undefined (no audit entries)
   */
  audit?: ChangeAudit | undefined
}

/** How the changes of a write appear in the audit log. */
export interface ChangeAudit {
  /** When the change happened, as Airtable reports it (ISO). @default the transaction's time */
  at?: string | undefined
  /** Merged into each entry's `detail` (e.g. Airtable's action metadata). */
  detail?: Record<string, unknown> | undefined
}

/** What a write did, by record ID. */
export interface WriteResult {
  created: string[]
  updated: string[]
  unchanged: string[]
  deleted: string[]
  /** Highest seq written, or undefined when nothing changed. */
  lastSeq: number | undefined
}

/** Options of {@link upsertRecords}. */
export interface UpsertRecordsOptions extends TableRef, WriteOrigin {
  records: readonly RecordInput[]
  /** @default 'replace' */
  mode?: WriteMode
}

/**
 * Creates or updates records in one transaction (the caller's, if given one). A record listed
 * twice is written in order and reported once.
 */
export function upsertRecords(db: Db, options: UpsertRecordsOptions): Promise<WriteResult> {
  const { baseId, tableId, records, mode = 'replace' } = options
  const result = emptyResult()
  if (records.length === 0) return Promise.resolve(result)
  return db.transaction(async (tx) => {
    await lockFeed(tx)
    const ids = [...new Set(records.map((record) => record.id))]
    const stored = new Map(
      (await selectRecords(tx, { baseId, tableId }, { ids, forUpdate: true })).map((r) => [
        r.id,
        r,
      ]),
    )
    const next = new Map<string, { createdTime: string; fields: Fields }>()
    for (const record of records) {
      const current = next.get(record.id) ?? stored.get(record.id)
      next.set(record.id, {
        createdTime: record.createdTime ?? current?.createdTime ?? new Date().toISOString(),
        fields: applyWrite(current?.fields, record.fields, mode),
      })
    }
    const changes: ChangeInput[] = []
    const rows: { id: string; created_time: string; fields: Fields }[] = []
    for (const id of ids) {
      const after = next.get(id)
      if (after === undefined) continue
      const before = stored.get(id)
      const changed = changedFieldIds(before?.fields ?? {}, after.fields)
      const sameCreated = before !== undefined && before.createdTime === isoOf(after.createdTime)
      if (before !== undefined && changed.length === 0) {
        if (!sameCreated) rows.push({ id, created_time: after.createdTime, fields: after.fields })
        result.unchanged.push(id)
        continue
      }
      ;(before === undefined ? result.created : result.updated).push(id)
      rows.push({ id, created_time: after.createdTime, fields: after.fields })
      changes.push({
        ...origin(options),
        baseId,
        tableId,
        recordId: id,
        kind: before === undefined ? 'created' : 'updated',
        before: before?.fields,
        after: after.fields,
        changedFieldIds: changed,
      })
    }
    const seqs = await appendChanges(tx, changes)
    await auditChanges(tx, options.audit, { changes, seqs })
    const seqById = new Map(changes.map((change, index) => [change.recordId, seqs[index]]))
    await writeRows(
      tx,
      { baseId, tableId },
      rows.map((row) => ({ ...row, last_seq: seqById.get(row.id) })),
    )
    result.lastSeq = seqs.at(-1)
    return result
  })
}

/** Options of {@link deleteRecords}. */
export interface DeleteRecordsOptions extends TableRef, WriteOrigin {
  ids: readonly string[]
}

/** Deletes records; IDs not in the mirror are ignored (they emit nothing). */
export function deleteRecords(db: Db, options: DeleteRecordsOptions): Promise<WriteResult> {
  const result = emptyResult()
  if (options.ids.length === 0) return Promise.resolve(result)
  return db.transaction(async (tx) => {
    await lockFeed(tx)
    const rows = await tx.query<{ id: string; fields: Fields }>(
      `delete from records where base_id = $1 and table_id = $2 and id = any($3::text[])
       returning id, fields`,
      [options.baseId, options.tableId, [...new Set(options.ids)]],
    )
    return emitDeletions(tx, options, rows)
  })
}

/** Options of {@link deleteRecordsExcept}. */
export interface DeleteRecordsExceptOptions extends TableRef, WriteOrigin {
  /** Records to keep: what Airtable has. */
  keepIds: readonly string[]
  /**
   * Only delete records not changed after this seq (e.g. the feed's seq when a full sync began),
   * so records created or edited while the sync ran are not taken for deleted.
   * @default no limit
   */
  unchangedSinceSeq?: number | undefined
}

/**
 * Deletes the table's records not in `keepIds`: the deletion half of a full sync. A record with
 * an open outbox mutation is spared: it may be a create Airtable has not seen yet (its temporary
 * ID must keep naming it for later edits), and the outbox settles it either way (a refused write
 * puts the mirror back to Airtable's value).
 */
export function deleteRecordsExcept(
  db: Db,
  options: DeleteRecordsExceptOptions,
): Promise<WriteResult> {
  return db.transaction(async (tx) => {
    await lockFeed(tx)
    const rows = await tx.query<{ id: string; fields: Fields }>(
      `delete from records r
       where r.base_id = $1 and r.table_id = $2 and not (r.id = any($3::text[]))
         and ($4::bigint is null or r.last_seq <= $4::bigint)
         and not exists (
           select 1 from outbox o
           where o.base_id = r.base_id and o.record_id = r.id
             and o.state in ('queued', 'sending', 'conflict'))
       returning r.id, r.fields`,
      [options.baseId, options.tableId, [...options.keepIds], options.unchangedSinceSeq ?? null],
    )
    return emitDeletions(tx, options, rows)
  })
}

/** Options of {@link replaceTable}. */
export interface ReplaceTableOptions extends TableRef, WriteOrigin {
  /** Every record of the table, as Airtable has it now. */
  records: readonly RecordInput[]
}

const REPLACE_CHUNK = 1_000

/**
 * Makes the mirror's table equal `records` in one transaction: upserts (mode replace) and deletes
 * the records not listed, emitting only the differences.
 */
export function replaceTable(db: Db, options: ReplaceTableOptions): Promise<WriteResult> {
  const { records, ...rest } = options
  return db.transaction(async (tx) => {
    const result = emptyResult()
    for (let start = 0; start < records.length; start += REPLACE_CHUNK) {
      const chunk = records.slice(start, start + REPLACE_CHUNK)
      merge(result, await upsertRecords(tx, { ...rest, records: chunk, mode: 'replace' }))
    }
    merge(result, await deleteRecordsExcept(tx, { ...rest, keepIds: records.map((r) => r.id) }))
    return result
  })
}

/** One record, or undefined. */
export async function getRecord(
  db: Db,
  options: TableRef & { id: string },
): Promise<MirrorRecord | undefined> {
  return (await selectRecords(db, options, { ids: [options.id] }))[0]
}

/** Several records by ID, in the mirror's order; missing IDs are skipped. */
export function getRecords(
  db: Db,
  options: TableRef & { ids: readonly string[] },
): Promise<MirrorRecord[]> {
  return selectRecords(db, options, { ids: options.ids })
}

/** Every record ID of a table, in creation order. */
export async function listRecordIds(db: Db, table: TableRef): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select id from records where base_id = $1 and table_id = $2 order by created_time, ordinal`,
    [table.baseId, table.tableId],
  )
  return rows.map((row) => row.id)
}

/** Every record of a table, in creation order (Airtable's default order). */
export function loadTableRecords(db: Db, table: TableRef): Promise<MirrorRecord[]> {
  return selectRecords(db, table, { ids: undefined })
}

/** Record counts by table ID of a base. */
export async function countRecords(db: Db, baseId: string): Promise<Map<string, number>> {
  const rows = await db.query<{ table_id: string; n: unknown }>(
    'select table_id, count(*) as n from records where base_id = $1 group by table_id',
    [baseId],
  )
  return new Map(rows.map((row) => [row.table_id, numberOf(row.n)]))
}

interface RecordRow {
  id: string
  created_time: unknown
  fields: Fields
  last_seq: unknown
}

async function selectRecords(
  db: Db,
  table: TableRef,
  options: { ids: readonly string[] | undefined; forUpdate?: boolean },
): Promise<MirrorRecord[]> {
  const { ids } = options
  const rows = await db.query<RecordRow>(
    `select id, created_time, fields, last_seq from records
     where base_id = $1 and table_id = $2 and ($3::text[] is null or id = any($3::text[]))
     order by created_time, ordinal ${options.forUpdate === true ? 'for update' : ''}`,
    [table.baseId, table.tableId, ids === undefined ? null : [...ids]],
  )
  return rows.map((row) => ({
    id: row.id,
    createdTime: isoOf(row.created_time),
    fields: row.fields,
    lastSeq: numberOf(row.last_seq),
  }))
}

interface RowWrite {
  id: string
  created_time: string
  fields: Fields
  /** The seq of its feed entry; undefined when only createdTime changed (keeps last_seq). */
  last_seq: number | undefined
}

async function writeRows(tx: Db, table: TableRef, rows: readonly RowWrite[]): Promise<void> {
  if (rows.length === 0) return
  const payload = rows.map((row) => ({ ...row, last_seq: row.last_seq ?? null }))
  // A row whose fields did not change (only its createdTime did) keeps its last_seq. New rows
  // take their ordinal (creation order among equal createdTimes) in the order given.
  await tx.query(
    `insert into records (base_id, table_id, id, created_time, fields, last_seq)
     select $1, $2, r.id, r.created_time, r.fields, coalesce(r.last_seq, 0)
     from rows from (jsonb_to_recordset($3::jsonb)
       as (id text, created_time timestamptz, fields jsonb, last_seq bigint))
       with ordinality as r(id, created_time, fields, last_seq, position)
     order by r.position
     on conflict (base_id, table_id, id) do update set
       created_time = excluded.created_time,
       fields = excluded.fields,
       last_seq = case when excluded.last_seq = 0 then records.last_seq else excluded.last_seq end,
       updated_at = now()`,
    [table.baseId, table.tableId, jsonParam(payload)],
  )
}

async function emitDeletions(
  tx: Db,
  options: TableRef & WriteOrigin,
  rows: readonly { id: string; fields: Fields }[],
): Promise<WriteResult> {
  const result = emptyResult()
  const changes = rows.map((row): ChangeInput => ({
    ...origin(options),
    baseId: options.baseId,
    tableId: options.tableId,
    recordId: row.id,
    kind: 'deleted',
    before: row.fields,
    changedFieldIds: Object.keys(row.fields).sort(),
  }))
  const seqs = await appendChanges(tx, changes)
  await auditChanges(tx, options.audit, { changes, seqs })
  result.deleted = rows.map((row) => row.id)
  result.lastSeq = seqs.at(-1)
  return result
}

const AUDIT_ACTION = { created: 'create', updated: 'update', deleted: 'delete' } as const

/**
 * One audit entry per feed entry, before/after holding only the fields that changed (a field
 * absent from `after` was cleared, absent from `before` was empty), linked by the feed's seq.
 */
async function auditChanges(
  tx: Db,
  audit: ChangeAudit | undefined,
  logged: { changes: readonly ChangeInput[]; seqs: readonly number[] },
): Promise<void> {
  const { changes, seqs } = logged
  if (audit === undefined || changes.length === 0) return
  await appendAudit(
    tx,
    changes.map((change, index): AuditInput => {
      const changed = change.changedFieldIds ?? []
      return {
        baseId: change.baseId,
        tableId: change.tableId,
        recordId: change.recordId,
        actor: change.actor ?? 'airtable',
        source: change.source,
        action: change.kind === 'mutation' ? 'mutation' : AUDIT_ACTION[change.kind],
        before: change.before === undefined ? undefined : pick(change.before, changed),
        after: change.after === undefined ? undefined : pick(change.after, changed),
        outcome: 'applied',
        at: audit.at,
        detail: { ...audit.detail, seq: seqs[index], changedFieldIds: changed },
      }
    }),
  )
}

function pick(fields: Fields, keys: readonly string[]): Fields {
  const picked: Fields = {}
  for (const key of keys) if (Object.hasOwn(fields, key)) picked[key] = fields[key]
  return picked
}

function origin(options: WriteOrigin): Pick<ChangeInput, 'source' | 'actor' | 'mutationId'> {
  return { source: options.source, actor: options.actor, mutationId: options.mutationId }
}

function emptyResult(): WriteResult {
  return { created: [], updated: [], unchanged: [], deleted: [], lastSeq: undefined }
}

function merge(into: WriteResult, from: WriteResult): void {
  into.created.push(...from.created)
  into.updated.push(...from.updated)
  into.unchanged.push(...from.unchanged)
  into.deleted.push(...from.deleted)
  into.lastSeq = from.lastSeq ?? into.lastSeq
}

/**
 * Refreshes the planner's statistics of the records table. PGlite has no autovacuum, and after a
 * bulk load without statistics a filtered page is planned badly (measured 150–600 ms instead of
 * 10–30 ms on 100k rows); call it after a full sync.
 */
export async function analyzeRecords(db: Db): Promise<void> {
  await db.query('analyze records')
}
