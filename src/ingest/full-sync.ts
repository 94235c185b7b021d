/**
 * `runFullSync`: mirror a whole base. The schema (metadata API) is saved first; then every table's
 * records are synced in parallel, then every view's order, so the shared limiter always has
 * requests waiting and Airtable's budget (5 requests/s per base) is never left idle. Each table's
 * sync state records its status, last full sync, rows and duration; a failed table does not stop
 * the others, and the sync rejects with {@link FullSyncError} once all have finished.
 */
import type { AirtableClient, Priority } from '../airtable/index.ts'
import type { BaseSchema, Table } from '../protocol/index.ts'
import {
  analyzeRecords,
  appendAudit,
  listTableSyncStates,
  countRecords,
  deleteRecordsExcept,
  saveBaseSchema,
  setBaseSyncState,
  setTableSyncState,
  type AuditInput,
  type ChangeSource,
  type Db,
} from '../store/index.ts'
import { emitProgress, type ProgressListener } from './progress.ts'
import { syncRecords, syncViews, type RecordsResult, type TableSyncResult } from './sync-table.ts'

/** Options of {@link runFullSync}. */
export interface FullSyncOptions {
  db: Db
  airtable: AirtableClient
  baseId: string
  /** Limiter priority of every request. @default 'resync' */
  priority?: Priority
  /** The feed source of the changes written (`resync` after a lost webhook). @default 'full-sync' */
  source?: ChangeSource
  /** Records per page (≤ 100). @default 100 */
  pageSize?: number
  /** Restarts of a table after an expired offset before it fails. @default 3 */
  maxRestarts?: number
  /** Fetch and store each view's record order. @default true */
  views?: boolean
  /** Tables synced at once; the limiter paces requests anyway. @default every table */
  tableConcurrency?: number
  signal?: AbortSignal
  onProgress?: ProgressListener
  /** @default Date.now */
  now?: () => number
}

/** What a full sync did. */
export interface FullSyncResult {
  baseId: string
  schema: BaseSchema
  tables: TableSyncResult[]
  /** Records Airtable has, over all tables. */
  records: number
  /** Record pages fetched (views excluded). */
  pages: number
  durationMs: number
  /** Time until every table's records were mirrored (before the view orders), ms. */
  recordsDurationMs: number
}

/** Some tables failed; the others were synced. */
export class FullSyncError extends Error {
  override readonly name = 'FullSyncError'
  readonly failures: readonly { tableId: string; tableName: string; error: unknown }[]
  readonly synced: readonly TableSyncResult[]
  constructor(init: {
    failures: readonly { tableId: string; tableName: string; error: unknown }[]
    synced: readonly TableSyncResult[]
  }) {
    const names = init.failures.map((f) => `${f.tableName}: ${messageOf(f.error)}`)
    super(`full sync failed for ${init.failures.length} table(s): ${names.join('; ')}`, {
      cause: init.failures[0]?.error,
    })
    this.failures = init.failures
    this.synced = init.synced
  }
}

/** Mirrors every table of the base; see the module header. */
export async function runFullSync(options: FullSyncOptions): Promise<FullSyncResult> {
  const { db, airtable, baseId } = options
  const now = options.now ?? Date.now
  const started = now()
  const priority = options.priority ?? 'resync'
  const schema = await airtable.meta.getBaseSchema(baseId, {
    priority,
    ...(options.signal !== undefined && { signal: options.signal }),
  })
  await saveBaseSchema(db, { baseId, schema })
  emitProgress(options.onProgress, {
    type: 'schema',
    tables: schema.tables.map((t) => ({ tableId: t.id, tableName: t.name })),
  })
  await dropRemovedTables(db, { baseId, schema, source: options.source ?? 'full-sync' })
  // A table synced before is audited record by record (what differs is a change the webhook
  // missed); a table's first sync is a load, summed up in one entry at the end.
  const syncedBefore = new Set(
    (await listTableSyncStates(db, baseId))
      .filter((s) => s.lastFullSyncAt !== undefined)
      .map((s) => s.tableId),
  )

  const synced: TableSyncResult[] = []
  const failures: { tableId: string; tableName: string; error: unknown }[] = []
  const common = {
    db,
    airtable,
    baseId,
    priority,
    now,
    ...(options.pageSize !== undefined && { pageSize: options.pageSize }),
    ...(options.maxRestarts !== undefined && { maxRestarts: options.maxRestarts }),
    ...(options.source !== undefined && { source: options.source }),
    signal: options.signal,
    onProgress: options.onProgress,
  }
  const fail = async (table: Table, error: unknown): Promise<void> => {
    failures.push({ tableId: table.id, tableName: table.name, error })
    emitProgress(options.onProgress, {
      type: 'table-failed',
      tableId: table.id,
      tableName: table.name,
      error,
    })
    // The state write must not hide the sync's error; a closed store is reported by the caller.
    await setTableSyncState(
      db,
      { baseId, tableId: table.id },
      { status: 'error', error: messageOf(error) },
    ).catch(() => undefined)
  }

  // Phase 1: every table's records, in parallel. Phase 2: every view's order. Records first, so
  // the bulk of the data is mirrored at full speed before the (ID-only) view listings.
  const phase1: { table: Table; startedMs: number; records: RecordsResult }[] = []
  await forEachLimited(schema.tables, options.tableConcurrency, async (table) => {
    const startedMs = now()
    await setTableSyncState(
      db,
      { baseId, tableId: table.id },
      { status: 'syncing', lastFullSyncStartedAt: new Date(startedMs).toISOString() },
    )
    try {
      const audit = syncedBefore.has(table.id)
      const records = await syncRecords({ ...common, table, audit })
      phase1.push({ table, startedMs, records })
      emitProgress(options.onProgress, {
        type: 'records-done',
        tableId: table.id,
        tableName: table.name,
        records: records.records,
        deleted: records.deleted,
        durationMs: now() - startedMs,
      })
    } catch (error) {
      await fail(table, error)
    }
  })
  const recordsDurationMs = now() - started
  if (phase1.length > 0) await analyzeRecords(db)
  await forEachLimited(phase1, options.tableConcurrency, async ({ table, startedMs, records }) => {
    try {
      const views = options.views === false ? 0 : await syncViews({ ...common, table })
      const result: TableSyncResult = {
        tableId: table.id,
        tableName: table.name,
        ...records,
        views,
        durationMs: now() - startedMs,
      }
      await setTableSyncState(
        db,
        { baseId, tableId: table.id },
        {
          status: 'ready',
          lastFullSyncAt: new Date(now()).toISOString(),
          recordCount: result.records,
          error: null,
          extra: { lastFullSync: { ...records, views, durationMs: result.durationMs } },
        },
      )
      synced.push(result)
      emitProgress(options.onProgress, {
        type: 'table-done',
        tableId: table.id,
        tableName: table.name,
        records: result.records,
        deleted: result.deleted,
        durationMs: result.durationMs,
      })
    } catch (error) {
      await fail(table, error)
    }
  })
  if (options.signal?.aborted === true) throw options.signal.reason
  if (failures.length > 0) throw new FullSyncError({ failures, synced })

  const finishedAt = new Date(now()).toISOString()
  await appendAudit(db, [summaryAudit(baseId, options.source ?? 'full-sync', synced)])
  await setBaseSyncState(db, baseId, {
    lastFullSyncAt: finishedAt,
    needsResync: false,
    resyncReason: null,
  })
  const order = new Map(schema.tables.map((t, i) => [t.id, i]))
  synced.sort((a, b) => (order.get(a.tableId) ?? 0) - (order.get(b.tableId) ?? 0))
  const result: FullSyncResult = {
    baseId,
    schema,
    tables: synced,
    records: synced.reduce((n, t) => n + t.records, 0),
    pages: synced.reduce((n, t) => n + t.pages, 0),
    durationMs: now() - started,
    recordsDurationMs,
  }
  emitProgress(options.onProgress, {
    type: 'done',
    records: result.records,
    pages: result.pages,
    durationMs: result.durationMs,
  })
  return result
}

/** One audit entry per full sync: what it found, table by table. */
function summaryAudit(
  baseId: string,
  source: ChangeSource,
  synced: readonly TableSyncResult[],
): AuditInput {
  const sum = (key: 'records' | 'created' | 'updated' | 'deleted'): number =>
    synced.reduce((n, t) => n + t[key], 0)
  return {
    baseId,
    actor: 'airtable',
    source,
    action: source === 'resync' ? 'resync' : 'full-sync',
    outcome: 'applied',
    detail: {
      records: sum('records'),
      created: sum('created'),
      updated: sum('updated'),
      deleted: sum('deleted'),
      tables: synced.map((t) => ({
        tableId: t.tableId,
        records: t.records,
        created: t.created,
        updated: t.updated,
        deleted: t.deleted,
      })),
    },
  }
}

/** Tables deleted in Airtable: their records leave the mirror (as deletions in the feed). */
async function dropRemovedTables(
  db: Db,
  options: { baseId: string; schema: BaseSchema; source: ChangeSource },
): Promise<void> {
  const { baseId, schema, source } = options
  const known = new Set(schema.tables.map((t) => t.id))
  for (const tableId of (await countRecords(db, baseId)).keys()) {
    if (known.has(tableId)) continue
    await deleteRecordsExcept(db, { baseId, tableId, keepIds: [], source })
  }
}

/** Runs `work` over `items`, at most `limit` at a time (all at once when undefined). */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number | undefined,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items]
  const lanes = Math.max(1, Math.min(limit ?? queue.length, queue.length))
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
    }),
  )
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
