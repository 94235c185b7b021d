/**
 * What a full sync reports while it runs, for the CLI's progress line and the logs. The total of a
 * table is unknown until its last page (Airtable gives no count), so events carry records so far.
 */

/** A table as the progress events name it. */
export interface TableLabel {
  tableId: string
  tableName: string
}

/** One step of a full sync. */
export type SyncProgressEvent =
  | { type: 'schema'; tables: TableLabel[] }
  | (TableLabel & {
      type: 'page'
      /** Records fetched so far (reset by a restart). */
      fetched: number
      /** Record pages fetched so far, restarts included. */
      pages: number
      /** True on the first page after an expired offset restarted the table. */
      restarted: boolean
    })
  | (TableLabel & { type: 'view'; viewId: string; records: number })
  /** A table's records are mirrored; its views' orders come once every table's records are in. */
  | (TableLabel & { type: 'records-done'; records: number; deleted: number; durationMs: number })
  | (TableLabel & { type: 'table-done'; records: number; deleted: number; durationMs: number })
  | (TableLabel & { type: 'table-failed'; error: unknown })
  | { type: 'done'; records: number; pages: number; durationMs: number }

/** Receives progress events; its exceptions are ignored. */
export type ProgressListener = (event: SyncProgressEvent) => void

/** Calls `listener`, swallowing what it throws: a broken progress bar must not fail a sync. */
export function emitProgress(
  listener: ProgressListener | undefined,
  event: SyncProgressEvent,
): void {
  try {
    listener?.(event)
  } catch {
    // ignored on purpose
  }
}
