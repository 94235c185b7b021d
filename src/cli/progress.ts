/**
 * A one-line progress display for full syncs: records fetched per table, pages, rate. On a TTY
 * the line is redrawn in place; otherwise a line is printed as each table finishes.
 */
import type { SyncProgressEvent } from '../server/index.ts'

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
  done: boolean
}

/** Renders the progress line from the state of every table; pure. */
export function renderProgress(
  tables: readonly TableProgress[],
  elapsedMs: number,
  width = 100,
): string {
  const fetched = tables.reduce((n, t) => n + t.fetched, 0)
  const done = tables.filter((t) => t.done).length
  const rate = elapsedMs > 0 ? Math.round((fetched * 1000) / elapsedMs) : 0
  const head = `syncing ${done}/${tables.length} tables  ${fetched} records  ${rate}/s  `
  const parts = tables
    .filter((t) => !t.done)
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
  const draw = (force: boolean): void => {
    if (sink.redraw === undefined) return
    const at = now()
    // Redrawing on every page would flood a slow terminal; ten times a second is plenty.
    if (!force && at - lastDrawMs < 100) return
    lastDrawMs = at
    sink.redraw(renderProgress([...tables.values()], at - started))
  }
  return (event) => {
    switch (event.type) {
      case 'schema':
        for (const t of event.tables) {
          tables.set(t.tableId, { name: t.tableName, fetched: 0, done: false })
        }
        draw(true)
        return
      case 'page': {
        const table = tables.get(event.tableId)
        if (table !== undefined) table.fetched = event.fetched
        if (event.restarted) sink.line(`  ${event.tableName}: offset expired, restarted`)
        draw(false)
        return
      }
      case 'view':
        return
      case 'table-done': {
        const table = tables.get(event.tableId)
        if (table !== undefined) {
          table.fetched = event.records
          table.done = true
        }
        sink.redraw?.('')
        sink.line(
          `  ${event.tableName}: ${event.records} records` +
            (event.deleted > 0 ? `, ${event.deleted} deleted` : '') +
            ` in ${(event.durationMs / 1000).toFixed(1)} s`,
        )
        draw(true)
        return
      }
      case 'table-failed':
        sink.redraw?.('')
        sink.line(
          `  ${event.tableName}: failed: ${event.error instanceof Error ? event.error.message : String(event.error)}`,
        )
        return
      case 'done':
        sink.redraw?.('')
        sink.line(
          `synced ${event.records} records (${event.pages} pages) in ${(event.durationMs / 1000).toFixed(1)} s`,
        )
        return
    }
  }
}
