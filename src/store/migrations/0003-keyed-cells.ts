/**
 * Re-runs the formula support DDL (formula/sql/support.ts) for `airsync_list_key`, the key of
 * text list cells that keyed equalities compare and the per-field indexes (field-indexes.ts)
 * store.
 */
import { SQL_SUPPORT_DDL } from '../../formula/index.ts'
import type { Migration } from './migration.ts'

export const migration: Migration = { version: 3, name: 'keyed-cells', sql: SQL_SUPPORT_DDL }
