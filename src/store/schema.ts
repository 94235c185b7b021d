/** The base schema (tables, fields, views) as the metadata API returns it, one row per base. */
import { baseSchemaResponseSchema, type BaseSchema } from '../protocol/index.ts'
import type { Db } from './db.ts'
import { StoreError } from './errors.ts'
import { isoOf, jsonParam } from './sql.ts'
import { jsonEqual } from './record-diff.ts'

/** A stored base schema and when it last changed. */
export interface StoredBaseSchema {
  schema: BaseSchema
  /** ISO time of the last change. */
  updatedAt: string
}

/**
 * Stores a base's schema.
 * @returns true when it differs from the stored one (or none was stored)
 */
export function saveBaseSchema(
  db: Db,
  options: { baseId: string; schema: BaseSchema },
): Promise<boolean> {
  const schema = baseSchemaResponseSchema.parse(options.schema)
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ schema: unknown }>(
      'select schema from bases where id = $1 for update',
      [options.baseId],
    )
    if (rows[0] !== undefined && jsonEqual(rows[0].schema, schema)) return false
    await tx.query(
      `insert into bases (id, schema) values ($1, $2::jsonb)
       on conflict (id) do update set schema = excluded.schema, schema_updated_at = now()`,
      [options.baseId, jsonParam(schema)],
    )
    return true
  })
}

/** A base's stored schema, or undefined before the first sync. */
export async function loadBaseSchema(
  db: Db,
  baseId: string,
): Promise<StoredBaseSchema | undefined> {
  const rows = await db.query<{ schema: unknown; schema_updated_at: unknown }>(
    'select schema, schema_updated_at from bases where id = $1',
    [baseId],
  )
  const row = rows[0]
  if (row === undefined) return undefined
  const parsed = baseSchemaResponseSchema.safeParse(row.schema)
  if (!parsed.success) {
    throw new StoreError(`stored schema of ${baseId} is invalid`, { cause: parsed.error })
  }
  return { schema: parsed.data, updatedAt: isoOf(row.schema_updated_at) }
}

/** IDs of every base with a stored schema. */
export async function listBaseIds(db: Db): Promise<string[]> {
  const rows = await db.query<{ id: string }>('select id from bases order by id')
  return rows.map((row) => row.id)
}
