/**
 * The database port (STYLE habit 4): the little the store's consumers need from Postgres, with two
 * implementations — PGlite in-process (./pglite.ts) and a pg Pool (./postgres.ts).
 *
 * Invariants:
 * - SQL takes values only as `$n` parameters; identifiers go through `quoteIdent` (./sql.ts).
 * - A transaction runs on one connection; `transaction()` called on a transaction handle reuses it
 *   (no savepoint), so repository functions compose inside a caller's transaction.
 * - `notify()` is transactional: inside a transaction it is delivered only after COMMIT, and not at
 *   all after ROLLBACK (Postgres semantics, kept by both implementations).
 * - Row values come back the same on both: jsonb parsed, timestamptz as Date, int8 as number.
 */

/** A row as returned by {@link Db.query}. */
export type Row = Record<string, unknown>

/** Stops a {@link Db.listen} subscription. */
export type Unlisten = () => Promise<void>

/** A held session-level advisory lock; released by `release()` or on dispose. */
export interface AdvisoryLock extends AsyncDisposable {
  readonly key: string
  /** Aborted when the lock is known to be lost (its connection died): stop acting as its holder. */
  readonly lost: AbortSignal
  release(): Promise<void>
}

/** Which implementation backs a {@link Db}. */
export type DbKind = 'pglite' | 'postgres'

/** The database port. */
export interface Db extends AsyncDisposable {
  readonly kind: DbKind
  /** True on the handle passed to a `transaction()` callback. */
  readonly inTransaction: boolean
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T extends object = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
  /**
   * Runs `fn` inside BEGIN…COMMIT on one connection (ROLLBACK if it throws). Called on a
   * transaction handle, it runs `fn` in the same transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>
  /**
   * Calls `handler` with each payload sent on `channel`, from this or any other connection.
   * Channels are scoped by the Postgres schema, so isolated stores do not hear each other.
   */
  listen(channel: string, handler: (payload: string) => void): Promise<Unlisten>
  /** Sends `payload` on `channel`; inside a transaction it is delivered after COMMIT. */
  notify(channel: string, payload: string): Promise<void>
  /**
   * Takes the named session advisory lock without waiting; `undefined` when someone else holds it.
   * Exclusive across connections and processes on PostgreSQL, across callers in one process on
   * PGlite (a PGlite data folder has a single owner process).
   */
  tryAdvisoryLock(key: string): Promise<AdvisoryLock | undefined>
  /** Closes every connection. Idempotent. */
  close(): Promise<void>
}
