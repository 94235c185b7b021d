/**
 * The SQL support functions compiled filters call (`airsync_*`, formula/sql/support.ts): created
 * in the store's schema, so each isolated store resolves its own through `search_path`. The DDL
 * is `create or replace`; a later compiler change ships as a new migration re-running it.
 */
import { SQL_SUPPORT_DDL } from '../../formula/index.ts'
import type { Migration } from './migration.ts'

export const migration: Migration = { version: 2, name: 'formula-functions', sql: SQL_SUPPORT_DDL }
