/**
 * A 100,000-record table for the read benchmarks, written straight into the store (schema with
 * `saveBaseSchema`, rows with `upsertRecords` in big batches): filling it through Airtable's
 * 5 requests/s would take minutes. The schema comes from an emulator base definition, so field
 * and view IDs look like Airtable's and the API serves it like any synced base.
 */
import { randomBytes } from 'node:crypto'
import { loadBaseDefinition } from '../src/emulator/seed/index.ts'
import type { BaseSchema } from '../src/protocol/index.ts'
import {
  migrate,
  openPglite,
  openPostgres,
  quoteIdent,
  saveBaseSchema,
  upsertRecords,
  type Db,
  type RecordInput,
} from '../src/store/index.ts'

export const LARGE_BASE_ID = 'appBenchLarge0001'
export const LARGE_TABLE = 'Bookings'
export const STATUSES = ['Open', 'Confirmed', 'Done', 'Cancelled'] as const
const TAGS = ['red', 'green', 'blue', 'amber', 'violet'] as const
const BATCH = 5_000
const DAY_MS = 86_400_000

/** The large base's schema: one table of bookings, with the field types filters meet. */
export function largeBaseSchema(): BaseSchema {
  const base = loadBaseDefinition({
    id: LARGE_BASE_ID,
    name: 'Bench',
    seed: 'bench-large-v1',
    tables: [
      {
        name: LARGE_TABLE,
        fields: [
          { name: 'Ref', type: 'singleLineText' },
          { name: 'Status', type: 'singleSelect', options: { choices: [...STATUSES] } },
          { name: 'Amount', type: 'number', options: { precision: 0 } },
          { name: 'When', type: 'dateTime', options: { timeZone: 'utc' } },
          { name: 'Tags', type: 'multipleSelects', options: { choices: [...TAGS] } },
          { name: 'Done', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
        ],
      },
    ],
  })
  return base.schema()
}

/** Deterministic rows keyed by field ID; about one in 200 is Open with an Amount over 900. */
function rows(
  schema: BaseSchema,
  range: { from: number; count: number },
  nowMs: number,
): RecordInput[] {
  const { from, count } = range
  const table = schema.tables[0]
  if (table === undefined) throw new Error('large base has no table')
  const id = (name: string): string => {
    const field = table.fields.find((f) => f.name === name)
    if (field === undefined) throw new Error(`no field ${name}`)
    return field.id
  }
  const [ref, status, amount, when, tags, done] = [
    'Ref',
    'Status',
    'Amount',
    'When',
    'Tags',
    'Done',
  ].map(id) as [string, string, string, string, string, string]
  return Array.from({ length: count }, (_, k) => {
    const i = from + k
    const fields: Record<string, unknown> = {
      [ref]: `B-${String(i).padStart(6, '0')}`,
      [status]: STATUSES[(i * 7) % STATUSES.length],
      [amount]: (i * 37) % 1000,
      [when]: new Date(nowMs + ((i % 240) - 120) * DAY_MS).toISOString(),
      [tags]: [TAGS[i % TAGS.length], TAGS[(i * 3) % TAGS.length]].filter(
        (t, j, all) => all.indexOf(t) === j,
      ),
    }
    if (i % 3 === 0) fields[done] = true
    return {
      id: `rec${String(i).padStart(14, '0')}`,
      createdTime: new Date(nowMs - (count - i) * 1000).toISOString(),
      fields,
    }
  })
}

/** Writes the schema and `count` rows into a migrated store. */
export async function fillLargeTable(
  db: Db,
  count: number,
  nowMs = Date.now(),
): Promise<BaseSchema> {
  const schema = largeBaseSchema()
  await saveBaseSchema(db, { baseId: LARGE_BASE_ID, schema })
  const tableId = schema.tables[0]?.id ?? ''
  for (let from = 0; from < count; from += BATCH) {
    await upsertRecords(db, {
      baseId: LARGE_BASE_ID,
      tableId,
      source: 'full-sync',
      records: rows(schema, { from, count: Math.min(BATCH, count - from) }, nowMs),
    })
  }
  return schema
}

/** A migrated store the benchmark owns: PGlite in memory, or a fresh schema on PostgreSQL. */
export interface BenchStore extends AsyncDisposable {
  readonly db: Db
  readonly kind: 'pglite' | 'postgres'
  close(): Promise<void>
}

/** Opens a store; for PostgreSQL a random schema, dropped on close. */
export async function openBenchStore(databaseUrl?: string): Promise<BenchStore> {
  if (databaseUrl === undefined) {
    const db = await openPglite({ memory: true })
    await migrate(db)
    const close = (): Promise<void> => db.close()
    return { db, kind: 'pglite', close, [Symbol.asyncDispose]: close }
  }
  const schema = `bench_${randomBytes(6).toString('hex')}`
  const db = await openPostgres({ connectionString: databaseUrl, schema })
  await migrate(db)
  const close = async (): Promise<void> => {
    await db.query(`drop schema ${quoteIdent(schema)} cascade`)
    await db.close()
  }
  return { db, kind: 'postgres', close, [Symbol.asyncDispose]: close }
}
