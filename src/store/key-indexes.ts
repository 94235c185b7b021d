/**
 * Per-field expression indexes on the mirror's records: one partial btree per (table, field) on
 * the key a keyed equality compares (formula/sql/keyed.ts, `airsync_text(cell)` or
 * `airsync_list_key(cell)`), then creation order, so `{Field} = "text"` reads the rows it returns
 * and pages in creation order without a sort. Which fields get one is the caller's decision
 * (the server derives them from the policies' row rules and the app's filters).
 *
 * DDL takes no parameters, so base, table and field IDs enter the statement as literals; they
 * are checked against Airtable's ID alphabet first. Index names are a hash of what they index,
 * so `create index if not exists` is idempotent and two bases never share a name.
 */
import { createHash } from 'node:crypto'
import { fieldKeyExpr, type KeyKind } from '../formula/index.ts'
import type { Db } from './db.ts'
import { StoreError } from './errors.ts'
import { quoteIdent } from './sql.ts'

/** One field whose key to index. */
export interface KeyIndex {
  tableId: string
  fieldId: string
  kind: KeyKind
}

const ID = /^[A-Za-z0-9_]{1,64}$/

function literal(id: string): string {
  if (!ID.test(id)) throw new StoreError(`not an Airtable ID: ${JSON.stringify(id)}`)
  return `'${id}'`
}

/** The index's name: stable for what it indexes. */
export function keyIndexName(baseId: string, key: KeyIndex): string {
  const hash = createHash('sha256')
    .update(`${baseId}\u0000${key.tableId}\u0000${key.fieldId}\u0000${key.kind}`)
    .digest('hex')
  return `records_key_${hash.slice(0, 20)}`
}

/** The `create index` statement of one key. */
export function keyIndexDdl(baseId: string, key: KeyIndex): string {
  const expr = fieldKeyExpr(key.kind, `(fields -> ${literal(key.fieldId)})`)
  return `create index if not exists ${quoteIdent(keyIndexName(baseId, key))}
    on records ((${expr}), created_time, ordinal)
    where base_id = ${literal(baseId)} and table_id = ${literal(key.tableId)}`
}

/**
 * Creates the indexes of `keys` that do not exist yet, then refreshes planner statistics when
 * it created any (an expression index's statistics come from ANALYZE).
 * @returns the names of the indexes created
 */
export async function ensureKeyIndexes(
  db: Db,
  options: { baseId: string; keys: readonly KeyIndex[] },
): Promise<string[]> {
  const existing = new Set(
    (
      await db.query<{ name: string }>(
        `select indexname as name from pg_indexes
         where schemaname = current_schema() and tablename = 'records'`,
      )
    ).map((row) => row.name),
  )
  const created: string[] = []
  for (const key of options.keys) {
    const name = keyIndexName(options.baseId, key)
    if (existing.has(name)) continue
    await db.exec(keyIndexDdl(options.baseId, key))
    existing.add(name)
    created.push(name)
  }
  if (created.length > 0) await db.exec('analyze records')
  return created
}
