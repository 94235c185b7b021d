/**
 * One suite over every implementation (STYLE habit 19): PGlite always, PostgreSQL when the test
 * environment sets `DATABASE_URL`. Each `open()` gives a fresh, isolated database — in-memory
 * PGlite, or a random Postgres schema dropped on dispose (test files in other processes share the
 * server) — so tests write `await using db = await backend.open()`.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { beforeAll } from 'vitest'
import type { Db } from './db.ts'
import { migrate } from './migrations/index.ts'
import { createPgliteTemplate, openPglite } from './pglite.ts'
import { openPostgres } from './postgres.ts'
import { quoteIdent } from './sql.ts'

/** Options of {@link TestBackend.open}. */
export interface TestOpenOptions {
  /** Apply the store's migrations. @default true */
  migrate?: boolean
}

/** A database a test owns; disposing it closes it (and drops its schema on PostgreSQL). */
export interface TestDb extends Db {
  /** Opens another pool on the same isolated database (PostgreSQL only; PGlite has one). */
  openPeer(): Promise<Db>
}

/** One implementation of the {@link Db} port for the shared suite. */
export interface TestBackend {
  readonly name: 'pglite' | 'postgres'
  open(options?: TestOpenOptions): Promise<TestDb>
}

/**
 * The backends to run the store's suites over. `env` defaults to the process environment: only
 * tests read it (STYLE habit 6 keeps `process.env` out of production code).
 */
export function testBackends(
  env: Readonly<Record<string, string | undefined>> = process.env,
): TestBackend[] {
  // PGlite's initdb takes seconds on a busy machine: pay it in a hook (hookTimeout), not in the
  // first test's budget.
  beforeAll(async () => {
    await pgliteTemplate()
  }, WARM_UP_TIMEOUT_MS)
  const backends: TestBackend[] = [pgliteBackend]
  const url = env['DATABASE_URL']
  if (url !== undefined && url !== '') backends.push(postgresBackend(url))
  return backends
}

const WARM_UP_TIMEOUT_MS = 180_000

/** One initdb per test process; every open starts from its dump. */
let template: Promise<Blob> | undefined

function pgliteTemplate(): Promise<Blob> {
  template ??= createPgliteTemplate()
  return template
}

const pgliteBackend: TestBackend = {
  name: 'pglite',
  async open(options = {}) {
    const db = await openPglite({ memory: true, template: await pgliteTemplate() })
    if (options.migrate !== false) await migrate(db)
    const testDb: TestDb = Object.assign(db, {
      openPeer: () => Promise.reject(new Error('PGlite has a single connection owner')),
    })
    return testDb
  },
}

function postgresBackend(connectionString: string): TestBackend {
  return {
    name: 'postgres',
    async open(options = {}) {
      const schema = `test_${randomBytes(8).toString('hex')}`
      const db = await openPostgres({ connectionString, schema })
      if (options.migrate !== false) await migrate(db)
      const closeDb = db.close.bind(db)
      let closed: Promise<void> | undefined
      const close = (): Promise<void> =>
        (closed ??= closeDb().then(() => dropSchema(connectionString, schema)))
      return Object.assign(db, {
        openPeer: () => openPostgres({ connectionString, schema }),
        close,
        [Symbol.asyncDispose]: close,
      })
    },
  }
}

async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    await client.query(`drop schema if exists ${quoteIdent(schema)} cascade`)
  } finally {
    await client.end()
  }
}
