/**
 * Fixture for the outbox writer's integration tests: a small emulated base (Tasks with a
 * formula, a lastModifiedTime stamp and links to People) served on port 0, a store mirrored from
 * it by a full sync, a client that counts its requests by endpoint, and `enqueue`, which writes
 * outbox rows with their optimistic mirror change the way the write API (src/outbox/accept.ts)
 * does.
 */
import {
  createAirtableClient,
  RateLimiter,
  type AirtableClient,
  type EndpointKind,
} from '../src/airtable/index.ts'
import { startEmulator, type RunningEmulator } from '../src/emulator/index.ts'
import { buildTestBase, TEST_BASE_ID } from '../src/emulator/test-base.ts'
import { runFullSync } from '../src/ingest/index.ts'
import {
  createOutboxWriter,
  type OutboxWriter,
  type OutboxWriterOptions,
} from '../src/outbox/index.ts'
import { newId, type BaseSchema, type Fields, type Table } from '../src/protocol/index.ts'
import {
  deleteRecords,
  enqueueMutations,
  getMutations,
  upsertRecords,
  type Db,
  type MutationInput,
  type StoredMutation,
} from '../src/store/index.ts'

export const TOKEN =
  'patOutboxWriter01.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'

/** A running emulator with Tasks (30 rows) and People (3 rows). */
export async function startWriterEmulator(): Promise<RunningEmulator> {
  const base = buildTestBase({ rows: 30 })
  const by = { source: 'system' as const }
  base.createField('Tasks', { name: 'Modified', type: 'lastModifiedTime' }, by)
  base.create(
    'People',
    ['Ada', 'Bo', 'Cy'].map((Name) => ({ fields: { Name } })),
    by,
  )
  return startEmulator({ tokens: [TOKEN], bases: [base], rateLimit: false })
}

/** A client with a fast limiter of its own that counts requests (attempts) by endpoint. */
export function countingClient(
  running: RunningEmulator,
  options: { maxAttempts?: number } = {},
): { client: AirtableClient; counts: Map<EndpointKind, number> } {
  const counts = new Map<EndpointKind, number>()
  const client = createAirtableClient({
    token: TOKEN,
    apiUrl: running.url,
    limiter: new RateLimiter({ baseRatePerSecond: 200, baseBurst: 20, tokenRatePerSecond: 1000 }),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    maxAttempts: options.maxAttempts ?? 1,
    timeoutMs: 5_000,
    onRequest: (event) => counts.set(event.endpoint, (counts.get(event.endpoint) ?? 0) + 1),
  })
  return { client, counts }
}

/** The mirror synced from the emulator; @returns the schema and the Tasks/People tables. */
export async function mirrorBase(
  db: Db,
  client: AirtableClient,
): Promise<{ schema: BaseSchema; tasks: Table; people: Table }> {
  const { schema } = await runFullSync({ db, airtable: client, baseId: TEST_BASE_ID })
  const tasks = schema.tables.find((t) => t.name === 'Tasks')
  const people = schema.tables.find((t) => t.name === 'People')
  if (tasks === undefined || people === undefined) throw new Error('test base tables missing')
  return { schema, tasks, people }
}

/** A field's ID by name. */
export function fieldId(table: Table, name: string): string {
  const field = table.fields.find((f) => f.name === name)
  if (field === undefined) throw new Error(`no field ${name}`)
  return field.id
}

/** A writer for the test base, fast polling; extra options override. */
export function testWriter(
  db: Db,
  options: Partial<OutboxWriterOptions> & { airtable: AirtableClient; schema: BaseSchema },
): OutboxWriter {
  const { schema, ...rest } = options
  return createOutboxWriter({
    db,
    baseId: TEST_BASE_ID,
    getSchema: () => schema,
    pollIntervalMs: 50,
    lockRetryMs: 100,
    retry: { baseDelayMs: 10, maxDelayMs: 40 },
    ...rest,
  })
}

/** A mutation to enqueue (base and ID filled in). */
export type TestMutation = Omit<MutationInput, 'baseId' | 'mutationId'> & { mutationId?: string }

/** Enqueues mutations with their optimistic mirror change, in one transaction. @returns IDs */
export async function enqueue(db: Db, mutations: readonly TestMutation[]): Promise<string[]> {
  const inputs: MutationInput[] = mutations.map((m) => ({
    ...m,
    baseId: TEST_BASE_ID,
    mutationId: m.mutationId ?? newId('mut'),
  }))
  await db.transaction(async (tx) => {
    for (const m of inputs) {
      const table = { baseId: TEST_BASE_ID, tableId: m.tableId, source: 'local' as const }
      const id = m.recordId ?? m.tempRecordId ?? ''
      if (m.op === 'delete') await deleteRecords(tx, { ...table, ids: [id] })
      else {
        const mode = m.op === 'replace' || m.op === 'create' ? 'replace' : 'merge'
        await upsertRecords(tx, { ...table, records: [{ id, fields: m.fields ?? {} }], mode })
      }
    }
    await enqueueMutations(tx, inputs)
  })
  return inputs.map((m) => m.mutationId)
}

/** A temporary record ID as the write API makes them. */
export function tempId(): string {
  return `tmp${newId('rec').slice(3)}`
}

/** The stored mutations by ID, in the given order. */
export async function mutationsById(db: Db, ids: readonly string[]): Promise<StoredMutation[]> {
  const rows = new Map((await getMutations(db, ids)).map((m) => [m.mutationId, m]))
  return ids.map((id) => {
    const row = rows.get(id)
    if (row === undefined) throw new Error(`no mutation ${id}`)
    return row
  })
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Fields as an edit in Airtable's UI would write them (names), via the emulator's control route. */
export async function opsEdit(
  running: RunningEmulator,
  edit: { table: string; id: string; fields: Fields },
): Promise<void> {
  const response = await fetch(
    `${running.url}/__emulator/bases/${TEST_BASE_ID}/tables/${encodeURIComponent(edit.table)}/records`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'update', records: [{ id: edit.id, fields: edit.fields }] }),
    },
  )
  if (!response.ok) throw new Error(`ops edit failed: ${response.status} ${await response.text()}`)
}
