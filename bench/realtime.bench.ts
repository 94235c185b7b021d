/**
 * Real-time latency (issue 5, "done means" 5, first half): from an edit made in the emulator's
 * UI-edit path (as the operations team would in Airtable) to the change arriving at an SSE client
 * of `GET /v1/events` (`record.updated` with the new value), median and p99.
 *
 * - "ingest ping": airsync's webhook pings its public URL (here its own listener); the emulator
 *   waits its default 200 ms to coalesce a burst before pinging (airtable-api.md §7.3 [?]).
 * - "ingest poll": no public URL; airsync polls the payloads every 2 s (the default). Steps run
 *   back to back, so each edit lands just after a poll and waits a whole period: this is the
 *   worst case (period + one round); an edit at a random moment waits half a period on average.
 *
 * The Presence base, an in-process emulator without rate limits (so setup's full sync is quick)
 * and an in-memory PGlite mirror; each step edits one session's text field to a fresh value.
 */
import { createServer } from 'node:net'
import { pino } from 'pino'
import { loadSeed, startEmulator, type RunningEmulator } from '../src/emulator/index.ts'
import { createAirsyncServer, serverConfigSchema } from '../src/server/index.ts'
import type { RecordEvent } from '../src/protocol/index.ts'
import { loadBaseSchema, migrate, openPglite } from '../src/store/index.ts'
import { openEvents, type SseClient } from '../test/events-client.ts'
import type { BenchCase, Benchmark } from './lib.ts'

const TOKEN = 'patRealtimeBench01.0000'
const SERVICE_KEY = 'realtime-bench-service-key-0123456789'
const BASE_ID = 'appPresenceDemo01'
const TABLE = 'Presence Operations'

/** A port free right now: the server must know its public URL before it listens. */
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

/** Resolves when an event on `client` shows `recordId` with `value` in `fieldName`. */
function eventWith(
  client: SseClient,
  target: { recordId: string; fieldName: string; value: string },
): Promise<void> {
  return client.waitFor((events) =>
    events.some((e) => {
      const event = e.parsed as RecordEvent
      return event.recordId === target.recordId && event.fields?.[target.fieldName] === target.value
    }),
  )
}

/** Emulator + airsync (pinged at its own URL, or polling) with the Presence base synced. */
async function realtimeCase(mode: 'ping' | 'poll'): Promise<BenchCase> {
  const emulator: RunningEmulator = await startEmulator({
    tokens: [TOKEN],
    bases: [loadSeed('presence')],
    rateLimit: false,
  })
  const db = await openPglite({ memory: true })
  await migrate(db)
  const port = await freePort()
  const config = serverConfigSchema.parse({
    airtableApiUrl: emulator.url,
    airtableAccessToken: TOKEN,
    baseId: BASE_ID,
    port,
    serviceKey: SERVICE_KEY,
    airtableRatePerSecond: 50,
    logLevel: 'silent',
    ...(mode === 'ping' && { publicUrl: `http://127.0.0.1:${port}` }),
  })
  const server = await createAirsyncServer({ ...config, db, logger: pino({ level: 'silent' }) })
  const url = await server.start()
  await server.whenReady()
  while (server.ingest?.leading !== true) await new Promise((r) => setTimeout(r, 20))
  const table = (await loadBaseSchema(db, BASE_ID))!.schema.tables.find((t) => t.name === TABLE)!
  const field = table.fields.find(
    (f) => f.type === 'singleLineText' && f.id !== table.primaryFieldId,
  )!
  const recordId = emulator.emulator.bases.require(BASE_ID).list(TABLE)[0]!.id
  const client = await openEvents(url, {
    token: SERVICE_KEY,
    query: `?tables=${encodeURIComponent(TABLE)}`,
  })
  let n = 0
  return {
    async step() {
      const value = `bench ${mode} ${++n} ${Date.now()}`
      const arrived = eventWith(client, { recordId, fieldName: field.name, value })
      const response = await fetch(
        `${emulator.url}/__emulator/bases/${BASE_ID}/tables/${encodeURIComponent(TABLE)}/records`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            action: 'update',
            records: [{ id: recordId, fields: { [field.name]: value } }],
          }),
        },
      )
      if (!response.ok) throw new Error(`UI edit failed: ${response.status}`)
      await arrived
    },
    async close() {
      await client.close()
      await server.close()
      await db.close()
      await emulator.close()
    },
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'ingest ping: emulator edit → SSE client',
    group: 'realtime ingest',
    iterations: 30,
    warmup: 2,
    setup: () => realtimeCase('ping'),
  },
  {
    name: 'ingest poll (2 s, worst case): emulator edit → SSE client',
    group: 'realtime ingest',
    iterations: 20,
    warmup: 1,
    setup: () => realtimeCase('poll'),
  },
]
