/**
 * Conflicts: a flushed write whose fields Airtable changed since the writer last saw them.
 * Field-level and three-way (base = what the writer saw, local = what it wants, remote = what
 * Airtable has). Every conflict is recorded — settled by policy at once (`resolved`) or held for
 * a person (`open`, policy `manual`). The policies themselves live in src/outbox.
 */
import type { Fields } from '../protocol/index.ts'
import type { Db } from './db.ts'
import { isoOf, isoOrUndefined, jsonParam } from './sql.ts'

/** Whether a conflict still waits for a decision. */
export type ConflictStatus = 'open' | 'resolved'

/** A conflict to record. Values are keyed by field ID. */
export interface ConflictInput {
  id: string
  baseId: string
  tableId: string
  recordId: string
  mutationId?: string | undefined
  fieldIds: readonly string[]
  baseValues: Fields
  localValues: Fields
  remoteValues: Fields
  /** The policy that applied, e.g. `remote-wins`, `manual`. */
  policy: string
  /** @default 'open' */
  status?: ConflictStatus
  /** How it was settled, when settled at once: `local`, `remote`, `merged`. */
  resolution?: string | undefined
  resolvedValues?: Fields | undefined
  resolvedBy?: string | undefined
}

/** A stored conflict. Times are ISO strings. */
export interface StoredConflict extends Omit<ConflictInput, 'status' | 'fieldIds'> {
  fieldIds: string[]
  status: ConflictStatus
  createdAt: string
  resolvedAt: string | undefined
}

/** Records a conflict. */
export async function recordConflict(db: Db, conflict: ConflictInput): Promise<void> {
  const status = conflict.status ?? 'open'
  await db.query(
    `insert into conflicts (id, base_id, table_id, record_id, mutation_id, field_ids, base_values,
       local_values, remote_values, policy, status, resolution, resolved_values, resolved_by,
       resolved_at)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12, $13::jsonb,
       $14, case when $11 = 'resolved' then now() end)`,
    [
      conflict.id,
      conflict.baseId,
      conflict.tableId,
      conflict.recordId,
      conflict.mutationId ?? null,
      [...conflict.fieldIds],
      jsonParam(conflict.baseValues),
      jsonParam(conflict.localValues),
      jsonParam(conflict.remoteValues),
      conflict.policy,
      status,
      conflict.resolution ?? null,
      jsonParam(conflict.resolvedValues),
      conflict.resolvedBy ?? null,
    ],
  )
}

/** A conflict by ID. */
export async function getConflict(db: Db, id: string): Promise<StoredConflict | undefined> {
  const rows = await db.query<ConflictRow>('select * from conflicts where id = $1', [id])
  return rows[0] === undefined ? undefined : conflictOf(rows[0])
}

/** A base's conflicts, newest first, optionally only those with a status, of a table or a record. */
export async function listConflicts(
  db: Db,
  options: {
    baseId: string
    status?: ConflictStatus
    tableId?: string
    recordId?: string
    limit?: number
  },
): Promise<StoredConflict[]> {
  const rows = await db.query<ConflictRow>(
    `select * from conflicts
     where base_id = $1 and ($2::text is null or status = $2) and ($3::text is null or record_id = $3)
       and ($5::text is null or table_id = $5)
     order by created_at desc, id limit $4`,
    [
      options.baseId,
      options.status ?? null,
      options.recordId ?? null,
      options.limit ?? 100,
      options.tableId ?? null,
    ],
  )
  return rows.map(conflictOf)
}

/**
 * Settles an open conflict.
 * @returns false when it is not open (already settled, or no such conflict)
 */
export async function resolveConflict(
  db: Db,
  options: { id: string; resolution: string; resolvedValues: Fields; resolvedBy: string },
): Promise<boolean> {
  const rows = await db.query(
    `update conflicts set status = 'resolved', resolution = $2, resolved_values = $3::jsonb,
       resolved_by = $4, resolved_at = now()
     where id = $1 and status = 'open' returning id`,
    [options.id, options.resolution, jsonParam(options.resolvedValues), options.resolvedBy],
  )
  return rows.length > 0
}

interface ConflictRow {
  id: string
  base_id: string
  table_id: string
  record_id: string
  mutation_id: string | null
  field_ids: string[]
  base_values: Fields
  local_values: Fields
  remote_values: Fields
  policy: string
  status: ConflictStatus
  resolution: string | null
  resolved_values: Fields | null
  resolved_by: string | null
  created_at: unknown
  resolved_at: unknown
}

function conflictOf(row: ConflictRow): StoredConflict {
  return {
    id: row.id,
    baseId: row.base_id,
    tableId: row.table_id,
    recordId: row.record_id,
    mutationId: row.mutation_id ?? undefined,
    fieldIds: row.field_ids,
    baseValues: row.base_values,
    localValues: row.local_values,
    remoteValues: row.remote_values,
    policy: row.policy,
    status: row.status,
    resolution: row.resolution ?? undefined,
    resolvedValues: row.resolved_values ?? undefined,
    resolvedBy: row.resolved_by ?? undefined,
    createdAt: isoOf(row.created_at),
    resolvedAt: isoOrUndefined(row.resolved_at),
  }
}
