/**
 * The {@link Db} port over PGlite: Postgres compiled to WASM, in this process, persisted in a data
 * folder (or in memory). One PGlite instance is one connection, so PGlite's own mutex serialises
 * transactions; a data folder must have a single owner process.
 */
import { mkdir } from 'node:fs/promises'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import type { AdvisoryLock, Db, Row, Unlisten } from './db.ts'
import { StoreError } from './errors.ts'
import { quoteIdent } from './sql.ts'

/** Where a PGlite database lives: a data folder, or memory (tests). */
export type OpenPgliteOptions =
  | {
      /** Folder holding the database files; created when missing. */
      dataDir: string
    }
  | {
      /** An in-memory database, gone on close. */
      memory: true
      /**
       * Start from this dump (see {@link createPgliteTemplate}) instead of running initdb, which
       * is several times slower: tests open many databases.
       * @default a fresh initdb
       */
      template?: Blob
    }

/** Opens a PGlite database. Migrations are not applied here: see `openStore` / `migrate`. */
export async function openPglite(options: OpenPgliteOptions): Promise<Db> {
  let pg: PGlite
  if ('dataDir' in options) {
    await mkdir(options.dataDir, { recursive: true })
    pg = await PGlite.create(options.dataDir)
  } else if (options.template !== undefined) {
    pg = await PGlite.create({ loadDataDir: options.template })
  } else {
    pg = await PGlite.create()
  }
  return new PgliteDb(pg)
}

/**
 * A dump of a freshly initialised in-memory database, to open more of them quickly with
 * `openPglite({ memory: true, template })`. Apply migrations after opening, not before dumping,
 * so each test still exercises them.
 */
export async function createPgliteTemplate(): Promise<Blob> {
  const pg = await PGlite.create()
  try {
    return await pg.dumpDataDir('none')
  } finally {
    await pg.close()
  }
}

type Executor = Pick<Transaction, 'query' | 'exec'>

/** Process-local advisory locks: the one PGlite session would let every caller re-enter. */
class LocalLocks {
  readonly #held = new Map<string, AbortController>()
  take(key: string): AdvisoryLock | undefined {
    if (this.#held.has(key)) return undefined
    const controller = new AbortController()
    this.#held.set(key, controller)
    const release = (): Promise<void> => {
      if (this.#held.get(key) === controller) this.#held.delete(key)
      return Promise.resolve()
    }
    return { key, lost: controller.signal, release, [Symbol.asyncDispose]: release }
  }
  loseAll(): void {
    for (const controller of this.#held.values())
      controller.abort(new StoreError('database closed'))
    this.#held.clear()
  }
}

class PgliteDb implements Db {
  readonly kind = 'pglite'
  readonly inTransaction: boolean = false
  readonly #pg: PGlite
  readonly #locks = new LocalLocks()
  readonly #handlers = new Map<string, Set<(payload: string) => void>>()

  constructor(pg: PGlite) {
    this.#pg = pg
  }

  async query<T extends object = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    await turn()
    return runQuery<T>(this.#pg, sql, params)
  }

  async exec(sql: string): Promise<void> {
    await turn()
    await this.#pg.exec(sql)
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.#pg.transaction(async (tx) => {
      await turn()
      return fn(new PgliteTx(tx, this))
    })
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<Unlisten> {
    let handlers = this.#handlers.get(channel)
    if (handlers === undefined) {
      const set = new Set<(payload: string) => void>()
      handlers = set
      this.#handlers.set(channel, set)
      // One PGlite listener per channel for the database's life, dispatching to our handlers:
      // PGlite 0.5's unsubscribe does not remove a callback whose channel needed quoting.
      // Quoting keeps the name case- and character-exact (PGlite splices it into LISTEN).
      await this.#pg.listen(quoteIdent(channel), (payload) => {
        for (const each of set) each(payload)
      })
    }
    const set = handlers
    set.add(handler)
    return () => {
      set.delete(handler)
      return Promise.resolve()
    }
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.#pg.query('select pg_notify($1, $2)', [channel, payload])
  }

  tryAdvisoryLock(key: string): Promise<AdvisoryLock | undefined> {
    return Promise.resolve(this.#locks.take(key))
  }

  async close(): Promise<void> {
    if (this.#pg.closed) return
    this.#locks.loseAll()
    await this.#pg.close()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}

/** The handle passed to a PGlite transaction callback. */
class PgliteTx implements Db {
  readonly kind = 'pglite'
  readonly inTransaction = true
  readonly #tx: Transaction
  readonly #root: PgliteDb

  constructor(tx: Transaction, root: PgliteDb) {
    this.#tx = tx
    this.#root = root
  }

  query<T extends object = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return runQuery<T>(this.#tx, sql, params)
  }

  async exec(sql: string): Promise<void> {
    await this.#tx.exec(sql)
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this)
  }

  listen(channel: string, handler: (payload: string) => void): Promise<Unlisten> {
    return this.#root.listen(channel, handler)
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.#tx.query('select pg_notify($1, $2)', [channel, payload])
  }

  tryAdvisoryLock(key: string): Promise<AdvisoryLock | undefined> {
    return this.#root.tryAdvisoryLock(key)
  }

  close(): Promise<void> {
    return Promise.reject(new StoreError('close() called on a transaction handle'))
  }

  [Symbol.asyncDispose](): Promise<void> {
    return Promise.resolve()
  }
}

/**
 * One turn of the event loop. PGlite runs SQL synchronously in this thread and hands queued work
 * on in microtasks, so a queue of transactions would otherwise run back to back while timers and
 * sockets wait (the limiter's slots fired ~20 ms late under write load: bench/writes.bench.ts).
 * Each transaction, and each statement outside one, waits a turn first.
 */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

async function runQuery<T extends object>(
  executor: Executor,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const result = await executor.query<T>(sql, [...params])
  return result.rows
}
