/**
 * Keeps the stored view orders fresh: Airtable's view filters and sorts are not in the metadata
 * API, so after records of a table change (ingested from Airtable, or written by the outbox) the
 * table's views are listed again — record IDs only, at the lowest priority (`resync`).
 *
 * Invariants:
 * - Debounced per table: a burst of changes refreshes each view once, `debounceMs` after the last
 *   mark, and refreshes of a table start at least `minIntervalMs` apart (listing a big table's
 *   views costs a request per 100 records each). A mark during a refresh schedules one more
 *   afterwards, so the last change is covered.
 * - Refreshes of one table never overlap; a failed refresh is retried at the next mark.
 */
import type { AirtableClient } from '../airtable/index.ts'
import type { BaseSchema } from '../protocol/index.ts'
import type { Db } from '../store/index.ts'
import { syncViews } from './sync-table.ts'

/** Options of {@link createViewRefresher}. */
export interface ViewRefresherOptions {
  db: Db
  airtable: AirtableClient
  baseId: string
  /** The current schema (the tables' views). */
  getSchema: () => BaseSchema | undefined
  /** Quiet time after the last mark before a table's views are listed, ms. @default 1000 */
  debounceMs?: number
  /** Least time between the starts of two refreshes of one table, ms. @default 10000 */
  minIntervalMs?: number
  /** Told about failed refreshes (retried at the next mark). */
  onError?: (error: unknown, tableId: string) => void
  /** Told after each table's views were stored. */
  onRefreshed?: (tableId: string, views: number) => void
}

/** Debounced per-table view refreshes. */
export interface ViewRefresher extends AsyncDisposable {
  /** The table's records changed: refresh its views soon. Unknown tables are ignored. */
  markStale(tableId: string): void
  /** Runs every pending refresh now and resolves when none is running. */
  flush(): Promise<void>
  /** Cancels pending refreshes and waits for running ones. */
  stop(): Promise<void>
}

/** Creates the refresher; it does nothing until a table is marked stale. */
export function createViewRefresher(options: ViewRefresherOptions): ViewRefresher {
  const debounceMs = options.debounceMs ?? 1000
  const minIntervalMs = options.minIntervalMs ?? 10_000
  const lastStarted = new Map<string, number>()
  const timers = new Map<string, NodeJS.Timeout>()
  const running = new Map<string, Promise<void>>()
  const again = new Set<string>()
  const controller = new AbortController()

  function schedule(tableId: string, debounce: number): void {
    clearTimeout(timers.get(tableId))
    const since = Date.now() - (lastStarted.get(tableId) ?? Number.NEGATIVE_INFINITY)
    const delayMs = Math.max(debounce, minIntervalMs - since)
    timers.set(
      tableId,
      setTimeout(() => {
        timers.delete(tableId)
        start(tableId)
      }, delayMs),
    )
  }

  function start(tableId: string): void {
    if (controller.signal.aborted) return
    if (running.has(tableId)) {
      again.add(tableId)
      return
    }
    lastStarted.set(tableId, Date.now())
    const work = refresh(tableId).finally(() => {
      running.delete(tableId)
      if (again.delete(tableId)) schedule(tableId, debounceMs)
    })
    running.set(tableId, work)
  }

  async function refresh(tableId: string): Promise<void> {
    const table = options.getSchema()?.tables.find((t) => t.id === tableId)
    if (table === undefined) return
    try {
      const views = await syncViews({
        db: options.db,
        airtable: options.airtable,
        baseId: options.baseId,
        table,
        priority: 'resync',
        signal: controller.signal,
      })
      options.onRefreshed?.(tableId, views)
    } catch (error) {
      if (!controller.signal.aborted) options.onError?.(error, tableId)
    }
  }

  async function flush(): Promise<void> {
    for (const tableId of [...timers.keys()]) {
      clearTimeout(timers.get(tableId))
      timers.delete(tableId)
      start(tableId)
    }
    while (running.size > 0 || timers.size > 0) {
      await Promise.all(running.values())
      for (const tableId of [...timers.keys()]) {
        clearTimeout(timers.get(tableId))
        timers.delete(tableId)
        start(tableId)
      }
    }
  }

  async function stop(): Promise<void> {
    controller.abort(new Error('view refresher stopped'))
    for (const timer of timers.values()) clearTimeout(timer)
    timers.clear()
    again.clear()
    await Promise.all(running.values())
  }

  return {
    markStale(tableId) {
      if (!controller.signal.aborted) schedule(tableId, debounceMs)
    },
    flush,
    stop,
    [Symbol.asyncDispose]: stop,
  }
}
