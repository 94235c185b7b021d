/**
 * Ingestion through the composed server, pinged by the emulator at `publicUrl` (PGlite, and
 * PostgreSQL with DATABASE_URL): pings with a valid MAC trigger ingestion; a forged or missing MAC
 * answers 401 and fetches nothing (issue 5, done-means 4); a renamed field keeps working;
 * `/v1/status` reports the webhook.
 */
import { createServer } from 'node:net'
import { pino } from 'pino'
import { describe, expect, test } from 'vitest'
import { computeWebhookMac } from '../airtable/index.ts'
import type { RunningEmulator } from '../emulator/index.ts'
import { getBaseSyncState, latestSeq, loadBaseSchema, readChangesAfter } from '../store/index.ts'
import { testBackends } from '../store/test-backends.ts'
import { SHOP_BASE_ID, shopBase, uiEdit } from './ingest-helpers.ts'
import { createAirsyncServer, type AirsyncServer } from './server.ts'
import { serverConfigSchema } from './config.ts'
import { startTestEmulator, TEST_TOKEN, testClient } from './test-helpers.ts'

const SERVICE_KEY = 'ingest-server-test-service-key-0123'

/** A port free right now (the server needs its public URL before it listens). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** An emulator with the shop base and an airsync server it pings; dispose before the db. */
async function pingedStack(
  db: AirsyncServer['db'],
): Promise<{ running: RunningEmulator; server: AirsyncServer; url: string } & AsyncDisposable> {
  const running = await startTestEmulator({ bases: [shopBase()] })
  const port = await freePort()
  const config = serverConfigSchema.parse({
    airtableApiUrl: running.url,
    airtableAccessToken: TEST_TOKEN,
    baseId: SHOP_BASE_ID,
    port,
    publicUrl: `http://127.0.0.1:${port}`,
    serviceKey: SERVICE_KEY,
    airtableRatePerSecond: 1000,
    reconcileIntervalMs: 0,
    logLevel: 'silent',
  })
  const server = await createAirsyncServer({ ...config, db, logger: pino({ level: 'silent' }) })
  const dispose = async (): Promise<void> => {
    await server.close()
    await running.close()
  }
  const url = await server.start()
  await server.whenReady()
  await expect.poll(() => server.ingest?.leading, { timeout: 10_000 }).toBe(true)
  return { running, server, url, [Symbol.asyncDispose]: dispose }
}

const ping = (url: string, body: string, mac?: string): Promise<Response> =>
  fetch(`${url}/v1/webhooks/airtable`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(mac !== undefined && { 'x-airtable-content-mac': mac }),
    },
    body,
  })

for (const backend of testBackends()) {
  describe(backend.name, () => {
    test('pings with a valid MAC ingest; forged or missing MACs are 401 and fetch nothing', async () => {
      await using db = await backend.open()
      await using stack = await pingedStack(db)
      const { running, url } = stack
      const state = await getBaseSyncState(db, SHOP_BASE_ID)
      const hooks = await testClient(running).webhooks.list(SHOP_BASE_ID)
      expect(hooks[0]?.notificationUrl).toBe(`${url}/v1/webhooks/airtable`)

      // The emulator's own ping after a UI edit brings the change in (no polling in this mode).
      const since = await latestSeq(db)
      await uiEdit(running, 'Orders', { action: 'create', records: [{ fields: { Ref: 'P-1' } }] })
      await expect
        .poll(async () => (await readChangesAfter(db, { afterSeq: since, limit: 10 })).length, {
          timeout: 10_000,
        })
        .toBe(1)
      expect((await readChangesAfter(db, { afterSeq: since, limit: 10 }))[0]?.source).toBe(
        'webhook',
      )

      // The ingestion that brought the edit in may still be asking for more payloads after its
      // page committed: start counting once it has gone quiet.
      await expect
        .poll(
          async () => {
            await control(running, 'POST', '/stats/reset')
            await new Promise((resolve) => setTimeout(resolve, 300))
            return webhookCalls(running)
          },
          { timeout: 10_000 },
        )
        .toBe(0)
      const body = JSON.stringify({
        base: { id: SHOP_BASE_ID },
        webhook: { id: state?.webhookId },
        timestamp: new Date().toISOString(),
      })
      const forged = await ping(url, body, await computeWebhookMac(btoa('not the secret'), body))
      expect(forged.status).toBe(401)
      expect(await forged.json()).toEqual({
        error: { type: 'AUTHENTICATION_REQUIRED', message: expect.any(String) },
      })
      const missing = await ping(url, body)
      expect(missing.status).toBe(401)
      const tampered = await ping(
        url,
        body.replace(SHOP_BASE_ID, 'appOtherBase00001'),
        await computeWebhookMac(state!.webhookSecret!, body),
      )
      expect(tampered.status).toBe(401)
      // Give a wrongly triggered ingestion the time a genuine ping takes to fetch (below).
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(await webhookCalls(running)).toBe(0)

      // The positive control: a genuine ping does read payloads.
      const genuine = await ping(url, body, await computeWebhookMac(state!.webhookSecret!, body))
      expect(genuine.status).toBe(200)
      expect(await genuine.text()).toBe('')
      await expect.poll(() => webhookCalls(running), { timeout: 10_000 }).toBeGreaterThan(0)

      const status = await fetch(`${url}/v1/status`, {
        headers: { authorization: `Bearer ${SERVICE_KEY}` },
      })
      expect(await status.json()).toMatchObject({
        ingest: {
          mode: 'webhook',
          webhookId: state?.webhookId,
          needsResync: false,
          cursor: expect.any(Number),
        },
      })
    })

    test('a field renamed in Airtable updates the stored schema; reads by the new name work', async () => {
      await using db = await backend.open()
      await using stack = await pingedStack(db)
      const { running, url } = stack
      const client = testClient(running)
      const orders = (await loadBaseSchema(db, SHOP_BASE_ID))!.schema.tables[1]!
      const ref = orders.fields.find((f) => f.name === 'Ref')!
      await client.meta.updateField(
        { baseId: SHOP_BASE_ID, tableId: orders.id, fieldId: ref.id },
        { name: 'Reference' },
      )
      await expect
        .poll(async () => {
          const schema = (await loadBaseSchema(db, SHOP_BASE_ID))!.schema
          return schema.tables[1]!.fields.find((f) => f.id === ref.id)?.name
        })
        .toBe('Reference')
      const read = async (): Promise<unknown> => {
        const response = await fetch(
          `${url}/v0/${SHOP_BASE_ID}/Orders?fields%5B%5D=Reference&sort%5B0%5D%5Bfield%5D=Reference`,
          { headers: { authorization: `Bearer ${SERVICE_KEY}` } },
        )
        const json = (await response.json()) as { records?: { fields: unknown }[] }
        return json.records?.map((r) => r.fields)
      }
      await expect
        .poll(read)
        .toEqual([{ Reference: 'A-1' }, { Reference: 'A-2' }, { Reference: 'B-1' }])
    })
  })
}

async function control(running: RunningEmulator, method: string, path: string): Promise<unknown> {
  const response = await fetch(`${running.url}/__emulator${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
  })
  return response.json()
}

async function webhookCalls(running: RunningEmulator): Promise<number> {
  const stats = (await control(running, 'GET', '/stats')) as {
    byEndpoint: Record<string, number>
  }
  return stats.byEndpoint['webhooks'] ?? 0
}
