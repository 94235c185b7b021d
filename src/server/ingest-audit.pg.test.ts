/**
 * Changes ingested from Airtable in the audit log, through the composed server (PGlite, and
 * PostgreSQL with DATABASE_URL): an edit made in the emulator is found via `GET /v1/audit` with
 * who and when as Airtable reports them and before/after per field; an Airtable edit that an
 * airsync write replaced stays visible; full syncs log no record that did not change.
 */
import { describe, expect, test } from 'vitest'
import { runFullSync } from '../ingest/index.ts'
import { loadBaseSchema, queryAudit } from '../store/index.ts'
import { testBackends } from '../store/test-backends.ts'
import { DEFAULT_UI_USER } from '../emulator/index.ts'
import { SHOP_BASE_ID, uiEdit } from './ingest-helpers.ts'
import { startStack } from './stack-helpers.ts'
import { testClient } from './test-helpers.ts'

interface Entry {
  at: string
  actor?: string
  source: string
  action: string
  recordId?: string
  before?: Record<string, unknown>
  after?: Record<string, unknown>
  detail?: { airtable?: { source?: string; user?: { id: string; email?: string } } }
}

for (const backend of testBackends()) {
  describe(backend.name, () => {
    test('an edit in Airtable is in GET /v1/audit with who, when and before/after per field', async () => {
      await using db = await backend.open()
      await using stack = await startStack(db, { pinged: false })
      const { running } = stack
      const api = (path: string, init?: { method?: string; body?: unknown }) =>
        stack.api(path, init)
      const client = testClient(running)
      const customers = (await loadBaseSchema(db, SHOP_BASE_ID))!.schema.tables[0]!
      const email = customers.fields.find((f) => f.name === 'Email')!.id
      const name = customers.fields.find((f) => f.name === 'Name')!.id
      const ada = (await client.table(SHOP_BASE_ID, 'Customers').all()).find(
        (r) => r.fields['Name'] === 'Ada',
      )!
      // The first sync loaded the base: one summary entry, no entry per record.
      expect(await queryAudit(db, { source: 'full-sync' })).toEqual([
        expect.objectContaining({
          action: 'full-sync',
          detail: expect.objectContaining({ created: 5 }),
        }),
      ])

      const editedAt = Date.now()
      await uiEdit(running, 'Customers', {
        action: 'update',
        records: [{ id: ada.id, fields: { Email: 'ada@ops.test' } }],
      })
      const found = async (): Promise<Entry[]> => {
        const body = (await api(`/v1/audit?record=${ada.id}&actor=airtable`)) as {
          entries: Entry[]
        }
        return body.entries
      }
      await expect.poll(async () => (await found()).length, { timeout: 10_000 }).toBe(1)
      const [entry] = await found()
      expect(entry).toMatchObject({
        actor: `airtable:${DEFAULT_UI_USER.id}`,
        source: 'poll',
        action: 'update',
        before: { [email]: 'ada@example.com' },
        after: { [email]: 'ada@ops.test' },
        detail: {
          airtable: {
            source: 'client',
            user: { id: DEFAULT_UI_USER.id, email: DEFAULT_UI_USER.email },
          },
        },
      })
      // Airtable's time of the edit, not the time airsync applied it.
      expect(Math.abs(Date.parse(entry!.at) - editedAt)).toBeLessThan(5_000)

      // Ops rename Ada in Airtable; a member's write replaces it right after.
      await uiEdit(running, 'Customers', {
        action: 'update',
        records: [{ id: ada.id, fields: { Name: 'Ada (ops)' } }],
      })
      await api(`/v0/${SHOP_BASE_ID}/Customers/${ada.id}`, {
        method: 'PATCH',
        body: { fields: { Name: 'Ada (app)' } },
      })
      await expect
        .poll(
          async () => (await client.table(SHOP_BASE_ID, 'Customers').get(ada.id)).fields['Name'],
        )
        .toBe('Ada (app)')
      await expect
        .poll(async () => (await found()).some((e) => e.after?.[name] === 'Ada (ops)'), {
          timeout: 10_000,
        })
        .toBe(true)
      const all = (await api(`/v1/audit?record=${ada.id}`)) as { entries: Entry[] }
      expect(all.entries.some((e) => e.source === 'api' && e.action === 'update')).toBe(true)

      // A full sync that finds nothing new logs no record, only its summary.
      const before = (await queryAudit(db, { limit: 1000 })).length
      await runFullSync({ db, airtable: client, baseId: SHOP_BASE_ID, source: 'resync' })
      const after = await queryAudit(db, { limit: 1000 })
      expect(after.length - before).toBe(1)
      expect(after[0]).toMatchObject({
        action: 'resync',
        detail: { created: 0, updated: 0, deleted: 0 },
      })
    })
  })
}
