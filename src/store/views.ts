/**
 * Per-view record order: Airtable's view filters and sorts are not in the metadata API, so the
 * mirror keeps each view's record IDs in the order Airtable lists them, refreshed after changes to
 * the table. The read path joins it as `unnest(record_ids) with ordinality`.
 */
import type { Db } from './db.ts'
import type { TableRef } from './records.ts'
import { isoOf } from './sql.ts'

/** A view's records in Airtable's order, and when that was fetched. */
export interface ViewOrder {
  recordIds: string[]
  /** ISO time. */
  refreshedAt: string
}

/** Stores a view's record order (replacing the previous one). */
export async function saveViewOrder(
  db: Db,
  options: TableRef & { viewId: string; recordIds: readonly string[] },
): Promise<void> {
  await db.query(
    `insert into view_records (base_id, table_id, view_id, record_ids) values ($1, $2, $3, $4)
     on conflict (base_id, table_id, view_id)
     do update set record_ids = excluded.record_ids, refreshed_at = now()`,
    [options.baseId, options.tableId, options.viewId, [...options.recordIds]],
  )
}

/** A view's stored order, or undefined when never fetched. */
export async function loadViewOrder(
  db: Db,
  options: TableRef & { viewId: string },
): Promise<ViewOrder | undefined> {
  const rows = await db.query<{ record_ids: string[]; refreshed_at: unknown }>(
    `select record_ids, refreshed_at from view_records
     where base_id = $1 and table_id = $2 and view_id = $3`,
    [options.baseId, options.tableId, options.viewId],
  )
  const row = rows[0]
  return row === undefined
    ? undefined
    : { recordIds: row.record_ids, refreshedAt: isoOf(row.refreshed_at) }
}

/** Forgets the orders of a table's views not in `keepViewIds` (views deleted in Airtable). */
export async function pruneViewOrders(
  db: Db,
  options: TableRef & { keepViewIds: readonly string[] },
): Promise<number> {
  const rows = await db.query(
    `delete from view_records where base_id = $1 and table_id = $2
       and not (view_id = any($3::text[])) returning view_id`,
    [options.baseId, options.tableId, [...options.keepViewIds]],
  )
  return rows.length
}
