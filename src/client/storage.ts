/**
 * The offline queue's storage port (STYLE.md habit 4) and its in-memory implementation; the
 * IndexedDB one is storage-idb.ts. A {@link QueuedWrite} is stored before it is sent and
 * removed once settled, so a reload or crash in between replays it with the same
 * idempotency key (the server answers a replay without applying it twice).
 */
import type { Fields } from '../protocol/index.ts'

/** One record of a queued write. */
export interface QueuedRecord {
  /** The record: real, or temporary (`tmp…`) for a create and writes to a record not yet created. */
  id: string
  /** What to write (absent for deletes). */
  fields?: Fields
  /** The values the user last saw, for the server's three-way conflict check. */
  baseFields?: Fields
}

/** One write request waiting in the queue (one HTTP request when sent). */
export interface QueuedWrite {
  /** Sorts in enqueue order (time-based, then a counter). */
  id: string
  /** Sent as `Idempotency-Key`; never changes. */
  idempotencyKey: string
  table: string
  op: 'create' | 'update' | 'delete'
  records: QueuedRecord[]
  /** `pending`: not yet accepted by the server; `sent`: accepted (202), awaiting Airtable. */
  state: 'pending' | 'sent'
  /** After acceptance: the server's mutation ID and record ID per record (request order). */
  accepted?: { mutationId: string; recordId?: string; state: string }[]
  /** Send attempts without an answer or with a retryable error. */
  attempts: number
  createdAtMs: number
}

/** Where queued writes live. Implementations: memory, IndexedDB. */
export interface QueueStorage {
  /** Every stored write, in `id` order. */
  list(): Promise<QueuedWrite[]>
  /** Inserts or replaces. */
  put(writes: readonly QueuedWrite[]): Promise<void>
  remove(id: string): Promise<void>
  /** True when other tabs see the same data (so they must coordinate). */
  readonly shared: boolean
  /** Names the data: tabs coordinate per name (lock and channel). */
  readonly name: string
  close(): void
}

/** A process-local storage: lost on reload; for Node and tests. */
export function memoryStorage(): QueueStorage {
  const writes = new Map<string, QueuedWrite>()
  const copy = (w: QueuedWrite): QueuedWrite => structuredClone(w)
  return {
    shared: false,
    name: 'memory',
    list: () =>
      Promise.resolve([...writes.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(copy)),
    put: (items) => {
      for (const w of items) writes.set(w.id, copy(w))
      return Promise.resolve()
    },
    remove: (id) => {
      writes.delete(id)
      return Promise.resolve()
    },
    close: () => undefined,
  }
}
