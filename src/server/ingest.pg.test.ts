/**
 * Real-time ingestion against a real emulator on port 0, over PGlite (and PostgreSQL with
 * DATABASE_URL): edits through the API and the UI-edit path reach the mirror and the feed in
 * order; a page and its cursor commit together; lost webhooks and cursors resync automatically.
 */
import { describe, expect, test } from 'vitest'
import type { RunningEmulator } from '../emulator/index.ts'
import { ingestPayloads, type IngestService } from '../ingest/index.ts'
import {
  getBaseSyncState,
  latestSeq,
  loadBaseSchema,
  loadViewOrder,
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

/** What a test started, stopped in reverse order on dispose (declare it after the db). */
class Scope implements AsyncDisposable {
  readonly #steps: (() => Promise<void>)[] = []

  /** An emulator serving a fresh shop base. */
  async emulator(): Promise<RunningEmulator> {
    const running = await startTestEmulator({ bases: [shopBase()] })
    this.#steps.push(() => running.close())
    return running
  }

  /** Runs `service` until the scope ends. */
  run(service: IngestService): void {
    const running = service.run()
    this.#steps.push(async () => {
      await service.stop()
      await running
    })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) await step()
  }
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
      await using scope = new Scope()
      const running = await scope.emulator()
      const client = testClient(running)
      scope.run(shopIngest(db, client))
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
      await uiEdit(running, 'Orders', {
        action: 'create',
        records: [{ fields: { Ref: 'C-2', Total: 50, Status: 'Open' } }],
      })

      await expectMirrorEqualsUpstream(db, client, [customers!.id, orders!.id])
      // The Orders view order follows (refreshed after the ingested changes).
      const openView = orders!.views.find((v) => v.name === 'Open')!
      const listed = await ordersApi.all({ view: openView.id })
      expect(listed.map((r) => r.fields['Ref'])).toEqual(['B-1', 'C-2', 'A-2'])
      await expect
        .poll(
          async () =>
            (
              await loadViewOrder(db, {
                baseId: SHOP_BASE_ID,
                tableId: orders!.id,
                viewId: openView.id,
              })
            )?.recordIds,
        )
        .toEqual(listed.map((r) => r.id))
      const feed = await entriesAfter(db, since)
      expect(new Set(feed.map((e) => e.source))).toEqual(new Set(['poll']))
      // The created order appears first, then its updates, in the order they were made.
      const mine = feed.filter((e) => e.recordId === created!.id)
      expect(mine[0]?.kind).toBe('created')
      expect(mine.at(-1)?.after?.[field(orders!, 'Status')]).toBe('Shipped')
      expect(feed.at(-2)).toMatchObject({ kind: 'deleted', recordId: bo!.id })
      expect(feed.at(-1)).toMatchObject({ kind: 'created', source: 'poll' })
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
    test('a page and its cursor commit together: a failed commit applies nothing, a rerun applies it once', async () => {
      await using db = await backend.open()
      await using scope = new Scope()
      const running = await scope.emulator()
      const client = testClient(running)
      const service = shopIngest(db, client, { pollIntervalMs: 60_000 })
      scope.run(service)
      await synced(db)
      await service.stop() // ingest by hand from here
      const before = await getBaseSyncState(db, SHOP_BASE_ID)
      const since = await latestSeq(db)
      await uiEdit(running, 'Orders', {
        action: 'create',
        records: [{ fields: { Ref: 'X-1', Total: 1 } }, { fields: { Ref: 'X-2', Total: 2 } }],
      })
      await uiEdit(running, 'Customers', {
        action: 'update',
        records: [{ id: (await firstId(client, 'Customers'))!, fields: { Name: 'Ada L.' } }],
      })
      const options = { db, airtable: client, baseId: SHOP_BASE_ID, limit: 1 }
      let commits = 0
      const crash = (): Promise<void> =>
        // The second page's transaction dies after its changes, before its cursor is stored.
        ++commits === 2 ? Promise.reject(new Error('crash mid-transaction')) : Promise.resolve()
      await expect(ingestPayloads({ ...options, beforeCommit: crash })).rejects.toThrow('crash')
      const afterCrash = await entriesAfter(db, since)
      expect(afterCrash.map((e) => e.kind)).toEqual(['created', 'created']) // page 1 only
      expect((await getBaseSyncState(db, SHOP_BASE_ID))?.webhookCursor).toBe(
        (before?.webhookCursor ?? 1) + 1,
      )
      const rerun = await ingestPayloads(options)
      expect(rerun.payloads).toBe(1)
      const again = await ingestPayloads(options)
      expect(again.payloads).toBe(0)
      const feed = await entriesAfter(db, since)
      expect(feed.map((e) => e.kind)).toEqual(['created', 'created', 'updated'])
      expect(new Set(feed.map((e) => e.recordId)).size).toBe(3)
    })

    test('an expired webhook is recreated and the missed edits arrive by resync', async () => {
      await using db = await backend.open()
      await using scope = new Scope()
      const running = await scope.emulator()
      const client = testClient(running)
      const service = shopIngest(db, client)
      scope.run(service)
      await synced(db)
      const old = (await getBaseSyncState(db, SHOP_BASE_ID))!.webhookId!
      await control(running, `/bases/${SHOP_BASE_ID}/webhooks/${old}/expire`)
      // Made after expiry: no payload records it.
      await uiEdit(running, 'Orders', {
        action: 'create',
        records: [{ fields: { Ref: 'Lost-1' } }],
      })
      await uiEdit(running, 'Customers', {
        action: 'update',
        records: [{ id: (await firstId(client, 'Customers'))!, fields: { Email: null } }],
      })
      const since = await latestSeq(db)
      service.reconcile()
      await expect
        .poll(async () => (await getBaseSyncState(db, SHOP_BASE_ID))?.webhookId, {
          timeout: 10_000,
        })
        .not.toBe(old)
      await expectMirrorEqualsUpstream(db, client, await tableIds(db))
      await expect
        .poll(async () => (await getBaseSyncState(db, SHOP_BASE_ID))?.needsResync)
        .toBe(false)
      const resynced = (await entriesAfter(db, since)).filter((e) => e.source === 'resync')
      const adaId = (await firstId(client, 'Customers'))!
      // The lost order, Ada's cleared email, and the lookups of it in her two orders.
      expect(resynced.filter((e) => e.kind === 'created')).toHaveLength(1)
      expect(resynced.filter((e) => e.kind === 'updated').map((e) => e.recordId)).toContain(adaId)
      expect(resynced).toHaveLength(4)
      // Edits after the recovery flow through the new webhook.
      await uiEdit(running, 'Orders', { action: 'create', records: [{ fields: { Ref: 'New-1' } }] })
      await expectMirrorEqualsUpstream(db, client, await tableIds(db))
    })

    test('of two instances on one database only one ingests; the other takes over', async () => {
      await using db = await backend.open()
      await using scope = new Scope()
      const running = await scope.emulator()
      const client = testClient(running)
      const a = shopIngest(db, client)
      const b = shopIngest(db, client)
      scope.run(a)
      scope.run(b)
      await synced(db)
      await expect.poll(() => [a.leading, b.leading].filter(Boolean).length).toBe(1)
      const [leader, standby] = a.leading ? [a, b] : [b, a]
      await uiEdit(running, 'Orders', { action: 'create', records: [{ fields: { Ref: 'I-1' } }] })
      await expectMirrorEqualsUpstream(db, client, await tableIds(db))
      await leader.stop()
      await expect.poll(() => standby.leading, { timeout: 10_000 }).toBe(true)
      await uiEdit(running, 'Orders', { action: 'create', records: [{ fields: { Ref: 'I-2' } }] })
      await expectMirrorEqualsUpstream(db, client, await tableIds(db))
      expect(await client.webhooks.list(SHOP_BASE_ID)).toHaveLength(1)
    })

    test('dropped payloads (a lost cursor) and a deleted webhook both end in a resync', async () => {
      await using db = await backend.open()
      await using scope = new Scope()
      const running = await scope.emulator()
      const client = testClient(running)
      const first = shopIngest(db, client)
      scope.run(first)
      await synced(db)
      await first.stop() // edits while no instance ingests
      const webhookId = (await getBaseSyncState(db, SHOP_BASE_ID))!.webhookId!
      await uiEdit(running, 'Orders', { action: 'create', records: [{ fields: { Ref: 'D-1' } }] })
      await uiEdit(running, 'Orders', { action: 'create', records: [{ fields: { Ref: 'D-2' } }] })
      const cursor = (await getBaseSyncState(db, SHOP_BASE_ID))!.webhookCursor
      await control(running, `/bases/${SHOP_BASE_ID}/webhooks/${webhookId}/drop-payloads`, {
        body: {},
      })
      const options = { db, airtable: client, baseId: SHOP_BASE_ID }
      await expect(ingestPayloads(options)).rejects.toMatchObject({ reason: 'cursor-lost' })
      scope.run(shopIngest(db, client))
      await expectMirrorEqualsUpstream(db, client, await tableIds(db))
      await expect
        .poll(async () => (await getBaseSyncState(db, SHOP_BASE_ID))?.needsResync)
        .toBe(false)
      const state = await getBaseSyncState(db, SHOP_BASE_ID)
      expect(state?.webhookId).toBe(webhookId)
      expect(state?.webhookCursor).toBe((cursor ?? 1) + 2)

      await client.webhooks.delete({ baseId: SHOP_BASE_ID, webhookId })
      await expect(ingestPayloads(options)).rejects.toMatchObject({ reason: 'webhook-gone' })
      await uiEdit(running, 'Orders', { action: 'create', records: [{ fields: { Ref: 'D-3' } }] })
      await expect
        .poll(async () => (await getBaseSyncState(db, SHOP_BASE_ID))?.webhookId, {
          timeout: 10_000,
        })
        .not.toBe(webhookId)
      await expectMirrorEqualsUpstream(db, client, await tableIds(db))
      const hooks = await client.webhooks.list(SHOP_BASE_ID)
      expect(hooks.map((h) => h.id)).toEqual([
        (await getBaseSyncState(db, SHOP_BASE_ID))?.webhookId,
      ])
    })
  })
}

async function firstId(
  client: ReturnType<typeof testClient>,
  table: string,
): Promise<string | undefined> {
  return (await client.table(SHOP_BASE_ID, table).all())[0]?.id
}

async function tableIds(db: Parameters<typeof loadBaseSchema>[0]): Promise<string[]> {
  return (await loadBaseSchema(db, SHOP_BASE_ID))!.schema.tables.map((t) => t.id)
}

function field(table: { fields: { id: string; name: string }[] }, name: string): string {
  return table.fields.find((f) => f.name === name)!.id
}
