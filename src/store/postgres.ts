/**
 * The {@link Db} port over a PostgreSQL server (pg Pool). Optionally confined to one Postgres
 * schema: the connections' `search_path` points at it, and notification channels and advisory
 * locks are scoped by it, so isolated stores (tests, tenants) on one server never meet.
 */
import pg from 'pg'
import { sleep } from '../shared/index.ts'
import type { AdvisoryLock, Db, Row, Unlisten } from './db.ts'
import { StoreError } from './errors.ts'
import { advisoryLockKeys, assertSchemaName, quoteIdent } from './sql.ts'

/** Options of {@link openPostgres}. */
export interface OpenPostgresOptions {
  /** `postgres://user@host:port/database`. */
  connectionString: string
  /**
   * Postgres schema holding the store's tables, created when missing; lower-case `[a-z0-9_]`.
   * @default the server's default search_path (usually `public`)
   */
  schema?: string
  /** Pool size. @default 10 */
  maxConnections?: number
}

const INT8_OID = 20

/** int8 as number on both implementations (PGlite does so): our counters stay far below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID
      ? (value: string): number => Number(value)
      : (pg.types.getTypeParser(
          oid,
          format ?? 'text',
        ) as unknown)) as pg.CustomTypesConfig['getTypeParser'],
}

/** Opens a pool on a PostgreSQL server. Migrations are not applied here: see `openStore`. */
export async function openPostgres(options: OpenPostgresOptions): Promise<Db> {
  const schema = options.schema === undefined ? undefined : assertSchemaName(options.schema)
  const config: pg.ClientConfig = {
    connectionString: options.connectionString,
    types,
    // Names the store's sessions in pg_stat_activity, per schema, for operators (and tests).
    application_name: schema === undefined ? 'airsync' : `airsync:${schema}`,
  }
  if (schema !== undefined) {
    const setup = new pg.Client(config)
    await setup.connect()
    try {
      await setup.query(`create schema if not exists ${quoteIdent(schema)}`)
    } catch (error) {
      // Two instances creating the schema together: the loser sees a unique violation.
      if (!isDuplicate(error)) throw error
    } finally {
      await setup.end()
    }
    config.options = `-c search_path=${schema}`
  }
  const pool = new pg.Pool({ ...config, max: options.maxConnections ?? 10 })
  // An idle client's network error would otherwise crash the process; the next query reconnects.
  pool.on('error', () => undefined)
  return new PostgresDb({ pool, config, namespace: schema ?? '' })
}

function isDuplicate(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '23505' || code === '42P06'
}

interface Shared {
  pool: pg.Pool
  config: pg.ClientConfig
  /** The schema name, or '' for the default search_path. */
  namespace: string
}

/** A channel name scoped by the schema, so stores in other schemas do not hear it. */
function scopedChannel(shared: Shared, channel: string): string {
  return shared.namespace === '' ? channel : `${shared.namespace}.${channel}`
}

class PostgresDb implements Db {
  readonly kind = 'postgres'
  readonly inTransaction: boolean = false
  readonly #shared: Shared
  readonly #listener: Listener
  /** Releases of the locks held, so close() frees them. */
  readonly #locks = new Set<() => Promise<void>>()
  #closed = false

  constructor(shared: Shared) {
    this.#shared = shared
    this.#listener = new Listener(shared.config)
  }

  async query<T extends object = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    this.#assertOpen()
    const result = await this.#shared.pool.query<T>(sql, [...params])
    return result.rows
  }

  async exec(sql: string): Promise<void> {
    this.#assertOpen()
    await this.#shared.pool.query(sql)
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.#assertOpen()
    const client = await this.#shared.pool.connect()
    let broken: Error | undefined
    try {
      await client.query('begin')
      const result = await fn(new PostgresTx(client, this.#shared, this))
      await client.query('commit')
      return result
    } catch (error) {
      try {
        await client.query('rollback')
      } catch (rollbackError) {
        broken = rollbackError as Error // the connection is unusable: destroy it, not reuse it
      }
      throw error
    } finally {
      client.release(broken)
    }
  }

  listen(channel: string, handler: (payload: string) => void): Promise<Unlisten> {
    this.#assertOpen()
    return this.#listener.add(scopedChannel(this.#shared, channel), handler)
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.query('select pg_notify($1, $2)', [scopedChannel(this.#shared, channel), payload])
  }

  async tryAdvisoryLock(key: string): Promise<AdvisoryLock | undefined> {
    this.#assertOpen()
    // A dedicated connection: a session lock lives as long as its connection, and holding a pooled
    // one would shrink the pool for as long as the lock is held.
    const client = new pg.Client(this.#shared.config)
    const lost = new AbortController()
    let released = false
    const onLoss = (reason: unknown): void => {
      if (!released) lost.abort(reason ?? new StoreError(`advisory lock ${key} lost`))
    }
    client.on('error', onLoss)
    client.on('end', () => onLoss(undefined))
    const [k1, k2] = advisoryLockKeys(this.#shared.namespace, key)
    try {
      await client.connect()
      const rows = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock($1, $2) as ok',
        [k1, k2],
      )
      if (rows.rows[0]?.ok !== true) {
        released = true
        await client.end()
        return undefined
      }
    } catch (error) {
      released = true
      await client.end().catch(() => undefined)
      throw error
    }
    const release = async (): Promise<void> => {
      if (released) return
      released = true
      this.#locks.delete(release)
      // Closing the session releases its locks; unlocking first just says so explicitly.
      await client.query('select pg_advisory_unlock($1, $2)', [k1, k2]).catch(() => undefined)
      await client.end().catch(() => undefined)
    }
    this.#locks.add(release)
    return { key, lost: lost.signal, release, [Symbol.asyncDispose]: release }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const release of [...this.#locks]) await release()
    await this.#listener.close()
    await this.#shared.pool.end()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('database is closed')
  }
}

/** The handle passed to a transaction callback: every call runs on the transaction's client. */
class PostgresTx implements Db {
  readonly kind = 'postgres'
  readonly inTransaction = true
  readonly #client: pg.PoolClient
  readonly #shared: Shared
  readonly #root: PostgresDb

  constructor(client: pg.PoolClient, shared: Shared, root: PostgresDb) {
    this.#client = client
    this.#shared = shared
    this.#root = root
  }

  async query<T extends object = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.#client.query<T>(sql, [...params])
    return result.rows
  }

  async exec(sql: string): Promise<void> {
    await this.#client.query(sql)
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this)
  }

  listen(channel: string, handler: (payload: string) => void): Promise<Unlisten> {
    return this.#root.listen(channel, handler)
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.query('select pg_notify($1, $2)', [scopedChannel(this.#shared, channel), payload])
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

const RECONNECT_MIN_MS = 200
const RECONNECT_MAX_MS = 5_000

/**
 * One dedicated connection carrying every LISTEN of a pool, reconnecting (and re-listening) when
 * it drops. Notifications sent while it is down are lost: consumers resume from the change feed
 * by sequence number, never from notifications alone.
 */
class Listener {
  readonly #config: pg.ClientConfig
  readonly #handlers = new Map<string, Set<(payload: string) => void>>()
  #client: Promise<pg.Client> | undefined
  #closed = false

  constructor(config: pg.ClientConfig) {
    this.#config = config
  }

  async add(channel: string, handler: (payload: string) => void): Promise<Unlisten> {
    let set = this.#handlers.get(channel)
    const first = set === undefined
    if (set === undefined) {
      set = new Set()
      this.#handlers.set(channel, set)
    }
    set.add(handler)
    const client = await this.#connected()
    if (first) await client.query(`listen ${quoteIdent(channel)}`)
    return async () => {
      const current = this.#handlers.get(channel)
      if (current === undefined || !current.delete(handler) || current.size > 0) return
      this.#handlers.delete(channel)
      if (this.#closed) return
      const live = await this.#connected()
      await live.query(`unlisten ${quoteIdent(channel)}`)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    const client = this.#client
    this.#client = undefined
    if (client !== undefined)
      await (await client.catch(() => undefined))?.end().catch(() => undefined)
  }

  #connected(): Promise<pg.Client> {
    this.#client ??= this.#connect()
    return this.#client
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client(this.#config)
    client.on('notification', (message) => {
      for (const handler of this.#handlers.get(message.channel) ?? [])
        handler(message.payload ?? '')
    })
    client.on('error', () => this.#reconnect(client))
    client.on('end', () => this.#reconnect(client))
    try {
      await client.connect()
    } catch (error) {
      this.#client = undefined
      throw new StoreError('cannot connect the LISTEN connection', { cause: error })
    }
    if (this.#closed) {
      // Closed while connecting (e.g. during a reconnect): do not leave the connection open.
      client.removeAllListeners()
      await client.end().catch(() => undefined)
      throw new StoreError('database is closed')
    }
    return client
  }

  #reconnect(dead: pg.Client): void {
    void this.#reconnectLoop(dead)
  }

  async #reconnectLoop(dead: pg.Client): Promise<void> {
    const current = await this.#client?.catch(() => undefined)
    if (this.#closed || current !== dead) return
    this.#client = undefined
    dead.removeAllListeners()
    await dead.end().catch(() => undefined)
    for (
      let delayMs = RECONNECT_MIN_MS;
      !this.#closed;
      delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS)
    ) {
      try {
        const client = await this.#connected()
        for (const channel of this.#handlers.keys())
          await client.query(`listen ${quoteIdent(channel)}`)
        return
      } catch {
        this.#client = undefined
        await sleep(delayMs)
      }
    }
  }
}
