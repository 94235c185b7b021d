/**
 * Full-sync throughput (issue 3, "done means" 5): the Presence base (5,120 records in 6 tables,
 * plus each view's order) from an emulator at Airtable's real limits (5 requests/s per base, 100
 * records per page) into a fresh in-memory PGlite. The emulator runs as its own process, as
 * Airtable would, so the mirror's writes do not delay its clock. Reported as records/s and as a
 * ratio of the 500 records/s ceiling (100 per page × 5 pages/s), on stderr after the run.
 *
 * The client is paced as the server's defaults pace it (AIRSYNC_RATE_LIMIT and
 * AIRSYNC_RATE_WINDOW_MS apply, as for the server).
 */
import type { ChildProcess } from 'node:child_process'
import { createAirtableClient } from '../src/airtable/index.ts'
import { runFullSync } from '../src/ingest/index.ts'
import { createConfiguredLimiter, serverConfigSchema } from '../src/server/index.ts'
import { migrate, openPglite, type Db } from '../src/store/index.ts'
import { spawnAirsync, type Benchmark, type BenchCase } from './lib.ts'

const TOKEN = 'patSyncBenchmark1.0000'
const BASE_ID = 'appPresenceDemo01'
const CEILING_RECORDS_PER_S = 500
const ITERATIONS = 2

/** Spawns `airsync emulator --seed presence --port 0` (real limits) and waits for its URL. */
function spawnEmulator(): Promise<{ url: string; child: ChildProcess }> {
  return spawnAirsync(['emulator', '--port', '0', '--seed', 'presence', '--token', TOKEN])
}

async function freshDb(): Promise<Db> {
  const db = await openPglite({ memory: true })
  await migrate(db)
  return db
}

async function syncCase(): Promise<BenchCase> {
  const { url, child } = await spawnEmulator()
  const pacing = serverConfigSchema
    .pick({ airtableRatePerSecond: true, airtableRateWindowMs: true })
    .parse({
      airtableRatePerSecond: process.env['AIRSYNC_RATE_LIMIT'],
      airtableRateWindowMs: process.env['AIRSYNC_RATE_WINDOW_MS'],
    })
  const paced =
    pacing.airtableRateWindowMs > 0
      ? `${pacing.airtableRatePerSecond} per ${pacing.airtableRateWindowMs} ms`
      : `${pacing.airtableRatePerSecond}/s`
  const dbs = await Promise.all(Array.from({ length: ITERATIONS + 1 }, freshDb))
  const runs: {
    records: number
    pages: number
    ms: number
    recordsMs: number
    rateLimited: number
  }[] = []
  return {
    async step() {
      // Each run starts with a quiet emulator: no penalty or window left from the last one.
      await fetch(`${url}/__emulator/rate-limits/reset`, { method: 'POST' })
      const db = dbs.shift()
      if (db === undefined) throw new Error('more iterations than prepared databases')
      let rateLimited = 0
      const airtable = createAirtableClient({
        token: TOKEN,
        apiUrl: url,
        limiter: createConfiguredLimiter(pacing),
        onRequest: (event) => {
          if (event.status === 429) rateLimited++
        },
      })
      const started = performance.now()
      const result = await runFullSync({ db, airtable, baseId: BASE_ID })
      runs.push({
        records: result.records,
        pages: result.pages,
        ms: performance.now() - started,
        recordsMs: result.recordsDurationMs,
        rateLimited,
      })
      await db.close()
    },
    async close() {
      for (const db of dbs) await db.close()
      child.kill('SIGTERM')
      for (const run of runs) {
        const records = (run.records * 1000) / run.recordsMs
        const overall = (run.records * 1000) / run.ms
        const ratio = (n: number): string => (n / CEILING_RECORDS_PER_S).toFixed(2)
        console.error(
          `sync: ${run.records} records in ${run.pages} pages: records mirrored in ` +
            `${(run.recordsMs / 1000).toFixed(1)} s → ${records.toFixed(0)} records/s = ` +
            `${ratio(records)} of the ${CEILING_RECORDS_PER_S}/s ceiling; with view orders ` +
            `${(run.ms / 1000).toFixed(1)} s → ${overall.toFixed(0)} records/s = ${ratio(overall)} ` +
            `(limiter ${paced}; ${run.rateLimited} × 429)`,
        )
      }
    },
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'full sync: Presence (5,120 records + view orders), emulator at 5 req/s',
    group: 'full sync',
    iterations: ITERATIONS,
    warmup: 0,
    setup: syncCase,
  },
]
