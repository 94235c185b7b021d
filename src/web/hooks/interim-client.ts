/**
 * A stand-in for the SDK (src/client, issue 6) while it lands: the same names and snapshot shapes
 * as its planned `createAirsyncClient` (listRecords, watchList, createRecord, updateRecord,
 * subscribe, getSnapshot, close), implemented plainly — lists fetched whole and refetched when
 * `/v1/events` reports a change to their table; writes sent with an Idempotency-Key and
 * `Prefer: respond-async`, kept in localStorage while offline and replayed in order when back.
 * The hooks (airsync.tsx) are its only user, so switching to the SDK is one import there.
 *
 * Invariant: a write is stored (with its key) before it is sent, so a reload while offline
 * loses nothing and a replay is never applied twice by the server.
 */
import type { ClientSnapshot, ListOptions, ListSnapshot, SdkEvent, TypedRecord } from './types.ts'

/** Options, as the SDK's. */
export interface InterimClientOptions {
  url: string
  baseId: string
  getToken: () => Promise<string>
}

type Fields = Record<string, unknown>
interface QueuedWrite {
  key: string
  method: 'POST' | 'PATCH'
  table: string
  body: unknown
}
interface Entry {
  table: string
  options: ListOptions
  snapshot: ListSnapshot<Fields>
  listeners: Set<() => void>
  loading: boolean
}

/** An error with Airtable's type and a sentence for a toast. */
export class WebDataError extends Error {
  override readonly name = 'WebDataError'
  readonly type: string
  readonly status: number
  readonly userMessage: string
  constructor(type: string, status: number, userMessage: string) {
    super(`${type} (${status}): ${userMessage}`)
    this.type = type
    this.status = status
    this.userMessage = userMessage
  }
}

const QUEUE_KEY = 'presence.interim-queue'

function listQuery(options: ListOptions, offset: string | undefined): string {
  const q = new URLSearchParams()
  if (options.view !== undefined) q.set('view', options.view)
  if (options.filterByFormula !== undefined) q.set('filterByFormula', options.filterByFormula)
  if (options.maxRecords !== undefined) q.set('maxRecords', String(options.maxRecords))
  options.sort?.forEach((s, i) => {
    q.set(`sort[${i}][field]`, s.field)
    q.set(`sort[${i}][direction]`, s.direction ?? 'asc')
  })
  for (const field of options.fields ?? []) q.append('fields[]', field)
  if (offset !== undefined) q.set('offset', offset)
  return q.toString()
}

/** Creates the stand-in client. */
export function createInterimClient(options: InterimClientOptions) {
  const listeners = new Set<(event: SdkEvent) => void>()
  const entries = new Map<string, Entry>()
  let queue: QueuedWrite[] = JSON.parse(localStorage.getItem(QUEUE_KEY) ?? '[]') as QueuedWrite[]
  let snapshot: ClientSnapshot = {
    online: navigator.onLine,
    connected: false,
    queueSize: queue.length,
    sending: 0,
  }
  const emit = (event: SdkEvent): void => {
    for (const listener of listeners) listener(event)
  }
  const setSnapshot = (patch: Partial<ClientSnapshot>): void => {
    snapshot = { ...snapshot, ...patch }
  }

  async function request(path: string, init: RequestInit = {}): Promise<unknown> {
    const token = await options.getToken()
    let response: Response
    try {
      response = await fetch(`${options.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
      })
    } catch {
      throw new WebDataError('NETWORK_ERROR', 0, 'You appear to be offline.')
    }
    const body = (await response.json().catch(() => undefined)) as
      { error?: { type?: string; message?: string } | string } | undefined
    if (!response.ok) {
      const error = body?.error
      const type = typeof error === 'string' ? error : (error?.type ?? 'UNKNOWN')
      const message = typeof error === 'object' ? (error.message ?? type) : type
      throw new WebDataError(type, response.status, message)
    }
    return body
  }
  const tablePath = (table: string): string => `/v0/${options.baseId}/${encodeURIComponent(table)}`

  async function listRecords(
    table: string,
    list: ListOptions = {},
  ): Promise<TypedRecord<Fields>[]> {
    const records: TypedRecord<Fields>[] = []
    let offset: string | undefined
    do {
      const page = (await request(`${tablePath(table)}?${listQuery(list, offset)}`)) as {
        records: TypedRecord<Fields>[]
        offset?: string
      }
      records.push(...page.records)
      offset = page.offset
    } while (offset !== undefined)
    return records
  }

  function load(entry: Entry): void {
    if (entry.loading) return
    entry.loading = true
    const set = (patch: Partial<ListSnapshot<Fields>>): void => {
      entry.snapshot = { ...entry.snapshot, ...patch }
      for (const listener of entry.listeners) listener()
    }
    set({ fetching: true })
    listRecords(entry.table, entry.options).then(
      (records) => {
        entry.loading = false
        set({
          status: 'success',
          records,
          error: undefined,
          fetching: false,
          fetchedAtMs: Date.now(),
        })
      },
      (error: unknown) => {
        entry.loading = false
        const err =
          error instanceof WebDataError ? error : new WebDataError('UNKNOWN', 0, String(error))
        set({
          status: entry.snapshot.status === 'success' ? 'success' : 'error',
          error: err,
          fetching: false,
        })
      },
    )
  }

  function watchList(table: string, list: ListOptions = {}) {
    const key = `${table}?${listQuery(list, undefined)}`
    let entry = entries.get(key)
    if (entry === undefined) {
      entry = {
        table,
        options: list,
        listeners: new Set(),
        loading: false,
        snapshot: {
          status: 'loading',
          records: [],
          error: undefined,
          fetching: false,
          fetchedAtMs: undefined,
        },
      }
      entries.set(key, entry)
    }
    const e = entry
    return {
      subscribe(listener: () => void): () => void {
        e.listeners.add(listener)
        if (e.snapshot.fetchedAtMs === undefined) load(e)
        return () => e.listeners.delete(listener)
      },
      getSnapshot: (): ListSnapshot<Fields> => e.snapshot,
    }
  }

  const refetchTable = (table: string): void => {
    for (const entry of entries.values()) if (entry.table === table) load(entry)
  }

  function saveQueue(): void {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(queue))
    setSnapshot({ queueSize: queue.length })
    emit({ type: 'queue', size: queue.length })
  }

  let flushing = false
  async function flush(): Promise<void> {
    if (flushing || !navigator.onLine) return
    flushing = true
    try {
      while (queue.length > 0) {
        const write = queue[0]!
        setSnapshot({ sending: 1 })
        try {
          await request(tablePath(write.table), {
            method: write.method,
            headers: {
              'content-type': 'application/json',
              'idempotency-key': write.key,
              prefer: 'respond-async',
            },
            body: JSON.stringify(write.body),
          })
        } catch (error) {
          if (error instanceof WebDataError && error.type === 'NETWORK_ERROR') break
          const err =
            error instanceof WebDataError ? error : new WebDataError('UNKNOWN', 0, String(error))
          emit({
            type: 'mutation',
            outcome: 'failed',
            writeId: write.key,
            table: write.table,
            error: err,
          })
        }
        queue = queue.slice(1)
        saveQueue()
        refetchTable(write.table)
      }
    } finally {
      setSnapshot({ sending: 0 })
      flushing = false
    }
  }

  function enqueue(write: Omit<QueuedWrite, 'key'>): Promise<void> {
    queue = [...queue, { ...write, key: crypto.randomUUID() }]
    saveQueue()
    return flush()
  }

  /** Applies a patch to every cached copy of the record at once (optimistic). */
  function patchCached(table: string, recordId: string, fields: Fields): void {
    for (const entry of entries.values()) {
      if (entry.table !== table) continue
      const records = entry.snapshot.records.map((r) =>
        r.id === recordId ? { ...r, fields: { ...r.fields, ...fields } } : r,
      )
      entry.snapshot = { ...entry.snapshot, records }
      for (const listener of entry.listeners) listener()
    }
    emit({ type: 'change', table, recordId, source: 'optimistic' })
  }

  let stream: EventSource | undefined
  async function openStream(): Promise<void> {
    const token = await options.getToken()
    stream = new EventSource(`${options.url}/v1/events?access_token=${encodeURIComponent(token)}`)
    stream.onopen = () => {
      setSnapshot({ connected: true })
      emit({ type: 'stream', connected: true })
    }
    stream.onerror = () => {
      setSnapshot({ connected: false })
      emit({ type: 'stream', connected: false })
    }
    for (const type of ['record.created', 'record.updated', 'record.deleted']) {
      stream.addEventListener(type, (message: MessageEvent<string>) => {
        const data = JSON.parse(message.data) as { tableName: string; recordId: string }
        refetchTable(data.tableName)
        emit({ type: 'change', table: data.tableName, recordId: data.recordId, source: 'server' })
      })
    }
    stream.addEventListener('mutation.failed', (message: MessageEvent<string>) => {
      const data = JSON.parse(message.data) as {
        mutationId: string
        error?: { type: string; message: string }
      }
      const error = new WebDataError(
        data.error?.type ?? 'UNKNOWN',
        0,
        data.error?.message ?? 'A change was refused.',
      )
      emit({ type: 'mutation', outcome: 'failed', writeId: data.mutationId, table: '', error })
    })
  }
  const onOnline = (): void => {
    setSnapshot({ online: true })
    emit({ type: 'online' })
    void flush()
  }
  const onOffline = (): void => {
    setSnapshot({ online: false })
    emit({ type: 'offline' })
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)
  void openStream()
  void flush()

  return {
    listRecords,
    watchList,
    async updateRecord(table: string, recordId: string, fields: Fields): Promise<void> {
      patchCached(table, recordId, fields)
      await enqueue({ method: 'PATCH', table, body: { records: [{ id: recordId, fields }] } })
    },
    async createRecord(table: string, fields: Fields): Promise<void> {
      await enqueue({ method: 'POST', table, body: { records: [{ fields }] } })
    },
    subscribe(listener: (event: SdkEvent) => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: (): ClientSnapshot => snapshot,
    flush,
    close(): Promise<void> {
      stream?.close()
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
      return Promise.resolve()
    },
  }
}

/** The stand-in client. */
export type InterimClient = ReturnType<typeof createInterimClient>
