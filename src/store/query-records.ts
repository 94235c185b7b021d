/**
 * The read path's query over the mirror: a table's records filtered by an SQL fragment (a
 * formula compiled to SQL, a policy's row filter), ordered by fragments or by a view's stored
 * order, paged by limit/offset. The fragments come from the formula compiler and the API, which
 * put every value in `params`; this module only numbers and assembles them.
 *
 * In fragments, a record's columns are `r.id`, `r.created_time` (timestamptz), `r.ordinal` and `r.fields`
 * (jsonb keyed by field ID, e.g. `r.fields->>'fldName'` — with the ID as a parameter, preferably).
 */
import type { Db } from './db.ts'
import { StoreError } from './errors.ts'
import type { MirrorRecord, TableRef } from './records.ts'
import { isoOf, numberOf } from './sql.ts'

/**
 * A piece of SQL and its values. Placeholders are numbered from `$1` within the fragment and
 * renumbered when assembled, so a fragment must contain no other `$digits` (no string literals
 * or dollar quotes: values belong in `params`).
 */
export interface SqlFragment {
  readonly text: string
  readonly params: readonly unknown[]
}

/** Options of {@link queryRecords}. */
export interface QueryRecordsOptions extends TableRef {
  /** Boolean condition; fragments are ANDed (e.g. the formula and the policy's row filter). */
  where?: readonly SqlFragment[]
  /**
   * Sort keys, each an expression with its direction and null placement, e.g.
   * `{ text: "r.fields->>$1 desc nulls last", params: ['fldName'] }`. Ties fall back to the
   * view's order (when `viewId` is given), then creation order.
   */
  orderBy?: readonly SqlFragment[]
  /** Only the view's records, in the view's stored order (see ./views.ts). */
  viewId?: string
  /** At most this many records. @default no limit */
  limit?: number
  /** Skip this many records. @default 0 */
  offset?: number
}

/** A table's records matching the options. */
export async function queryRecords(db: Db, options: QueryRecordsOptions): Promise<MirrorRecord[]> {
  const rows = await queryKeyedRecords(db, { ...options, keys: [] })
  return rows.map((row) => row.record)
}

/** Options of {@link queryKeyedRecords}. */
export interface QueryKeyedRecordsOptions extends QueryRecordsOptions {
  /**
   * Expressions read back with each record (e.g. its sort keys, for a keyset offset), as JSON
   * values (`to_jsonb`): numbers, strings, arrays; timestamps as ISO text with an offset.
   */
  keys: readonly SqlFragment[]
}

/** A record and its {@link QueryKeyedRecordsOptions.keys}' values. */
export interface KeyedRecord {
  record: MirrorRecord
  keys: unknown[]
}

/** {@link queryRecords}, each record with the values of `keys`. */
export async function queryKeyedRecords(
  db: Db,
  options: QueryKeyedRecordsOptions,
): Promise<KeyedRecord[]> {
  const builder = new Assembler([options.baseId, options.tableId])
  const view =
    options.viewId === undefined
      ? ''
      : `join (
           select u.record_id, u.position
           from view_records vr
           cross join unnest(vr.record_ids) with ordinality as u(record_id, position)
           where vr.base_id = $1 and vr.table_id = $2 and vr.view_id = ${builder.param(options.viewId)}
         ) v on v.record_id = r.id`
  const keys = options.keys.map((fragment) => `to_jsonb(${builder.add(fragment)})`)
  const where = (options.where ?? []).map((fragment) => `(${builder.add(fragment)})`)
  const order = (options.orderBy ?? []).map((fragment) => builder.add(fragment))
  if (options.viewId !== undefined) order.push('v.position')
  order.push('r.created_time', 'r.ordinal')
  const limit = options.limit === undefined ? '' : `limit ${builder.param(count(options.limit))}`
  const offset =
    options.offset === undefined ? '' : `offset ${builder.param(count(options.offset))}`
  const rows = await db.query<Record<string, unknown>>(
    `select r.id, r.created_time, r.fields, r.last_seq, json_build_array(${keys.join(', ')}) as keys
     from records r ${view}
     where r.base_id = $1 and r.table_id = $2 ${where.map((w) => `and ${w}`).join(' ')}
     order by ${order.join(', ')}
     ${limit} ${offset}`,
    builder.params,
  )
  return rows.map((row) => ({
    record: {
      id: String(row['id']),
      createdTime: isoOf(row['created_time']),
      fields: row['fields'] as Record<string, unknown>,
      lastSeq: numberOf(row['last_seq']),
    },
    keys: keys.length === 0 ? [] : parseKeys(row['keys']),
  }))
}

/** json_build_array comes back parsed (pg, PGlite) or, for `json`, possibly as text. */
function parseKeys(value: unknown): unknown[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value
  if (!Array.isArray(parsed)) throw new StoreError('query keys are not an array')
  return parsed
}

/** The name of the collation for Airtable's text order (created by migration 1 where ICU exists). */
export const TEXT_COLLATION = 'airsync_text'

/** True when {@link TEXT_COLLATION} exists in the current schema path. */
export async function hasTextCollation(db: Db): Promise<boolean> {
  const rows = await db.query<{ found: boolean }>(
    `select exists (
       select 1 from pg_collation c join pg_namespace n on n.oid = c.collnamespace
       where c.collname = $1 and n.nspname = any (current_schemas(false))
     ) as found`,
    [TEXT_COLLATION],
  )
  return rows[0]?.found === true
}

/** Counts a table's records matching `where` (and the view, when given). */
export async function countMatchingRecords(
  db: Db,
  options: Pick<QueryRecordsOptions, 'baseId' | 'tableId' | 'where' | 'viewId'>,
): Promise<number> {
  const builder = new Assembler([options.baseId, options.tableId])
  const view =
    options.viewId === undefined
      ? ''
      : `and exists (select 1 from view_records vr
           where vr.base_id = $1 and vr.table_id = $2 and vr.view_id = ${builder.param(options.viewId)}
             and r.id = any(vr.record_ids))`
  const where = (options.where ?? []).map((fragment) => `and (${builder.add(fragment)})`)
  const rows = await db.query<{ n: unknown }>(
    `select count(*) as n from records r
     where r.base_id = $1 and r.table_id = $2 ${view} ${where.join(' ')}`,
    builder.params,
  )
  return numberOf(rows[0]?.n)
}

const PLACEHOLDER = /\$(\d+)/g

/** Collects parameters and renumbers fragments' placeholders after those already taken. */
class Assembler {
  readonly params: unknown[]
  constructor(initial: readonly unknown[]) {
    this.params = [...initial]
  }

  /** A placeholder for one more value. */
  param(value: unknown): string {
    this.params.push(value)
    return `$${this.params.length}`
  }

  /** The fragment's text with its placeholders renumbered; its values appended. */
  add(fragment: SqlFragment): string {
    const shift = this.params.length
    const text = fragment.text.replace(PLACEHOLDER, (_match, digits: string) => {
      const index = Number(digits)
      if (index < 1 || index > fragment.params.length) {
        throw new StoreError(`fragment placeholder $${digits} has no parameter`)
      }
      return `$${index + shift}`
    })
    this.params.push(...fragment.params)
    return text
  }
}

function count(value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new StoreError(`not a count: ${value}`)
  return value
}
