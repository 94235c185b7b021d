/**
 * Sync state: per table (full sync progress, status shown by `GET /v1/status`) and per base (the
 * webhook, its MAC secret and payload cursor). Writers pass their transaction so that, e.g., a
 * webhook cursor is stored together with the changes its payloads carried.
 */
import type { Db } from './db.ts'
import { StoreError } from './errors.ts'
import { upsertPatch, type ColumnSpec } from './patch-sql.ts'
import type { TableRef } from './records.ts'
import { isoOrUndefined, numberOf } from './sql.ts'

/** A table's sync status: `pending` until its first full sync completes. */
export type TableSyncStatus = 'pending' | 'syncing' | 'ready' | 'error'

/** What the store knows about a table's sync. Times are ISO strings. */
export interface TableSyncState extends TableRef {
  status: TableSyncStatus
  lastFullSyncStartedAt: string | undefined
  lastFullSyncAt: string | undefined
  /** When the last change from Airtable was applied. */
  lastChangeAt: string | undefined
  recordCount: number | undefined
  error: string | undefined
  /** Free-form state for the ingest module (e.g. a full sync's page offset). */
  extra: Record<string, unknown>
  updatedAt: string
}

/** A change to a table's state: omitted = untouched, `null` = cleared. */
export interface TableSyncPatch {
  status?: TableSyncStatus
  lastFullSyncStartedAt?: string | null
  lastFullSyncAt?: string | null
  lastChangeAt?: string | null
  recordCount?: number | null
  error?: string | null
  extra?: Record<string, unknown>
}

const TABLE_COLUMNS: Record<keyof TableSyncPatch, ColumnSpec> = {
  status: { column: 'status', type: 'text' },
  lastFullSyncStartedAt: { column: 'last_full_sync_started_at', type: 'timestamptz' },
  lastFullSyncAt: { column: 'last_full_sync_at', type: 'timestamptz' },
  lastChangeAt: { column: 'last_change_at', type: 'timestamptz' },
  recordCount: { column: 'record_count', type: 'integer' },
  error: { column: 'error', type: 'text' },
  extra: { column: 'extra', type: 'jsonb' },
}

/** Updates (or creates) a table's sync state. */
export function setTableSyncState(db: Db, table: TableRef, patch: TableSyncPatch): Promise<void> {
  return upsertPatch(
    db,
    {
      table: 'sync_state',
      keys: { base_id: table.baseId, table_id: table.tableId },
      columns: TABLE_COLUMNS,
    },
    patch,
  )
}

/** A table's sync state, or undefined when never synced. */
export async function getTableSyncState(
  db: Db,
  table: TableRef,
): Promise<TableSyncState | undefined> {
  const rows = await db.query<TableRow>(
    'select * from sync_state where base_id = $1 and table_id = $2',
    [table.baseId, table.tableId],
  )
  return rows[0] === undefined ? undefined : tableStateOf(rows[0])
}

/** The sync state of every table of a base, by table ID. */
export async function listTableSyncStates(db: Db, baseId: string): Promise<TableSyncState[]> {
  const rows = await db.query<TableRow>(
    'select * from sync_state where base_id = $1 order by table_id',
    [baseId],
  )
  return rows.map(tableStateOf)
}

/** What the store knows about a base's change ingestion. Times are ISO strings. */
export interface BaseSyncState {
  baseId: string
  webhookId: string | undefined
  /** The webhook's `macSecretBase64`, to check pings. */
  webhookSecret: string | undefined
  webhookExpiresAt: string | undefined
  /** The next payload cursor to read. */
  webhookCursor: number | undefined
  lastPayloadAt: string | undefined
  lastFullSyncAt: string | undefined
  lastReconcileAt: string | undefined
  /** Set when the cursor or webhook was lost and a full resync must run. */
  needsResync: boolean
  resyncReason: string | undefined
  extra: Record<string, unknown>
  updatedAt: string
}

/** A change to a base's state: omitted = untouched, `null` = cleared. */
export interface BaseSyncPatch {
  webhookId?: string | null
  webhookSecret?: string | null
  webhookExpiresAt?: string | null
  webhookCursor?: number | null
  lastPayloadAt?: string | null
  lastFullSyncAt?: string | null
  lastReconcileAt?: string | null
  needsResync?: boolean
  resyncReason?: string | null
  extra?: Record<string, unknown>
}

const BASE_COLUMNS: Record<keyof BaseSyncPatch, ColumnSpec> = {
  webhookId: { column: 'webhook_id', type: 'text' },
  webhookSecret: { column: 'webhook_secret', type: 'text' },
  webhookExpiresAt: { column: 'webhook_expires_at', type: 'timestamptz' },
  webhookCursor: { column: 'webhook_cursor', type: 'bigint' },
  lastPayloadAt: { column: 'last_payload_at', type: 'timestamptz' },
  lastFullSyncAt: { column: 'last_full_sync_at', type: 'timestamptz' },
  lastReconcileAt: { column: 'last_reconcile_at', type: 'timestamptz' },
  needsResync: { column: 'needs_resync', type: 'boolean' },
  resyncReason: { column: 'resync_reason', type: 'text' },
  extra: { column: 'extra', type: 'jsonb' },
}

/** Updates (or creates) a base's sync state. */
export function setBaseSyncState(db: Db, baseId: string, patch: BaseSyncPatch): Promise<void> {
  return upsertPatch(
    db,
    { table: 'base_sync_state', keys: { base_id: baseId }, columns: BASE_COLUMNS },
    patch,
  )
}

/** A base's sync state, or undefined when never set. */
export async function getBaseSyncState(db: Db, baseId: string): Promise<BaseSyncState | undefined> {
  const rows = await db.query<BaseRow>('select * from base_sync_state where base_id = $1', [baseId])
  return rows[0] === undefined ? undefined : baseStateOf(rows[0])
}

/**
 * A base's sync state, its row locked until the caller's transaction ends (created first when
 * missing), so a payload cursor read here cannot move under the caller: two ingesters racing for
 * one page apply it once.
 */
export async function lockBaseSyncState(tx: Db, baseId: string): Promise<BaseSyncState> {
  if (!tx.inTransaction) throw new StoreError('lockBaseSyncState needs a transaction handle')
  await tx.query(
    'insert into base_sync_state (base_id) values ($1) on conflict (base_id) do nothing',
    [baseId],
  )
  const rows = await tx.query<BaseRow>(
    'select * from base_sync_state where base_id = $1 for update',
    [baseId],
  )
  return baseStateOf(rows[0] as BaseRow)
}

function baseStateOf(row: BaseRow): BaseSyncState {
  return {
    baseId: row.base_id,
    webhookId: row.webhook_id ?? undefined,
    webhookSecret: row.webhook_secret ?? undefined,
    webhookExpiresAt: isoOrUndefined(row.webhook_expires_at),
    webhookCursor: row.webhook_cursor === null ? undefined : numberOf(row.webhook_cursor),
    lastPayloadAt: isoOrUndefined(row.last_payload_at),
    lastFullSyncAt: isoOrUndefined(row.last_full_sync_at),
    lastReconcileAt: isoOrUndefined(row.last_reconcile_at),
    needsResync: row.needs_resync,
    resyncReason: row.resync_reason ?? undefined,
    extra: row.extra,
    updatedAt: isoOrUndefined(row.updated_at) ?? '',
  }
}

interface TableRow {
  base_id: string
  table_id: string
  status: TableSyncStatus
  last_full_sync_started_at: unknown
  last_full_sync_at: unknown
  last_change_at: unknown
  record_count: number | null
  error: string | null
  extra: Record<string, unknown>
  updated_at: unknown
}

interface BaseRow {
  base_id: string
  webhook_id: string | null
  webhook_secret: string | null
  webhook_expires_at: unknown
  webhook_cursor: unknown
  last_payload_at: unknown
  last_full_sync_at: unknown
  last_reconcile_at: unknown
  needs_resync: boolean
  resync_reason: string | null
  extra: Record<string, unknown>
  updated_at: unknown
}

function tableStateOf(row: TableRow): TableSyncState {
  return {
    baseId: row.base_id,
    tableId: row.table_id,
    status: row.status,
    lastFullSyncStartedAt: isoOrUndefined(row.last_full_sync_started_at),
    lastFullSyncAt: isoOrUndefined(row.last_full_sync_at),
    lastChangeAt: isoOrUndefined(row.last_change_at),
    recordCount: row.record_count ?? undefined,
    error: row.error ?? undefined,
    extra: row.extra,
    updatedAt: isoOrUndefined(row.updated_at) ?? '',
  }
}
