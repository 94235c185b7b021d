/**
 * Builds a parameterised "insert or update only the given columns" statement from a patch object:
 * a key that is absent stays untouched, `null` clears the column (Airtable's PATCH rule, which
 * `exactOptionalPropertyTypes` makes visible). Column names come from a fixed map, never input.
 */
import type { Db } from './db.ts'
import { jsonParam, quoteIdent } from './sql.ts'

/** Postgres types the patch columns use, for parameter casts. */
export type ColumnType = 'text' | 'timestamptz' | 'integer' | 'bigint' | 'boolean' | 'jsonb'

/** A patchable property: its column and type. */
export interface ColumnSpec {
  column: string
  type: ColumnType
}

/** Inserts a row with `keys`, or updates the existing one, setting only the patch's columns. */
export async function upsertPatch<TPatch extends object>(
  db: Db,
  target: {
    table: string
    keys: Record<string, string>
    columns: Record<keyof TPatch, ColumnSpec>
  },
  patch: TPatch,
): Promise<void> {
  const names: string[] = []
  const values: unknown[] = []
  const casts: string[] = []
  for (const [column, value] of Object.entries(target.keys)) {
    names.push(quoteIdent(column))
    values.push(value)
    casts.push('text')
  }
  const keyCount = names.length
  for (const [property, spec] of Object.entries<ColumnSpec>(target.columns)) {
    if (!Object.hasOwn(patch, property)) continue
    const value = (patch as Record<string, unknown>)[property]
    if (value === undefined) continue
    names.push(quoteIdent(spec.column))
    values.push(spec.type === 'jsonb' && value !== null ? jsonParam(value) : value)
    casts.push(spec.type)
  }
  const placeholders = casts.map((cast, index) => `$${index + 1}::${cast}`)
  const updates = names.slice(keyCount).map((name) => `${name} = excluded.${name}`)
  updates.push('updated_at = now()')
  await db.query(
    `insert into ${quoteIdent(target.table)} (${names.join(', ')})
     values (${placeholders.join(', ')})
     on conflict (${names.slice(0, keyCount).join(', ')}) do update set ${updates.join(', ')}`,
    values,
  )
}

/**
 * Updates the row matching `keys`, setting only the patch's columns.
 * @returns whether a row matched
 */
export async function updatePatch<TPatch extends object>(
  db: Db,
  target: {
    table: string
    keys: Record<string, string>
    columns: Record<keyof TPatch, ColumnSpec>
  },
  patch: TPatch,
): Promise<boolean> {
  const values: unknown[] = []
  const sets: string[] = []
  for (const [property, spec] of Object.entries<ColumnSpec>(target.columns)) {
    const value = (patch as Record<string, unknown>)[property]
    if (!Object.hasOwn(patch, property) || value === undefined) continue
    values.push(spec.type === 'jsonb' && value !== null ? jsonParam(value) : value)
    sets.push(`${quoteIdent(spec.column)} = $${values.length}::${spec.type}`)
  }
  sets.push('updated_at = now()')
  const where = Object.entries(target.keys).map(([column, value]) => {
    values.push(value)
    return `${quoteIdent(column)} = $${values.length}`
  })
  const rows = await db.query(
    `update ${quoteIdent(target.table)} set ${sets.join(', ')} where ${where.join(' and ')}
     returning 1 as found`,
    values,
  )
  return rows.length > 0
}

/**
 * Updates many rows, each by its key, with the same patch columns per row (one statement per
 * distinct set of columns). @returns how many rows matched
 */
export async function updatePatches<TPatch extends object>(
  db: Db,
  target: { table: string; key: string; columns: Record<keyof TPatch, ColumnSpec> },
  rows: readonly { key: string; patch: TPatch }[],
): Promise<number> {
  const groups = new Map<string, { specs: ColumnSpec[]; records: Record<string, unknown>[] }>()
  for (const { key, patch } of rows) {
    const present = Object.entries<ColumnSpec>(target.columns).filter(([property]) => {
      const value = (patch as Record<string, unknown>)[property]
      return Object.hasOwn(patch, property) && value !== undefined
    })
    const signature = present.map(([property]) => property).join(',')
    const group = groups.get(signature) ?? { specs: present.map(([, spec]) => spec), records: [] }
    const record: Record<string, unknown> = { key }
    for (const [property, spec] of present) {
      record[spec.column] = (patch as Record<string, unknown>)[property]
    }
    group.records.push(record)
    groups.set(signature, group)
  }
  let matched = 0
  for (const { specs, records } of groups.values()) {
    const columns = specs.map((spec) => `${quoteIdent(spec.column)} ${spec.type}`)
    // A JSON null read into a jsonb column is the jsonb `null`: cleared means SQL NULL here too.
    const sets = specs.map((spec) => {
      const value = `v.${quoteIdent(spec.column)}`
      const cleared = spec.type === 'jsonb' ? `nullif(${value}, 'null'::jsonb)` : value
      return `${quoteIdent(spec.column)} = ${cleared}`
    })
    sets.push('updated_at = now()')
    const found = await db.query(
      `update ${quoteIdent(target.table)} t set ${sets.join(', ')}
       from jsonb_to_recordset($1::jsonb) as v(key text${columns.map((c) => `, ${c}`).join('')})
       where t.${quoteIdent(target.key)} = v.key
       returning 1 as found`,
      [jsonParam(records)],
    )
    matched += found.length
  }
  return matched
}
