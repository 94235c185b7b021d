/**
 * `GET /v1/status`: readiness (the first full sync is done), real-time ingestion (webhook, cursor,
 * last payload, a pending resync and why) and, per table, rows, last sync and lag — read from the
 * store's sync state, so every server instance on one database agrees.
 */
import {
  countRecords,
  getBaseSyncState,
  listTableSyncStates,
  loadBaseSchema,
  type Db,
  type TableSyncStatus,
} from '../store/index.ts'
import type { IngestMode } from './ingest.ts'

/** One table in the status report. */
export interface TableStatus {
  id: string
  name: string
  status: TableSyncStatus
  /** Records in the mirror now. */
  rows: number
  /** ISO time of the last completed full sync. */
  lastSyncAt: string | undefined
  /** ISO time of the last change applied from Airtable. */
  lastChangeAt: string | undefined
  /** Milliseconds since the mirror last heard from Airtable about this table. */
  lagMs: number | undefined
  error: string | undefined
}

/** How changes reach the mirror, in the status report. */
export interface IngestStatus {
  /** `webhook`: pings; `poll`: polling payloads; `off`: full syncs only. */
  mode: IngestMode
  webhookId: string | undefined
  /** ISO time the webhook expires unless refreshed. */
  webhookExpiresAt: string | undefined
  /** The next payload to read. */
  cursor: number | undefined
  /** ISO time the last payload was applied. */
  lastPayloadAt: string | undefined
  lastReconcileAt: string | undefined
  /** Changes were missed (webhook or payloads lost); a full resync is due or running. */
  needsResync: boolean
  resyncReason: string | undefined
}

/** The body of `GET /v1/status`. */
export interface StatusReport {
  ready: boolean
  baseId: string
  /** ISO time of the base's last completed full sync. */
  lastFullSyncAt: string | undefined
  ingest: IngestStatus
  tables: TableStatus[]
}

/** True once the base has completed a full sync (this process or an earlier one). */
export async function isBaseSynced(db: Db, baseId: string): Promise<boolean> {
  const state = await getBaseSyncState(db, baseId)
  return state?.lastFullSyncAt !== undefined
}

/** Builds the status report from the store. */
export async function buildStatus(
  db: Db,
  options: { baseId: string; ready: boolean; ingest?: IngestMode; now?: () => number },
): Promise<StatusReport> {
  const { baseId } = options
  const now = options.now ?? Date.now
  const [stored, states, counts, base] = await Promise.all([
    loadBaseSchema(db, baseId),
    listTableSyncStates(db, baseId),
    countRecords(db, baseId),
    getBaseSyncState(db, baseId),
  ])
  const stateById = new Map(states.map((s) => [s.tableId, s]))
  const tables = (stored?.schema.tables ?? []).map((table): TableStatus => {
    const state = stateById.get(table.id)
    const heard = latest(state?.lastFullSyncAt, state?.lastChangeAt)
    return {
      id: table.id,
      name: table.name,
      status: state?.status ?? 'pending',
      rows: counts.get(table.id) ?? 0,
      lastSyncAt: state?.lastFullSyncAt,
      lastChangeAt: state?.lastChangeAt,
      lagMs: heard === undefined ? undefined : Math.max(0, now() - Date.parse(heard)),
      error: state?.error,
    }
  })
  const ingest: IngestStatus = {
    mode: options.ingest ?? 'off',
    webhookId: base?.webhookId,
    webhookExpiresAt: base?.webhookExpiresAt,
    cursor: base?.webhookCursor,
    lastPayloadAt: base?.lastPayloadAt,
    lastReconcileAt: base?.lastReconcileAt,
    needsResync: base?.needsResync ?? false,
    resyncReason: base?.resyncReason,
  }
  return { ready: options.ready, baseId, lastFullSyncAt: base?.lastFullSyncAt, ingest, tables }
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Date.parse(a) >= Date.parse(b) ? a : b
}
