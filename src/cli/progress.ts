/**
 * A one-line progress display for full syncs: records fetched per table, pages, rate. A full sync
 * mirrors every table's records first and then their views' orders, so the line counts tables
 * whose records are in, then views. On a TTY the line is redrawn in place; otherwise a line is
 * printed as each table's records are in, and a "so far" line when nothing was said for a while.
 */
import type { SyncProgressEvent } from '../server/index.ts'

/** Off a terminal, how long the display may stay silent while a sync runs, in ms. */
const QUIET_LINE_MS = 10_000

/** Where the progress goes. */
export interface ProgressSink {
  /** Redraws the current line (TTY only). */
  redraw?: ((line: string) => void) | undefined
  /** Prints a finished line. */
  line: (line: string) => void
}

interface TableProgress {
  name: string
  fetched: number
  /** Its records are mirrored. */
  recordsDone: boolean
  /** Its views' orders too. */
  done: boolean
}

/** Renders the progress line from the state of every table; pure. */
export function renderProgress(
  tables: readonly TableProgress[],
  elapsedMs: number,
  width = 100,
): string {
  const fetched = tables.reduce((n, t) => n + t.fetched, 0)
  const rate = elapsedMs > 0 ? Math.round((fetched * 1000) / elapsedMs) : 0
  const recordsIn = tables.filter((t) => t.recordsDone).length
  const stage =
    recordsIn < tables.length
      ? `syncing ${recordsIn}/${tables.length} tables`
      : `ordering views ${tables.filter((t) => t.done).length}/${tables.length} tables`
  const head = `${stage}  ${fetched} records  ${rate}/s  `
  const parts = tables
    .filter((t) => !t.recordsDone)
    .map((t) => `${t.name} ${t.fetched}`)
    .join(' · ')
  const text = head + parts
  return text.length > width ? `${text.slice(0, width - 1)}…` : text
}

/** A listener for `runFullSync({ onProgress })` that draws to `sink`. */
export function createProgressDisplay(
  sink: ProgressSink,
  now: () => number = Date.now,
): (event: SyncProgressEvent) => void {
  const started = now()
  const tables = new Map<string, TableProgress>()
  let lastDrawMs = 0
  let lastLineMs = started
  const line = (text: string): void => {
    sink.redraw?.('')
    sink.line(text)
    lastLineMs = now()
  }
  const draw = (force: boolean): void => {
    const at = now()
    if (sink.redraw === undefined) {
      if (at - lastLineMs >= QUIET_LINE_MS)
        line(`  … ${renderProgress([...tables.values()], at - started)}`)
      return
    }
    // Redrawing on every page would flood a slow terminal; ten times a second is plenty.
    if (!force && at - lastDrawMs < 100) return
    lastDrawMs = at
    sink.redraw(renderProgress([...tables.values()], at - started))
  }
  return (event) => {
    switch (event.type) {
      case 'schema':
        for (const t of event.tables) {
          tables.set(t.tableId, { name: t.tableName, fetched: 0, recordsDone: false, done: false })
        }
        draw(true)
        return
      case 'page': {
        const table = tables.get(event.tableId)
        if (table !== undefined) table.fetched = event.fetched
        if (event.restarted) line(`  ${event.tableName}: offset expired, restarted`)
        draw(false)
        return
      }
      case 'view':
        draw(false)
        return
      case 'records-done': {
        const table = tables.get(event.tableId)
        if (table !== undefined) {
          table.fetched = event.records
          table.recordsDone = true
        }
        line(
          `  ${event.tableName}: ${event.records} records` +
            (event.deleted > 0 ? `, ${event.deleted} deleted` : '') +
            ` in ${(event.durationMs / 1000).toFixed(1)} s`,
        )
        draw(true)
        return
      }
      case 'table-done': {
        const table = tables.get(event.tableId)
        if (table !== undefined) table.done = true
        draw(true)
        return
      }
      case 'table-failed':
        line(
          `  ${event.tableName}: failed: ${event.error instanceof Error ? event.error.message : String(event.error)}`,
        )
        return
      case 'done':
        line(
          `synced ${event.records} records (${event.pages} pages) in ${(event.durationMs / 1000).toFixed(1)} s`,
        )
        return
    }
  }
}
