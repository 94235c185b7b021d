/**
 * Write throughput (issue 4, done-means 5): 2,000 updates from 100 concurrent writers (20 each,
 * each waiting for its write to be committed) through airsync against the emulator at Airtable's
 * limits (5 requests/s per base, 30 s penalty) with 250 ms latency. Airtable takes 10 records a
 * request, so the ceiling is 50 records/s; reported as records/s, its ratio to the ceiling
 * (target ≥ 0.95) and the 429s the emulator sent (target 0), on stderr after each run.
 *
 * Two pacings of the shared limiter: the token bucket at the default 4.5/s (at most 0.90 of the
 * ceiling by construction) and the sliding window (5 per 1,050 ms = 4.76/s, 0.952). The baseline
 * is the `airtable` package, one call per write, 100 concurrent writers — with 200 writes, not
 * 2,000, to keep the run to minutes (it runs at a tenth of the rate or less).
 *
 * The emulator runs as its own process so the server's work does not delay its clock. Ingestion
 * is off: its polling would spend the same 5/s budget (airsync's writes go first, but a poll
 * still takes a slot), which is not what is measured here.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Airtable from 'airtable'
import { pino } from 'pino'
import { createAirsyncServer, serverConfigSchema } from '../src/server/index.ts'
import { migrate, openPglite, type Db } from '../src/store/index.ts'
import type { Benchmark, BenchCase } from './lib.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const TOKEN = 'patWriteBenchmark.0000'
const BASE_ID = 'appPresenceDemo01'
const TABLE = 'Members Registry'
const SERVICE_KEY = 'airsync-bench-service-key-0123456789'
const WRITERS = 100
const CEILING_RECORDS_PER_S = 50
const LATENCY_MS = 250

/** `airsync emulator --seed presence` with Airtable's limits and 250 ms latency. */
function spawnEmulator(): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/airsync'),
        'emulator',
        ...['--port', '0', '--seed', 'presence', '--token', TOKEN],
        ...['--latency-ms', String(LATENCY_MS)],
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const match = /^ready (\S+)/m.exec(out)
      if (match?.[1] !== undefined) resolve({ url: match[1], child })
    })
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`emulator exited (${code}) before ready:\n${out}`)))
  })
}

/** One emulator shared by every run of this file (killed when the process exits). */
interface Shared {
  url: string
  recordIds: string[]
}
let shared: Promise<Shared> | undefined

async function sharedSetup(): Promise<Shared> {
  const { url, child } = await spawnEmulator()
  process.once('exit', () => child.kill('SIGTERM'))
  const records = await airtableJs(url)(TABLE).select({ fields: [], pageSize: 100 }).firstPage()
  const recordIds = records.slice(0, WRITERS).map((r) => r.id)
  if (recordIds.length < WRITERS) throw new Error(`need ${WRITERS} members`)
  return { url, recordIds }
}

function airtableJs(url: string): Airtable.Base {
  return new Airtable({ apiKey: TOKEN, endpointUrl: url, requestTimeout: 120_000 }).base(BASE_ID)
}

async function control(url: string, route: string): Promise<unknown> {
  const response = await fetch(`${url}/__emulator${route}`, {
    method: route === '/stats' ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  })
  return response.json()
}

/** A quiet emulator: no penalty or window left from the last run, counters at zero. */
async function quiet(url: string): Promise<void> {
  await control(url, '/rate-limits/reset')
  await new Promise((resolve) => setTimeout(resolve, 1100))
  await control(url, '/stats/reset')
}

/** What the emulator saw since the last reset: requests in all, and 429s among them. */
async function emulatorCounts(url: string): Promise<{ requests: number; rateLimited: number }> {
  const stats = (await control(url, '/stats')) as {
    total: number
    byStatus: Record<string, number>
  }
  return { requests: stats.total, rateLimited: stats.byStatus['429'] ?? 0 }
}

/** Runs `writers` writers, `each` writes in turn; resolves with the elapsed ms. */
async function runWriters(
  input: { writers: number; each: number },
  write: (writer: number, n: number) => Promise<void>,
): Promise<number> {
  const started = performance.now()
  await Promise.all(
    Array.from({ length: input.writers }, async (_, writer) => {
      for (let n = 0; n < input.each; n++) await write(writer, n)
    }),
  )
  return performance.now() - started
}

interface RunFigures {
  records: number
  ms: number
  requests: number
  rateLimited: number
  /** Event-loop utilisation of this process (writers and, for airsync, the server) in the run. */
  busy: number
}

function report(label: string, run: RunFigures): void {
  const perSecond = (run.records * 1000) / run.ms
  console.error(
    `writes: ${label}: ${run.records} updates in ${(run.ms / 1000).toFixed(1)} s → ` +
      `${perSecond.toFixed(1)} records/s = ${(perSecond / CEILING_RECORDS_PER_S).toFixed(3)} of ` +
      `the ${CEILING_RECORDS_PER_S}/s ceiling; ${run.rateLimited} × 429; ` +
      `${run.requests} Airtable requests (${(run.records / run.requests).toFixed(1)} records each); ` +
      `event loop ${(run.busy * 100).toFixed(0)}% busy`,
  )
}

/** Runs `work` and measures this process's event-loop utilisation over it. */
async function measured(
  url: string,
  records: number,
  work: () => Promise<number>,
): Promise<RunFigures> {
  const before = performance.eventLoopUtilization()
  const ms = await work()
  const busy = performance.eventLoopUtilization(before).utilization
  return { records, ms, busy, ...(await emulatorCounts(url)) }
}

/** airsync with the given pacing: 2,000 updates, each request waiting for its commit. */
function airsyncCase(pacing: { label: string; rateWindowMs: number }): () => Promise<BenchCase> {
  return async () => {
    shared ??= sharedSetup()
    const { url, recordIds } = await shared
    // A fresh mirror each time: a synced one would resync in the background during the run.
    const db: Db = await openPglite({ memory: true })
    await migrate(db)
    const config = serverConfigSchema.parse({
      airtableApiUrl: url,
      airtableAccessToken: TOKEN,
      baseId: BASE_ID,
      port: 0,
      serviceKey: SERVICE_KEY,
      ingest: 'off',
      airtableRateWindowMs: pacing.rateWindowMs,
      logLevel: 'silent',
    })
    const server = await createAirsyncServer({ ...config, db, logger: pino({ level: 'silent' }) })
    const serverUrl = await server.start()
    await server.whenReady()
    let round = 0
    return {
      async step() {
        await quiet(url)
        round += 1
        const each = 20
        const run = await measured(url, WRITERS * each, () =>
          runWriters({ writers: WRITERS, each }, async (writer, n) => {
            const id = recordIds[writer] ?? ''
            const response = await fetch(
              `${serverUrl}/v0/${BASE_ID}/${encodeURIComponent(TABLE)}/${id}`,
              {
                method: 'PATCH',
                headers: {
                  authorization: `Bearer ${SERVICE_KEY}`,
                  'content-type': 'application/json',
                },
                body: JSON.stringify({
                  fields: { 'About You': `bench ${round}.${n} by writer ${writer}` },
                }),
              },
            )
            if (response.status !== 200) {
              throw new Error(`write answered ${response.status}: ${await response.text()}`)
            }
          }),
        )
        report(`airsync, ${pacing.label}`, run)
      },
      async close() {
        await server.close()
        await db.close()
      },
    }
  }
}

/** The `airtable` package, one call per write, 100 concurrent writers. */
async function baselineCase(): Promise<BenchCase> {
  shared ??= sharedSetup()
  const { url, recordIds } = await shared
  const table = airtableJs(url)(TABLE)
  return {
    async step() {
      await quiet(url)
      const each = 2
      const run = await measured(url, WRITERS * each, () =>
        runWriters({ writers: WRITERS, each }, async (writer, n) => {
          await table.update(recordIds[writer] ?? '', { 'About You': `baseline ${n} by ${writer}` })
        }),
      )
      report('airtable.js, one call per write', run)
    },
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'writes: 2,000 updates, 100 writers, airsync, token bucket 4.5/s (default)',
    group: 'writes',
    iterations: 1,
    warmup: 0,
    setup: airsyncCase({ label: 'token bucket 4.5/s', rateWindowMs: 0 }),
  },
  {
    name: 'writes: 2,000 updates, 100 writers, airsync, sliding window 5 per 1,050 ms',
    group: 'writes',
    iterations: 1,
    warmup: 0,
    setup: airsyncCase({ label: 'sliding window 5/1050 ms', rateWindowMs: 1050 }),
  },

  {
    name: 'writes: 200 updates, 100 writers, airtable.js one call per write (baseline)',
    group: 'writes',
    iterations: 1,
    warmup: 0,
    setup: baselineCase,
  },
]
