/**
 * The full state of a base as plain JSON, for persistence (`--data DIR`): schema with view
 * definitions, records in creation order, autoNumber counters and the transaction number.
 * Snapshots are read back through a zod schema because the file is a trust boundary.
 */
import { z } from 'zod'
import { fieldSchema } from '../../protocol/index.ts'
import type { Model } from './model.ts'
import { TableState, type TableSchema } from './table-state.ts'
import type { ViewDefinition } from './types.ts'

const FORMAT = 'airsync-emulator-base/1'

const sortSchema = z.object({ field: z.string(), direction: z.enum(['asc', 'desc']).optional() })

const viewDefinitionSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  filterByFormula: z.string().optional(),
  sort: z.array(sortSchema).optional(),
})

const storedRecordSchema = z.object({
  id: z.string(),
  createdTime: z.string(),
  cells: z.record(z.string(), z.unknown()),
  modifiedAtByFieldId: z.record(z.string(), z.number()),
})

/** The zod schema of a snapshot file. */
export const baseSnapshotSchema = z.object({
  format: z.literal(FORMAT),
  id: z.string(),
  name: z.string(),
  transactionNumber: z.number().int().nonnegative(),
  autoNumbers: z.record(z.string(), z.number().int()),
  tables: z.array(
    z.object({
      schema: z.object({
        id: z.string(),
        name: z.string(),
        description: z.string().optional(),
        primaryFieldId: z.string(),
        fields: z.array(fieldSchema),
      }),
      views: z.array(viewDefinitionSchema),
      records: z.array(storedRecordSchema),
    }),
  ),
})

/** A JSON-serialisable full state of one base. */
export type BaseSnapshot = z.infer<typeof baseSnapshotSchema>

/**
 * Captures the model. Schema and views are deep-copied; records are shared, because stored
 * records are immutable values (a write replaces them) — so treat the snapshot as read-only.
 */
export function snapshotOf(model: Model, transactionNumber: number): BaseSnapshot {
  return {
    format: FORMAT,
    id: model.id,
    name: model.name,
    transactionNumber,
    autoNumbers: Object.fromEntries(model.autoNumbers),
    tables: model.tables.map((table) => ({
      schema: structuredClone(table.schema),
      views: structuredClone(table.views),
      records: [...table.records.values()],
    })),
  }
}

/** Validates a snapshot (throws a ZodError when malformed) and fills `model` from it. */
export function restoreInto(model: Model, input: unknown): { transactionNumber: number } {
  const snapshot = baseSnapshotSchema.parse(input)
  model.name = snapshot.name
  model.autoNumbers = new Map(Object.entries(snapshot.autoNumbers))
  model.tables = snapshot.tables.map(({ schema, views, records }) => {
    // zod types optional keys as `?: T | undefined`; the parsed JSON never holds undefined values.
    const table = new TableState(schema as TableSchema, views as ViewDefinition[])
    for (const record of records) table.records.set(record.id, record)
    return table
  })
  return { transactionNumber: snapshot.transactionNumber }
}
