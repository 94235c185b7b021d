/**
 * Applies the store's versioned migrations: all pending ones in one transaction, under an advisory
 * lock scoped to the current schema, so instances starting together apply each version once and
 * the loser simply finds it done.
 */
import type { Db } from '../db.ts'
import { MigrationError } from '../errors.ts'
import { migration as m0001 } from './0001-initial.ts'
import { migration as m0002 } from './0002-formula-functions.ts'
import { migration as m0003 } from './0003-keyed-cells.ts'
import type { Migration } from './migration.ts'

export type { Migration } from './migration.ts'

/** Every migration, in version order. Append new ones here. */
export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003]

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Versions applied by this call, ascending; empty when the store was up to date. */
  applied: number[]
  /** The schema version after the call. */
  version: number
}

/**
 * Brings the store's schema up to date. Safe to call on every start and concurrently from several
 * processes on one database.
 */
export async function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  checkOrder(migrations)
  return db.transaction(async (tx) => {
    // Transaction-scoped: released by COMMIT/ROLLBACK even if this process dies mid-way.
    await tx.query(
      `select pg_advisory_xact_lock(hashtext(current_schema()), hashtext('airsync:migrations'))`,
    )
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`)
    const done = new Set(
      (await tx.query<{ version: number }>('select version from schema_migrations')).map(
        (row) => row.version,
      ),
    )
    const applied: number[] = []
    for (const migration of migrations) {
      if (done.has(migration.version)) continue
      await apply(tx, migration)
      applied.push(migration.version)
    }
    const version = Math.max(0, ...done, ...applied)
    return { applied, version }
  })
}

async function apply(tx: Db, migration: Migration): Promise<void> {
  try {
    if (migration.sql !== undefined) await tx.exec(migration.sql)
    await migration.up?.(tx)
    await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
      migration.version,
      migration.name,
    ])
  } catch (error) {
    throw new MigrationError({
      version: migration.version,
      message: error instanceof Error ? error.message : String(error),
      cause: error,
    })
  }
}

function checkOrder(migrations: readonly Migration[]): void {
  let previous = 0
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new MigrationError({ version: migration.version, message: 'versions must ascend' })
    }
    previous = migration.version
  }
}
