/**
 * The SQL read path: one page of a list, with the database doing filter, sort and limit. Used
 * when the whole filter (policy row filter AND the caller's formula) compiles to SQL and the sort
 * compiles to keys (src/formula/compile-sort.ts); otherwise {@link selectSqlPage} answers
 * undefined and the caller takes the JS path (select.ts), which loads every matching row.
 *
 * Order: the sort keys (or the view's stored position, or nothing), then `created_time`, then
 * `ordinal` — a total order, so a page boundary is a tuple of key values. Paging is keyset: the
 * offset carries the last record's keys and the next page is `WHERE keys > those`. Chosen over
 * a numeric offset because it stays correct under concurrent writes — a record created, deleted
 * or re-sorted meanwhile moves only itself; no other record is repeated or skipped — and because
 * the database seeks instead of counting past earlier pages. maxRecords counts records sent
 * (carried in the offset). Should Postgres raise a data exception for some row, the answer is
 * undefined and the JS path decides, as it does for filters.
 */
import { compileFilter, compileSortKey, keysetAfter, orderByFragments } from '../formula/index.ts'
import type { SortKeySql } from '../formula/index.ts'
import { findField } from '../protocol/index.ts'
import { queryKeyedRecords, type Db, type MirrorRecord, type SqlFragment } from '../store/index.ts'
import type { KeysetPosition } from './offsets.ts'
import type { Selection } from './select.ts'

/** How much of the selection to return. */
export interface PageRequest {
  pageSize: number
  maxRecords: number | undefined
  /** Where the previous page ended; undefined for the first page. */
  after: KeysetPosition | undefined
  /** The text collation the database has (store's TEXT_COLLATION), if any. */
  textCollation: string | undefined
}

/** One page and where the next starts (undefined on the last page). */
export interface SqlPage {
  records: MirrorRecord[]
  next: KeysetPosition | undefined
}

const CREATION_KEYS: readonly SortKeySql[] = [
  { expr: { text: 'r.created_time', params: [] }, descending: false, type: 'timestamptz' },
  { expr: { text: 'r.ordinal', params: [] }, descending: false, type: 'bigint' },
]
const VIEW_KEY: SortKeySql = {
  expr: { text: 'v.position', params: [] },
  descending: false,
  type: 'bigint',
}

/** The page, or undefined when this selection needs the JS path. See the module header. */
export async function selectSqlPage(
  db: Db,
  request: { selection: Selection; page: PageRequest },
): Promise<SqlPage | undefined> {
  const { selection, page } = request
  const plan = planSql(selection, page.textCollation)
  if (plan === undefined) return undefined
  const sent = page.after?.position ?? 0
  const remaining = page.maxRecords === undefined ? Infinity : page.maxRecords - sent
  const take = Math.min(page.pageSize, remaining)
  if (take <= 0) return { records: [], next: undefined }
  const where = [...plan.where]
  if (page.after !== undefined) {
    if (page.after.keys.length !== plan.keys.length) return undefined
    where.push(keysetAfter(plan.keys, page.after.keys))
  }
  let rows
  try {
    rows = await queryKeyedRecords(db, {
      baseId: selection.baseId,
      tableId: selection.table.id,
      where,
      orderBy: orderByFragments(plan.keys),
      keys: plan.keys.map((k) => k.expr),
      ...(selection.viewId !== undefined && { viewId: selection.viewId }),
      limit: take + 1,
    })
  } catch (error) {
    if (db.inTransaction || !isDataException(error)) throw error
    return undefined
  }
  const records = rows.slice(0, take)
  const last = records[records.length - 1]
  const more = rows.length > take && remaining > take
  return {
    records: records.map((row) => row.record),
    next: more && last !== undefined ? { position: sent + take, keys: last.keys } : undefined,
  }
}

/** The WHERE fragments and the sort keys, or undefined when either needs JS. */
function planSql(
  selection: Selection,
  textCollation: string | undefined,
): { where: SqlFragment[]; keys: SortKeySql[] } | undefined {
  if (selection.useSql === false) return undefined
  const { table, schema } = selection
  const where: SqlFragment[] = []
  if (selection.filter !== null) {
    const compiled = compileFilter(
      selection.filter,
      { field: (name) => findField(table, name) },
      { nowMs: selection.nowMs },
    )
    if (compiled.kind !== 'sql') return undefined
    where.push(compiled.where)
  }
  let keys: SortKeySql[] = []
  if (selection.sort.length > 0) {
    const sorted = compileSortKey(selection.sort, {
      textCollation,
      primaryField: (tableId) => {
        const linked = schema.tables.find((t) => t.id === tableId)
        return linked?.fields.find((f) => f.id === linked.primaryFieldId)
      },
    })
    if (sorted.kind !== 'sql') return undefined
    keys = [...sorted.keys]
  } else if (selection.viewId !== undefined) {
    keys = [VIEW_KEY]
  }
  return { where, keys: [...keys, ...CREATION_KEYS] }
}

/** SQLSTATE class 22 (data exception: overflow, division by zero, invalid text). */
export function isDataException(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && code.startsWith('22')
}
