/**
 * The read cache: one entry per table + query (or table + record ID), holding what the server
 * answered. Rules:
 * - fresh (younger than the table's `ttlMs`): served without a request;
 * - stale: served at once while one background request revalidates (stale-while-revalidate);
 * - absent: fetched; identical requests in flight share one promise;
 * - `ttlMs: 0` tables are never served from the cache to `read` (an entry still feeds snapshots).
 * Watching (`watch`) reads once per mount: the first listener mounts an entry and reads it by the
 * rules above (an uncached table is fetched); later listeners share it, and change events keep
 * it current. A listener dropped and another added in the same tick (React re-subscribing) is
 * not a new mount. A watched read that fails retryably (no answer, 429, 5xx) is tried again
 * after its `Retry-After`, with backoff, never at once; while that retry waits, nothing else
 * fetches the entry.
 * Change events patch entries (list-patch.ts); what cannot be decided locally revalidates. An
 * event arriving while an entry loads is re-applied to the loaded result, so a load that started
 * before a change never hides it. Entries hold server truth only: this device's pending writes
 * are laid over them when a snapshot is read (`present`).
 */
import type { AirtableRecord, Fields, RecordEvent } from '../protocol/index.ts'
import { toAirsyncError, type AirsyncError } from './errors.ts'
import { mergeFields, removeFromList, upsertIntoList, type ListShape } from './list-patch.ts'
import type { LocalQuery } from './local-query.ts'
import { retryDelayMs } from './retry-delay.ts'
import type { ListOptions, TableConfig } from './types.ts'

/** One cached query. */
export interface CacheEntry {
  readonly key: string
  readonly table: string
  /** A list query, or one record (`recordId`). */
  readonly list: ListOptions | undefined
  readonly recordId: string | undefined
  records: AirtableRecord[] | undefined
  error: AirsyncError | undefined
  fetchedAtMs: number | undefined
  /** Invalidated (reset, clearCache while watched): the next read revalidates. */
  stale: boolean
  inFlight: Promise<AirtableRecord[]> | undefined
  /** Events that arrived during the load in flight. */
  replay: RecordEvent[]
  readonly listeners: Set<() => void>
  /** The compiled list definition; null when it cannot be built (see list-patch.ts). */
  query: LocalQuery | null | undefined
  /** Bumped on each change; snapshots are memoized per version. */
  version: number
  /** Has listeners (since its mount read). */
  mounted: boolean
  /** Consecutive failed reads. */
  failures: number
  /** The retry of a failed watched read, waiting. */
  retryTimer: ReturnType<typeof setTimeout> | undefined
}

/** What the cache needs. */
export interface QueryCacheOptions {
  now: () => number
  tableConfig: (table: string) => TableConfig
  /** Fetches a list or a record (as a one-element list). */
  load: (entry: CacheEntry) => Promise<AirtableRecord[]>
  /** Builds a list's local query; undefined while the evaluator is not loaded. */
  buildQuery: (entry: CacheEntry) => LocalQuery | null | undefined
  /** Called after any entry of `table` changed. */
  onChange: (change: { table: string; recordId?: string; source: 'server' | 'revalidate' }) => void
  /** The wait before retrying a failed watched read, doubled per failure, in ms. */
  retryBaseMs: number
  /** Jitter of retry waits. @default Math.random */
  random?: () => number
}

/** The stable key of a query. */
export function cacheKey(table: string, list: ListOptions | undefined, recordId?: string): string {
  if (recordId !== undefined) return JSON.stringify([table, 'record', recordId])
  const l = list ?? {}
  return JSON.stringify([table, l.view, l.filterByFormula, l.sort, l.fields, l.maxRecords])
}

/** The read cache (see the module header). */
export class QueryCache {
  readonly #entries = new Map<string, CacheEntry>()
  readonly #options: QueryCacheOptions

  constructor(options: QueryCacheOptions) {
    this.#options = options
  }

  /** The entry for a query, created empty when missing. */
  entry(table: string, list: ListOptions | undefined, recordId?: string): CacheEntry {
    const key = cacheKey(table, list, recordId)
    let entry = this.#entries.get(key)
    if (entry === undefined) {
      entry = {
        key,
        table,
        list: recordId === undefined ? (list ?? {}) : undefined,
        recordId,
        records: undefined,
        error: undefined,
        fetchedAtMs: undefined,
        stale: false,
        inFlight: undefined,
        replay: [],
        listeners: new Set(),
        query: undefined,
        version: 0,
        mounted: false,
        failures: 0,
        retryTimer: undefined,
      }
      this.#entries.set(key, entry)
    }
    return entry
  }

  /** Every entry (for overlays and resets). */
  all(): CacheEntry[] {
    return [...this.#entries.values()]
  }

  /** True when `entry` may be served without a request. */
  isFresh(entry: CacheEntry): boolean {
    const ttlMs = this.#options.tableConfig(entry.table).ttlMs ?? 0
    return (
      entry.records !== undefined &&
      !entry.stale &&
      ttlMs > 0 &&
      entry.fetchedAtMs !== undefined &&
      this.#options.now() - entry.fetchedAtMs < ttlMs
    )
  }

  /** Reads through the cache (module header rules). */
  async read(entry: CacheEntry, mode: 'default' | 'reload' = 'default'): Promise<AirtableRecord[]> {
    if (mode === 'default' && this.isFresh(entry) && entry.records !== undefined) {
      return entry.records
    }
    const ttlMs = this.#options.tableConfig(entry.table).ttlMs ?? 0
    if (mode === 'default' && ttlMs > 0 && entry.records !== undefined) {
      void this.revalidate(entry).catch(() => undefined)
      return entry.records
    }
    return this.revalidate(entry)
  }

  /**
   * Adds a listener; the first one mounts the entry and reads it (module header). Returns the
   * unsubscribe.
   */
  watch(entry: CacheEntry, listener: () => void): () => void {
    entry.listeners.add(listener)
    if (!entry.mounted) {
      entry.mounted = true
      if (entry.retryTimer === undefined) void this.read(entry).catch(() => undefined)
    }
    return () => {
      entry.listeners.delete(listener)
      if (entry.listeners.size === 0) queueMicrotask(() => this.#release(entry))
    }
  }

  /** Fetches `entry` (sharing a request in flight; refused while a retry waits). */
  revalidate(entry: CacheEntry): Promise<AirtableRecord[]> {
    if (entry.inFlight !== undefined) return entry.inFlight
    if (entry.retryTimer !== undefined && entry.error !== undefined)
      return Promise.reject(entry.error)
    const started = this.#options
      .load(entry)
      .then((records) => {
        entry.records = records
        entry.error = undefined
        entry.failures = 0
        entry.fetchedAtMs = this.#options.now()
        entry.stale = false
        const replay = entry.replay
        entry.replay = []
        for (const event of replay) this.#patch(entry, event)
        return entry.records
      })
      .catch((error: unknown) => {
        entry.error = toAirsyncError(error)
        entry.replay = []
        entry.failures++
        if (entry.mounted && entry.error.retryable) this.#scheduleRetry(entry, entry.error)
        throw entry.error
      })
      .finally(() => {
        entry.inFlight = undefined
        this.#changed(entry, 'revalidate')
      })
    entry.inFlight = started
    this.#changed(entry, 'revalidate')
    return started
  }

  /** Applies a record event to every entry of its table. */
  applyEvent(event: RecordEvent): void {
    for (const entry of this.#entries.values()) {
      if (entry.table !== event.tableName && entry.table !== event.tableId) continue
      if (entry.inFlight !== undefined) entry.replay.push(event)
      if (entry.records === undefined) continue
      if (this.#patch(entry, event)) this.#changed(entry, 'server', event.recordId)
    }
  }

  /**
   * Lays a write Airtable committed over the server data of `table` (until the stream brings
   * Airtable's own record): updates merge into the records shown, creates join the lists
   * that admit them, deletes leave.
   */
  applyCommitted(
    table: string,
    write: {
      op: 'create' | 'update' | 'delete'
      records: readonly { id: string; fields?: Fields }[]
    },
  ): void {
    for (const entry of this.#entries.values()) {
      if (entry.table !== table || entry.records === undefined) continue
      let records: AirtableRecord[] | undefined = entry.records
      for (const item of write.records) {
        if (records === undefined) break
        const known = records.find((r) => r.id === item.id)
        if (write.op === 'delete') records = removeFromList(records, item.id, this.shapeOf(entry))
        else if (write.op === 'update' && known === undefined) continue
        else {
          const fields = mergeFields(known?.fields ?? {}, item.fields ?? {})
          const record = { id: item.id, createdTime: known?.createdTime ?? '', fields }
          records = upsertIntoList(records, record, this.shapeOf(entry))
        }
      }
      if (records === undefined) void this.revalidate(entry).catch(() => undefined)
      else entry.records = records
      this.#changed(entry, 'server')
    }
  }

  /** Marks entries stale and revalidates those that hold data or are watched. */
  invalidate(filter: (entry: CacheEntry) => boolean = () => true): void {
    for (const entry of this.#entries.values()) {
      if (!filter(entry)) continue
      entry.stale = true
      if (entry.retryTimer !== undefined) continue
      if (entry.records !== undefined || entry.listeners.size > 0) {
        void this.revalidate(entry).catch(() => undefined)
      }
    }
  }

  /** Drops entries by key or table (all when omitted); watched ones are kept but refetched. */
  clear(keyOrTable?: string): void {
    for (const entry of [...this.#entries.values()]) {
      if (keyOrTable !== undefined && entry.key !== keyOrTable && entry.table !== keyOrTable)
        continue
      if (entry.listeners.size > 0) this.invalidate((e) => e === entry)
      else this.#entries.delete(entry.key)
    }
  }

  /** The shape of a list entry, for list-patch.ts. */
  shapeOf(entry: CacheEntry): ListShape {
    if (entry.query === undefined) entry.query = this.#options.buildQuery(entry)
    const list = entry.list ?? {}
    const sortFields = (list.sort ?? []).map((s) => s.field)
    return {
      query: entry.query ?? undefined,
      fields: list.fields,
      maxRecords: list.maxRecords,
      sortOutsideProjection:
        list.fields !== undefined && sortFields.some((f) => !list.fields?.includes(f)),
    }
  }

  /** Applies one event to one loaded entry; true when it changed. */
  #patch(entry: CacheEntry, event: RecordEvent): boolean {
    const records = entry.records ?? []
    if (entry.recordId !== undefined) {
      if (entry.recordId !== event.recordId) return false
      entry.records =
        event.type === 'record.deleted'
          ? []
          : [
              {
                id: event.recordId,
                createdTime: records[0]?.createdTime ?? event.at,
                fields: event.fields,
              },
            ]
      return true
    }
    const shape = this.shapeOf(entry)
    const known = records.find((r) => r.id === event.recordId)
    const next =
      event.type === 'record.deleted'
        ? removeFromList(records, event.recordId, shape)
        : upsertIntoList(
            records,
            {
              id: event.recordId,
              createdTime: known?.createdTime ?? event.at,
              fields: event.fields,
            },
            shape,
          )
    if (next === undefined) {
      void this.revalidate(entry).catch(() => undefined)
      return false
    }
    // A record that was not shown and still is not: nothing changed.
    if (known === undefined && !next.some((r) => r.id === event.recordId)) return false
    entry.records = next
    return true
  }

  /** Cancels every waiting retry (the client closes). */
  stop(): void {
    for (const entry of this.#entries.values()) this.#cancelRetry(entry)
  }

  #scheduleRetry(entry: CacheEntry, error: AirsyncError): void {
    const delayMs = retryDelayMs({
      failures: entry.failures,
      baseMs: this.#options.retryBaseMs,
      retryAfterMs: error.retryAfterMs,
      random: this.#options.random ?? Math.random,
    })
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined
      if (entry.mounted) void this.revalidate(entry).catch(() => undefined)
    }, delayMs)
  }

  #cancelRetry(entry: CacheEntry): void {
    if (entry.retryTimer !== undefined) clearTimeout(entry.retryTimer)
    entry.retryTimer = undefined
  }

  /** The last listener left (and none came back in the same tick): unmounted. */
  #release(entry: CacheEntry): void {
    if (entry.listeners.size > 0) return
    entry.mounted = false
    this.#cancelRetry(entry)
  }

  #changed(entry: CacheEntry, source: 'server' | 'revalidate', recordId?: string): void {
    entry.version++
    for (const listener of entry.listeners) listener()
    this.#options.onChange({
      table: entry.table,
      source,
      ...(recordId !== undefined && { recordId }),
    })
  }
}
