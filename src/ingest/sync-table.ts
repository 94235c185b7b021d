/**
 * One table's part of a full sync: stream its records page by page into the mirror, then delete
 * what Airtable no longer has, then refresh each view's record order.
 *
 * Invariants:
 * - The feed's seq is read before the first page; only records not changed after it may be
 *   deleted, so records created or edited locally while the sync ran are not taken for deleted.
 * - Pages are written one at a time, in order, while the next pages are fetched (a few may wait).
 * - An expired offset restarts the table from its first page; the IDs seen so far are forgotten
 *   (a record deleted in between must not be kept), the writes already made are harmless.
 */
import type { AirtableClient, Priority } from '../airtable/index.ts'
import type { Table } from '../protocol/index.ts'
import {
  deleteRecordsExcept,
  latestSeq,
  pruneViewOrders,
  saveViewOrder,
  upsertRecords,
  type ChangeSource,
  type Db,
} from '../store/index.ts'
import { emitProgress, type ProgressListener } from './progress.ts'

/** What one table's sync did. */
export interface TableSyncResult {
  tableId: string
  tableName: string
  /** Records Airtable has now. */
  records: number
  /** Record pages fetched, restarts included. */
  pages: number
  created: number
  updated: number
  deleted: number
  /** Times an expired offset restarted the listing. */
  restarts: number
  /** Views whose order was stored. */
  views: number
  durationMs: number
}

/** Options of {@link syncTable}. */
export interface SyncTableOptions {
  db: Db
  airtable: AirtableClient
  baseId: string
  table: Table
  /** @default 'resync' */
  priority?: Priority
  /** The feed source of the changes written. @default 'full-sync' */
  source?: ChangeSource
  /** Records per page. @default 100 */
  pageSize?: number
  /** Restarts after an expired offset before giving up. @default 3 */
  maxRestarts?: number
  /** Also fetch and store each view's record order. @default true */
  views?: boolean
  /**
   * Log each record that differs from the mirror in the audit log (a change the webhook did not
   * deliver). Off for a table's first sync: loading a table is not a change. @default false
   */
  audit?: boolean
  /** Fetched pages that may wait to be written before fetching pauses. @default 4 */
  maxPendingWrites?: number
  signal?: AbortSignal | undefined
  onProgress?: ProgressListener | undefined
  /** @default Date.now */
  now?: () => number
}

/** Syncs one table; rejects on the first error that retries could not cure. */
export async function syncTable(options: SyncTableOptions): Promise<TableSyncResult> {
  const now = options.now ?? Date.now
  const started = now()
  // One failure stops the table's other listings instead of leaving them running unobserved.
  const controller = new AbortController()
  const signal =
    options.signal === undefined
      ? controller.signal
      : AbortSignal.any([options.signal, controller.signal])
  const inner = { ...options, signal }
  const abortOnError = <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      controller.abort(error)
      throw error
    })
  const [records, views] = await Promise.all([
    abortOnError(syncRecords(inner)),
    options.views === false ? Promise.resolve(0) : abortOnError(syncViews(inner)),
  ])
  return {
    tableId: options.table.id,
    tableName: options.table.name,
    ...records,
    views,
    durationMs: now() - started,
  }
}

/** What {@link syncRecords} did. */
export type RecordsResult = Pick<
  TableSyncResult,
  'records' | 'pages' | 'created' | 'updated' | 'deleted' | 'restarts'
>

/** Streams the table's records into the mirror and deletes what Airtable no longer has. */
export async function syncRecords(options: SyncTableOptions): Promise<RecordsResult> {
  const { db, airtable, baseId, table } = options
  const ref = { baseId, tableId: table.id }
  const audit = options.audit === true ? { detail: { fullSync: true } } : undefined
  const label = { tableId: table.id, tableName: table.name }
  const sinceSeq = await latestSeq(db)
  const result: RecordsResult = {
    records: 0,
    pages: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    restarts: 0,
  }
  const seen = new Set<string>()
  let writing: Promise<void> = Promise.resolve()
  let pending = 0
  const pages = airtable.table(baseId, table.id).iterate(
    { pageSize: options.pageSize ?? 100, returnFieldsByFieldId: true },
    {
      priority: options.priority ?? 'resync',
      restartOnExpiredOffset: true,
      maxRestarts: options.maxRestarts ?? 3,
      ...(options.signal !== undefined && { signal: options.signal }),
    },
  )
  for await (const page of pages) {
    if (page.restarted) {
      seen.clear()
      result.restarts++
    }
    result.pages++
    for (const record of page.records) seen.add(record.id)
    emitProgress(options.onProgress, {
      type: 'page',
      ...label,
      fetched: seen.size,
      pages: result.pages,
      restarted: page.restarted,
    })
    // Writes run one after another, behind the fetches: the loop fetches on while up to
    // `maxPendingWrites` pages wait to be written, so a slow store does not idle the limiter
    // (and a slow Airtable does not idle the store).
    const inputs = page.records.map((r) => ({
      id: r.id,
      createdTime: r.createdTime,
      fields: r.fields,
    }))
    pending++
    writing = writing.then(async () => {
      const w = await upsertRecords(db, {
        ...ref,
        records: inputs,
        source: options.source ?? 'full-sync',
        audit,
      })
      result.created += w.created.length
      result.updated += w.updated.length
      pending--
    })
    // Observed here so a failure during the next fetch is not an unhandled rejection; the
    // awaits below still throw it (and a failed write fails every later one in the chain).
    writing.catch(() => undefined)
    if (pending > (options.maxPendingWrites ?? 4)) await writing
  }
  await writing
  const removed = await deleteRecordsExcept(db, {
    ...ref,
    keepIds: [...seen],
    unchangedSinceSeq: sinceSeq,
    source: options.source ?? 'full-sync',
    audit,
  })
  result.deleted = removed.deleted.length
  result.records = seen.size
  return result
}

/**
 * Stores each view's record IDs in Airtable's order, asking only for the primary field, and
 * forgets views that no longer exist. Returns the number of views stored.
 */
export async function syncViews(options: SyncTableOptions): Promise<number> {
  const { db, airtable, baseId, table } = options
  const ref = { baseId, tableId: table.id }
  const client = airtable.table(baseId, table.id)
  await Promise.all(
    table.views.map(async (view) => {
      const records = await client.all(
        {
          view: view.id,
          fields: [table.primaryFieldId],
          returnFieldsByFieldId: true,
          pageSize: options.pageSize ?? 100,
        },
        {
          priority: options.priority ?? 'resync',
          restartOnExpiredOffset: true,
          maxRestarts: options.maxRestarts ?? 3,
          ...(options.signal !== undefined && { signal: options.signal }),
        },
      )
      const recordIds = records.map((r) => r.id)
      await saveViewOrder(db, { ...ref, viewId: view.id, recordIds })
      emitProgress(options.onProgress, {
        type: 'view',
        tableId: table.id,
        tableName: table.name,
        viewId: view.id,
        records: recordIds.length,
      })
    }),
  )
  await pruneViewOrders(db, { ...ref, keepViewIds: table.views.map((v) => v.id) })
  return table.views.length
}
