/**
 * The offline queue in IndexedDB (via `idb`): one database per base, one object store keyed by
 * the write's `id` (which sorts in enqueue order). Shared by every tab of the origin, so it
 * survives reloads and tabs coordinate through coordination.ts.
 */
import { openDB, type IDBPDatabase } from 'idb'
import type { QueueStorage, QueuedWrite } from './storage.ts'

const STORE = 'writes'

/** Options of {@link indexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** The database name. @default `airsync-queue` */
  name?: string
}

/** Opens the IndexedDB queue storage. */
export function indexedDbStorage(options: IndexedDbStorageOptions = {}): QueueStorage {
  const name = options.name ?? 'airsync-queue'
  const opened: Promise<IDBPDatabase> = openDB(name, 1, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: 'id' })
    },
  })
  return {
    shared: true,
    name,
    async list() {
      return (await (await opened).getAll(STORE)) as QueuedWrite[]
    },
    async put(writes) {
      const tx = (await opened).transaction(STORE, 'readwrite')
      await Promise.all([...writes.map((w) => tx.store.put(w)), tx.done])
    },
    async remove(id) {
      await (await opened).delete(STORE, id)
    },
    close() {
      void opened.then((db) => db.close())
    },
  }
}
