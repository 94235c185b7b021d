/**
 * The composed server against a real emulator on port 0: /healthz, /v1/status (ready flips after
 * the first full sync; a synced mirror is ready at once), /metrics, and a clean close.
 */
import { pino } from 'pino'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { RunningEmulator } from '../emulator/index.ts'
import { buildTestBase, TEST_BASE_ID } from '../emulator/test-base.ts'
import { testBackends } from '../store/test-backends.ts'
import { serverConfigSchema } from './config.ts'
import { createAirsyncServer } from './server.ts'
import type { StatusReport } from './status.ts'
import { startTestEmulator, TEST_TOKEN } from './test-helpers.ts'

let running: RunningEmulator
beforeAll(async () => {
  running = await startTestEmulator({ bases: [buildTestBase({ rows: 150 })] })
})
afterAll(async () => {
  await running.close()
})

const SERVICE_KEY = 'svc-test-key-0123456789abcdef'
const auth = { headers: { authorization: `Bearer ${SERVICE_KEY}` } }

function config(): ReturnType<typeof serverConfigSchema.parse> {
  return serverConfigSchema.parse({
    airtableApiUrl: running.url,
    airtableAccessToken: TEST_TOKEN,
    baseId: TEST_BASE_ID,
    port: 0,
    serviceKey: SERVICE_KEY,
    airtableRatePerSecond: 50,
    logLevel: 'silent',
  })
}

for (const backend of testBackends()) {
  test(`${backend.name}: not ready until the first full sync, then ready with rows per table`, async () => {
    await using db = await backend.open()
    const logger = pino({ level: 'silent' })
    {
      await using server = await createAirsyncServer({ ...config(), db, logger })
      const health = await server.app.request('/healthz')
      expect(health.status).toBe(200)
      const before = (await (await server.app.request('/v1/status', auth)).json()) as StatusReport
      expect(before.ready).toBe(false)
      expect(before.tables).toEqual([])

      const url = await server.start()
      await server.whenReady()
      const after = (await (await fetch(`${url}/v1/status`, auth)).json()) as StatusReport
      expect(after.ready).toBe(true)
      expect(after.lastFullSyncAt).toBeDefined()
      const rows = Object.fromEntries(after.tables.map((t) => [t.name, t.rows]))
      expect(rows).toEqual({ People: 0, Tasks: 150 })
      expect(after.tables.every((t) => t.status === 'ready' && t.lastSyncAt !== undefined)).toBe(
        true,
      )

      expect((await fetch(`${url}/v1/status`)).status).toBe(401)
      const metrics = await (await fetch(`${url}/metrics`, auth)).text()
      expect(metrics).toMatch(
        /airsync_airtable_requests_total\{endpoint="listRecords",status="200"\} \d+/,
      )
      expect(metrics).toMatch(/airsync_mirror_records\{table_id="tbl\w+",table="Tasks"\} 150/)
      expect(metrics).toMatch(/airsync_ready 1/)
    }
    // A second start over the synced mirror is ready before any Airtable request.
    await using again = await createAirsyncServer({ ...config(), db, logger })
    expect(again.ready).toBe(true)
    const status = (await (await again.app.request('/v1/status', auth)).json()) as StatusReport
    expect(status.ready).toBe(true)
    expect(again.policy()).toBeDefined()
  })
}
