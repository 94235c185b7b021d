/**
 * `createAirsyncClient`: the SDK's entry point. Composes the HTTP helper, the read cache, the
 * offline queue and the change stream, and presents their union: server data (cache) with this
 * device's pending writes laid over it (overlay.ts). Framework-free: `subscribe` + snapshots
 * (STYLE.md habit 14); React adapts with `useSyncExternalStore`.
 *
 * Invariants: a read never waits on the queue; a write resolves once stored (before it is
 * sent); every change to what a snapshot shows bumps that snapshot's identity.
 */
import type { AirtableRecord, Fields, StreamEvent } from '../protocol/index.ts'
import { QueryCache, type CacheEntry } from './cache.ts'
import {
  openQueueChannel,
  sharedLock,
  soloLock,
  type QueueMessage,
  type TabLock,
} from './coordination.ts'
import { buildClient } from './client-api.ts'
import { AirsyncError } from './errors.ts'
import { createHttp, type FetchLike } from './http.ts'
import type * as LocalQueryModule from './local-query.ts'
import type { LocalQuery } from './local-query.ts'
import { browserOnlineSignal, type OnlineSignal } from './online.ts'
import { resolveId } from './overlay.ts'
import { OfflineQueue, type Settlement } from './queue.ts'
import { indexedDbStorage } from './storage-idb.ts'
import { memoryStorage, type QueueStorage } from './storage.ts'
import { createEventStream } from './stream.ts'
import type {
  AnyTables,
  ClientSnapshot,
  FieldsPatch,
  ListOptions,
  ListSnapshot,
  SdkEvent,
  TableConfig,
  TypedRecord,
  WriteHandle,
} from './types.ts'
import { readRecord } from './wire.ts'

/** Options of {@link createAirsyncClient}. */
export interface AirsyncClientOptions {
  /** airsync's origin, e.g. `https://sync.example.com`. */
  url: string
  /** The base, e.g. `appPresenceDemo01`. */
  baseId: string
  /** A fresh bearer token (user JWT); called per request. */
  getToken: () => string | Promise<string>
  /** @default globalThis.fetch */
  fetch?: FetchLike
  /** Where queued writes live. @default IndexedDB where it exists, else memory */
  storage?: QueueStorage
  /** @default the browser's navigator.onLine and online/offline events */
  online?: OnlineSignal
  /** @default Date */
  clock?: { now(): number }
  /** Cache configuration per table name (TTL, view definitions). @default no caching */
  tables?: Record<string, TableConfig>
  /** Keep the cache live with `/v1/events`. @default true */
  live?: boolean
  /** Tables to stream; all readable tables when omitted. */
  streamTables?: readonly string[]
  /** Poll a sent write's outcome this often without a stream, in ms. @default 2000 */
  pollIntervalMs?: number
  /**
   * First retry delay of a failed send or watched read, doubled up to 30 s and never shorter
   * than the server's `Retry-After`, in ms. @default 1000
   */
  retryBaseMs?: number
  /** Which tab sends a shared queue. @default Web Locks / BroadcastChannel lease for IndexedDB */
  lock?: TabLock
}

/** The typed client; `TTables` maps table names to fields (e.g. `PresenceTables`). */
export interface AirsyncClient<TTables extends AnyTables = AnyTables> extends AsyncDisposable {
  /** Every record of a query (all pages), from the cache when fresh. */
  listRecords<K extends keyof TTables & string>(
    table: K,
    options?: ListOptions<TTables[K]>,
  ): Promise<TypedRecord<TTables[K]>[]>
  /** One record (NOT_FOUND when it does not exist or is not readable). */
  getRecord<K extends keyof TTables & string>(
    table: K,
    recordId: string,
  ): Promise<TypedRecord<TTables[K]>>
  /** Queues a create; the record has a temporary ID until Airtable commits it. */
  createRecord<K extends keyof TTables & string>(
    table: K,
    fields: FieldsPatch<TTables[K]>,
  ): Promise<WriteHandle<TTables[K]>>
  /** Queues an update; `baseFields` defaults to the values currently shown. */
  updateRecord<K extends keyof TTables & string>(
    table: K,
    recordId: string,
    fields: FieldsPatch<TTables[K]>,
  ): Promise<WriteHandle<TTables[K]>>
  deleteRecord<K extends keyof TTables & string>(
    table: K,
    recordId: string,
  ): Promise<WriteHandle<TTables[K]>>
  /** Queues any number of updates as one write (the server splits by 10). */
  batchUpdate<K extends keyof TTables & string>(
    table: K,
    updates: readonly {
      id: string
      fields: FieldsPatch<TTables[K]>
      /** What the user last saw of these fields. @default the values shown now */
      baseFields?: Fields
    }[],
  ): Promise<WriteHandle<TTables[K]>>
  /** A live view of a query for `useSyncExternalStore`. */
  watchList<K extends keyof TTables & string>(
    table: K,
    options?: ListOptions<TTables[K]>,
  ): ListWatch<TTables[K]>
  /** SDK events; returns the unsubscribe. */
  subscribe(listener: (event: SdkEvent) => void): () => void
  getSnapshot(): ClientSnapshot
  /** Drops cached data: one query key, one table, or everything. */
  clearCache(keyOrTable?: string): void
  /** The cache key of a query (for `clearCache`). */
  cacheKey(table: string, options?: ListOptions): string
  /** Sends queued writes now (when online and this tab holds the queue). */
  flush(): Promise<void>
  /** Resolves once every queued write is settled (tests, "sync now" buttons). */
  whenSettled(): Promise<void>
  close(): Promise<void>
}

/** A watched query. */
export interface ListWatch<TFields> {
  subscribe(listener: () => void): () => void
  getSnapshot(): ListSnapshot<TFields>
}

type LocalModule = typeof LocalQueryModule

/**
 * Creates the client.
 * @example
 * const client = createAirsyncClient<PresenceTables>({ url, baseId, getToken, tables: PRESENCE_TABLE_CONFIG })
 * const hosts = await client.listRecords('Hosts Registry', { view: 'Active Hosts' })
 */
export function createAirsyncClient<TTables extends AnyTables = AnyTables>(
  options: AirsyncClientOptions,
): AirsyncClient<TTables> {
  const now = (): number => options.clock?.now() ?? Date.now()
  const http = createHttp({
    url: options.url,
    baseId: options.baseId,
    getToken: options.getToken,
    fetch: options.fetch ?? ((request) => fetch(request)),
  })
  const hasIdb = options.storage === undefined && typeof globalThis.indexedDB !== 'undefined'
  const storage =
    options.storage ??
    (hasIdb ? indexedDbStorage({ name: `airsync-queue:${options.baseId}` }) : memoryStorage())
  const lockName = `airsync:${storage.name}`
  const lock = options.lock ?? (storage.shared ? sharedLock(lockName) : soloLock())
  const signal = options.online ?? browserOnlineSignal()
  const listeners = new Set<(event: SdkEvent) => void>()
  const emit = (event: SdkEvent): void => {
    snapshot = undefined
    for (const listener of listeners) listener(event)
  }
  let reachable = true
  let snapshot: ClientSnapshot | undefined
  let queueVersion = 0
  let local: LocalModule | undefined
  let localLoading: Promise<LocalModule> | undefined
  const loadLocal = (): Promise<LocalModule> =>
    (localLoading ??= import('./local-query.ts').then((m) => (local = m)))
  const isOnline = (): boolean => signal.isOnline() && reachable
  const settlers = new Map<
    string,
    { resolve: (r: AirtableRecord[]) => void; reject: (e: unknown) => void }
  >()
  const tableConfig = (table: string): TableConfig => options.tables?.[table] ?? {}

  const buildQuery = (entry: CacheEntry): LocalQuery | null | undefined => {
    if (local === undefined) return undefined
    const list = entry.list ?? {}
    const view = list.view === undefined ? undefined : tableConfig(entry.table).views?.[list.view]
    if (list.view !== undefined && view === undefined) return null
    const filters = [view?.filterByFormula, list.filterByFormula].filter((f) => f !== undefined)
    const sort = list.sort ?? view?.sort ?? []
    return local.createLocalQuery({ filters, sort, nowMs: now }) ?? null
  }
  const cache = new QueryCache({
    now,
    tableConfig,
    buildQuery,
    load: async (entry) => {
      if (entry.recordId === undefined) return http.listAll(entry.table, entry.list ?? {})
      const path = `${http.tablePath(entry.table)}/${encodeURIComponent(entry.recordId)}`
      return [readRecord(await http.json({ method: 'GET', path }))]
    },
    onChange: (change) => emit({ type: 'change', ...change }),
    retryBaseMs: options.retryBaseMs ?? 1000,
  })
  /** A write settled by the tab holding the queue: its promise and the same event here. */
  const settledElsewhere = (message: Extract<QueueMessage, { kind: 'settled' }>): void => {
    const error =
      message.outcome === 'committed'
        ? undefined
        : new AirsyncError({
            type: message.errorType ?? 'SERVER_ERROR',
            message: message.errorMessage ?? message.outcome,
            status: message.errorStatus ?? 422,
          })
    settleLocal(message.writeId, error)
    emit({
      type: 'mutation',
      outcome: message.outcome,
      writeId: message.writeId,
      table: message.table,
      idMap: message.idMap ?? {},
      ...(error !== undefined && { error }),
    })
  }
  const channel = storage.shared
    ? openQueueChannel(`${lockName}:changes`, (message) => {
        if (message.kind === 'changed') void queue.reload().then(() => queue.flush())
        else settledElsewhere(message)
      })
    : undefined
  const settleLocal = (
    writeId: string,
    error: AirsyncError | undefined,
    records: AirtableRecord[] = [],
  ): void => {
    const settler = settlers.get(writeId)
    settlers.delete(writeId)
    if (error === undefined) settler?.resolve(records)
    else settler?.reject(error)
  }
  const onSettled = (s: Settlement): void => {
    const ids = (id: string): string => s.idMap[id] ?? resolveId(id, queue.aliases)
    const records = s.write.records.map((r) => ({
      id: ids(r.id),
      createdTime: '',
      fields: r.fields ?? {},
    }))
    if (s.outcome === 'committed') cache.applyCommitted(s.write.table, { op: s.write.op, records })
    const committed = s.records ?? records
    settleLocal(s.write.id, s.error, committed)
    channel?.post({
      kind: 'settled',
      writeId: s.write.id,
      table: s.write.table,
      outcome: s.outcome,
      idMap: s.idMap,
      ...(s.error !== undefined && {
        errorType: s.error.type,
        errorMessage: s.error.message,
        errorStatus: s.error.status,
      }),
    })
    emit({
      type: 'mutation',
      outcome: s.outcome,
      writeId: s.write.id,
      table: s.write.table,
      idMap: s.idMap,
      ...(s.outcome === 'committed' && { records: committed }),
      ...(s.error !== undefined && { error: s.error }),
    })
  }
  const queue: OfflineQueue = new OfflineQueue({
    http,
    storage,
    lock,
    isOnline,
    isStreaming: () => stream?.connected === true,
    pollIntervalMs: options.pollIntervalMs ?? 2000,
    retryBaseMs: options.retryBaseMs ?? 1000,
    onSettled,
    onChanged: () => {
      queueVersion++
      for (const entry of cache.all()) for (const l of entry.listeners) l()
      emit({ type: 'queue', size: queue.writes.length })
    },
    onReachable: (value) => {
      if (reachable === value) return
      const was = isOnline()
      reachable = value
      if (was !== isOnline()) emit({ type: isOnline() ? 'online' : 'offline' })
    },
    notifyTabs: () => channel?.post({ kind: 'changed' }),
  })
  let eventChain: Promise<void> = Promise.resolve()
  const onStreamEvent = (event: StreamEvent): void => {
    if (event.type === 'reset') {
      cache.invalidate()
      emit({ type: 'reset' })
    } else if (event.type.startsWith('mutation.')) {
      const m = event as Extract<StreamEvent, { mutationId: string }>
      queue.applyOutcome({ ...m, state: m.type.slice('mutation.'.length) })
    } else {
      const record = event as Extract<StreamEvent, { recordId: string; fields: object }>
      // In order, once the evaluator is loaded: a list re-check needs it.
      eventChain = eventChain.then(loadLocal).then(
        () => cache.applyEvent(record),
        () => cache.applyEvent(record),
      )
    }
  }
  const stream =
    options.live === false
      ? undefined
      : createEventStream({
          http,
          tables: options.streamTables,
          onEvent: onStreamEvent,
          onConnected: (connected) => emit({ type: 'stream', connected }),
          isOnline,
        })
  let started: Promise<void> | undefined
  const start = (): Promise<void> =>
    (started ??= (async () => {
      stream?.start()
      await queue.start()
    })())
  const unsubscribeOnline = signal.subscribe((online) => {
    if (online) reachable = true
    emit({ type: online ? 'online' : 'offline' })
    if (online) {
      void queue.flush()
      stream?.poke()
    }
  })

  return buildClient<TTables>({
    http,
    cache,
    queue,
    stream,
    start,
    loadLocal,
    emit,
    listeners,
    now,
    settlers,
    storage,
    channel,
    unsubscribeOnline,
    getQueueVersion: () => queueVersion,
    getSnapshot: () =>
      (snapshot ??= {
        online: isOnline(),
        connected: stream?.connected === true,
        queueSize: queue.writes.length,
        sending: queue.writes.filter((w) => w.state === 'sent').length,
      }),
  })
}
