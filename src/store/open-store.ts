/**
 * Opens the store the configuration names — a PostgreSQL server when a database URL is given,
 * otherwise PGlite in a data folder — and applies pending migrations.
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { Db } from './db.ts'
import { migrate } from './migrations/index.ts'
import { openPglite } from './pglite.ts'
import { openPostgres } from './postgres.ts'

/** Where the store lives. */
export interface StoreConfig {
  /** A PostgreSQL URL; when set, PGlite is not used. @default undefined */
  databaseUrl?: string | undefined
  /** PGlite's data folder when no database URL is set. @default './.airsync/' */
  dataDir?: string | undefined
  /** PostgreSQL schema for the tables (ignored by PGlite). @default the server's search_path */
  schema?: string | undefined
  /** PostgreSQL pool size. @default 10 */
  maxConnections?: number | undefined
}

/** PGlite's data folder when none is configured. */
export const DEFAULT_DATA_DIR = './.airsync/'

/** The PGlite database lives in a subfolder, leaving the data folder for other state. */
const PGLITE_SUBDIR = 'pglite'

const envSchema = z.looseObject({
  DATABASE_URL: z.string().min(1).optional(),
  AIRSYNC_DATA_DIR: z.string().min(1).optional(),
  AIRSYNC_DB_SCHEMA: z.string().min(1).optional(),
})

/**
 * The store's part of the environment (`DATABASE_URL`, `AIRSYNC_DATA_DIR`, `AIRSYNC_DB_SCHEMA`).
 * The CLI passes `process.env`; nothing in the store reads the environment itself.
 */
export function storeConfigFromEnv(env: Readonly<Record<string, string | undefined>>): StoreConfig {
  const parsed = envSchema.parse(env)
  return {
    databaseUrl: parsed.DATABASE_URL,
    dataDir: parsed.AIRSYNC_DATA_DIR,
    schema: parsed.AIRSYNC_DB_SCHEMA,
  }
}

/** Opens the configured database and brings its schema up to date. */
export async function openStore(config: StoreConfig = {}): Promise<Db> {
  const db =
    config.databaseUrl === undefined
      ? await openPglite({ dataDir: join(config.dataDir ?? DEFAULT_DATA_DIR, PGLITE_SUBDIR) })
      : await openPostgres({
          connectionString: config.databaseUrl,
          ...(config.schema === undefined ? {} : { schema: config.schema }),
          ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
        })
  try {
    await migrate(db)
  } catch (error) {
    await db.close()
    throw error
  }
  return db
}
