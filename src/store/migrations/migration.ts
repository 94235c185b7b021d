/** The shape of one versioned migration. */
import type { Db } from '../db.ts'

/**
 * One step of the store's schema. Versions are applied in ascending order, each once; a shipped
 * migration is never edited, only followed by a new one. Unqualified names resolve in the store's
 * schema (search_path), so one migration serves every isolated store.
 */
export interface Migration {
  /** Positive, unique, ascending. */
  readonly version: number
  /** Kebab-case, for schema_migrations and error messages. */
  readonly name: string
  /** A script of statements without parameters. */
  readonly sql?: string
  /** For steps SQL alone cannot express; runs after `sql`, in the same transaction. */
  up?(db: Db): Promise<void>
}
