/**
 * The client's methods over its parts (create-client.ts builds the parts): reads through the
 * cache with the queue's overlay, writes into the queue (stored first, then flushed), watches
 * for `useSyncExternalStore`.
 */
import type { AirtableRecord, Fields } from '../protocol/index.ts'
import type { CacheEntry, QueryCache } from './cache.ts'
import { cacheKey } from './cache.ts'
import type { QueueChannel } from './coordination.ts'
import type { AirsyncClient, ListWatch } from './create-client.ts'
import { AirsyncError } from './errors.ts'
import type { Http } from './http.ts'
import { isTempRecordId, newIdempotencyKey, newTempRecordId, newWriteId } from './ids.ts'
import { mergeFields } from './list-patch.ts'
import { overlayList, overlayRecord, resolveId } from './overlay.ts'
import type { OfflineQueue } from './queue.ts'
import type { QueueStorage, QueuedRecord, QueuedWrite } from './storage.ts'
import type { EventStream } from './stream.ts'
import type {
  AnyTables,
  ClientSnapshot,
  ListOptions,
  ListSnapshot,
  SdkEvent,
  TypedRecord,
  WriteHandle,
} from './types.ts'

/** The parts the methods use. */
export interface ClientParts {
  http: Http
  cache: QueryCache
  queue: OfflineQueue
  stream: EventStream | undefined
  storage: QueueStorage
  channel: QueueChannel | undefined
  start: () => Promise<void>
  loadLocal: () => Promise<unknown>
  emit: (event: SdkEvent) => void
  listeners: Set<(event: SdkEvent) => void>
  now: () => number
  settlers: Map<string, { resolve: (r: AirtableRecord[]) => void; reject: (e: unknown) => void }>
  unsubscribeOnline: () => void
  getQueueVersion: () => number
  getSnapshot: () => ClientSnapshot
}

/** A query without the options that do not change its answer. */
function queryOf(options: ListOptions): ListOptions {
  const query = { ...options }
  delete query.cache
  delete query.pageSize
  return query
}

/** Implements {@link AirsyncClient} over `parts`. */
export function buildClient<TTables extends AnyTables>(parts: ClientParts): AirsyncClient<TTables> {
  const { cache, queue } = parts
  type Rec = TypedRecord<never>
  const writesOf = (table: string): QueuedWrite[] => queue.writes.filter((w) => w.table === table)
  const present = (entry: CacheEntry): AirtableRecord[] => {
    const writes = writesOf(entry.table)
    if (entry.recordId !== undefined) {
      const one = overlayRecord(entry.records?.[0], entry.recordId, {
        writes,
        aliases: queue.aliases,
      })
      return one === undefined ? [] : [one]
    }
    if (writes.length === 0) return entry.records ?? []
    return overlayList(entry.records ?? [], writes, {
      shape: cache.shapeOf(entry),
      aliases: queue.aliases,
    })
  }
  /** What the app shows of a record now (for baseFields and optimistic answers). */
  const shown = (table: string, recordId: string): AirtableRecord | undefined => {
    const id = resolveId(recordId, queue.aliases)
    for (const entry of cache.all()) {
      if (entry.table !== table || entry.records === undefined) continue
      const found = present(entry).find((r) => r.id === id)
      if (found !== undefined && (entry.list?.fields === undefined || entry.recordId !== undefined))
        return found
    }
    return overlayRecord(undefined, recordId, { writes: writesOf(table), aliases: queue.aliases })
  }
  const enqueue = async (
    table: string,
    op: QueuedWrite['op'],
    records: QueuedRecord[],
  ): Promise<WriteHandle<never>> => {
    await parts.start()
    const write: QueuedWrite = {
      id: newWriteId(parts.now()),
      idempotencyKey: newIdempotencyKey(),
      table,
      op,
      records,
      state: 'pending',
      attempts: 0,
      createdAtMs: parts.now(),
    }
    const settled = new Promise<AirtableRecord[]>((resolve, reject) =>
      parts.settlers.set(write.id, { resolve, reject }),
    )
    settled.catch(() => undefined) // the app may ignore the outcome: events report it too
    await queue.enqueue(write)
    parts.emit({ type: 'change', table, source: 'optimistic' })
    const optimistic = records.map(
      (r) => shown(table, r.id) ?? { id: r.id, createdTime: '', fields: r.fields ?? {} },
    )
    return { id: write.id, records: optimistic as Rec[], settled: settled as Promise<Rec[]> }
  }
  const baseFieldsOf = (
    table: string,
    id: string,
    fields: Record<string, unknown>,
  ): Fields | undefined => {
    const record = shown(table, id)
    if (record === undefined) return undefined
    return Object.fromEntries(
      Object.keys(fields).map((name) => [name, record.fields[name] ?? null]),
    )
  }
  const update = (
    table: string,
    change: { id: string; fields: Record<string, unknown>; baseFields?: Fields | undefined },
  ): QueuedRecord => {
    const base = change.baseFields ?? baseFieldsOf(table, change.id, change.fields)
    return {
      id: resolveId(change.id, queue.aliases),
      fields: change.fields,
      ...(base !== undefined && { baseFields: base }),
    }
  }
  const listEntry = (table: string, options: ListOptions): CacheEntry =>
    cache.entry(table, queryOf(options))

  const client: AirsyncClient<AnyTables> = {
    async listRecords(table, options = {}) {
      void parts.start()
      void parts.loadLocal()
      const entry = listEntry(table, options)
      if (options.pageSize !== undefined) (entry.list as ListOptions).pageSize = options.pageSize
      await cache.read(entry, options.cache)
      return present(entry)
    },
    async getRecord(table, recordId) {
      void parts.start()
      const id = resolveId(recordId, queue.aliases)
      if (isTempRecordId(id)) {
        const local = shown(table, id)
        if (local !== undefined) return local
      }
      const entry = cache.entry(table, undefined, id)
      await cache.read(entry)
      const [record] = present(entry)
      if (record === undefined)
        throw new AirsyncError({ type: 'NOT_FOUND', message: 'Record not found', status: 404 })
      return record
    },
    createRecord: (table, fields) =>
      enqueue(table, 'create', [{ id: newTempRecordId(), fields: mergeFields({}, fields) }]),
    updateRecord: (table, recordId, fields) =>
      enqueue(table, 'update', [update(table, { id: recordId, fields })]),
    deleteRecord: (table, recordId) =>
      enqueue(table, 'delete', [{ id: resolveId(recordId, queue.aliases) }]),
    batchUpdate: (table, updates) =>
      enqueue(
        table,
        'update',
        updates.map((u) => update(table, u)),
      ),
    watchList(table, options = {}) {
      const entry = listEntry(table, options)
      let memo: { version: number; queue: number; snapshot: ListSnapshot<never> } | undefined
      const watch: ListWatch<never> = {
        subscribe(listener) {
          void parts.start()
          void parts.loadLocal()
          return cache.watch(entry, listener)
        },
        getSnapshot() {
          const queueVersion = parts.getQueueVersion()
          if (memo?.version === entry.version && memo.queue === queueVersion) return memo.snapshot
          const snapshot: ListSnapshot<never> = {
            status:
              entry.records !== undefined
                ? 'success'
                : entry.error !== undefined
                  ? 'error'
                  : 'loading',
            records: present(entry) as Rec[],
            error: entry.error,
            fetching: entry.inFlight !== undefined,
            fetchedAtMs: entry.fetchedAtMs,
          }
          memo = { version: entry.version, queue: queueVersion, snapshot }
          return snapshot
        },
      }
      return watch
    },
    subscribe(listener) {
      parts.listeners.add(listener)
      void parts.start()
      return () => parts.listeners.delete(listener)
    },
    getSnapshot: parts.getSnapshot,
    clearCache: (keyOrTable) => cache.clear(keyOrTable),
    cacheKey: (table, options = {}) => cacheKey(table, queryOf(options)),
    async flush() {
      await parts.start()
      await queue.flush()
    },
    whenSettled() {
      return new Promise<void>((resolve) => {
        const check = (): void => {
          if (!queue.idle) return
          parts.listeners.delete(check)
          resolve()
        }
        parts.listeners.add(check)
        check()
      })
    },
    close() {
      cache.stop()
      parts.stream?.stop()
      queue.stop()
      parts.unsubscribeOnline()
      parts.channel?.close()
      parts.storage.close()
      return Promise.resolve()
    },
    [Symbol.asyncDispose]() {
      return this.close()
    },
  }
  return client as unknown as AirsyncClient<TTables>
}
