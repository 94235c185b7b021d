/**
 * Write throughput (issue 4, done-means 5): 2,000 updates from 100 concurrent writers (20 each,
 * each waiting for its write to be committed) through `airsync serve` against the emulator at
 * Airtable's limits (5 requests/s per base, 30 s penalty) with 250 ms latency. Airtable takes 10
 * records a request, so the ceiling is 50 records/s. Reported on stderr after each run:
 * sustained records/s (between the 10th and 90th percentile of completions) and the whole run's,
 * each as a ratio of the ceiling (target ≥ 0.95); the 429s the emulator sent (target 0); writes
 * answered 202 (waited too long); the shortest time in which the emulator served 6 requests
 * (Airtable's window is 1,000 ms: the jitter room left); records per request; write latency
 * median and p99; CPU.
 *
 * Pacings of the shared limiter: the default sliding window (5 per 1,025 ms = 4.88/s, at most
 * 0.976 of the ceiling), the previous default (5 per 1,050 ms, at most 0.952;
 * AIRSYNC_BENCH_WRITE_WINDOWS_MS=1025,1040 chooses others) and a token bucket at 4.5/s (at most
 * 0.90). The baseline is the `airtable` package, one call per write, 100
 * concurrent writers, for AIRSYNC_BENCH_BASELINE_MS (default 120 s): it gets 5 requests through
 * and then a 30-s penalty, so 2,000 writes would take hours.
 *
 * Each process is its own, as deployed: the emulator, the server (`airsync serve`, the mirror in
 * PGlite on disk, or with AIRSYNC_BENCH_WRITES_DATABASE_URL in a fresh schema of that
 * PostgreSQL), and the writers (this process). Ingestion is off: its polling would spend the same
 * 5/s budget (airsync's writes go first, but a poll still takes a slot), which is not what is
 * measured here. AIRSYNC_BENCH_WRITES_CPU_PROF=DIR profiles the server.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Airtable from 'airtable'
import { serverConfigSchema } from '../src/server/index.ts'
import { quantile, spawnAirsync, type Benchmark, type BenchCase } from './lib.ts'

const TOKEN = 'patWriteBenchmark.0000'
const BASE_ID = 'appPresenceDemo01'
const TABLE = 'Members Registry'
const SERVICE_KEY = 'airsync-bench-service-key-0123456789'
const WRITERS = 100
const CEILING_RECORDS_PER_S = 50
const LATENCY_MS = 250
/** The baseline runs this long (it would take hours to finish 2,000 writes). */
/** Sliding windows to compare (AIRSYNC_BENCH_WRITE_WINDOWS_MS, comma-separated). */
const WINDOWS_MS = (process.env['AIRSYNC_BENCH_WRITE_WINDOWS_MS'] ?? '1025,1050')
  .split(',')
  .map(Number)
const BASELINE_MS = Number(process.env['AIRSYNC_BENCH_BASELINE_MS'] ?? 120_000)

/** AIRSYNC_BENCH_WRITES_CPU_PROF=DIR: a CPU profile of the server process, written on exit. */
const PROFILE_DIR = process.env['AIRSYNC_BENCH_WRITES_CPU_PROF']

/** `airsync emulator --seed presence` with Airtable's limits and 250 ms latency. */
function spawnEmulator(): Promise<{ url: string; child: ChildProcess }> {
  return spawnAirsync([
    'emulator',
    ...['--port', '0', '--seed', 'presence', '--token', TOKEN],
    ...['--latency-ms', String(LATENCY_MS)],
  ])
}

/** How the server paces the base: AIRSYNC_RATE_LIMIT per AIRSYNC_RATE_WINDOW_MS (0: per second). */
interface Pacing {
  label: string
  rateLimit: number
  rateWindowMs: number
}

/**
 * `airsync serve` against the emulator, as deployed: its own process, the mirror in PGlite on
 * disk (a fresh data folder) or, with AIRSYNC_BENCH_WRITES_DATABASE_URL, in a fresh schema of
 * that PostgreSQL.
 */
async function spawnServer(
  emulatorUrl: string,
  pacing: Pacing,
): Promise<{ url: string; child: ChildProcess; cleanup: () => Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'airsync-writes-bench-'))
  const databaseUrl = process.env['AIRSYNC_BENCH_WRITES_DATABASE_URL']
  const schema = `writes_bench_${process.pid}_${pacing.rateWindowMs}`
  const env = {
    ...process.env,
    AIRTABLE_API_URL: emulatorUrl,
    AIRTABLE_ACCESS_TOKEN: TOKEN,
    AIRTABLE_BASE_ID: BASE_ID,
    AIRSYNC_SERVICE_KEY: SERVICE_KEY,
    AIRSYNC_DATA_DIR: dataDir,
    ...(databaseUrl !== undefined && { DATABASE_URL: databaseUrl, AIRSYNC_DB_SCHEMA: schema }),
    AIRSYNC_INGEST: 'off',
    AIRSYNC_RATE_LIMIT: String(pacing.rateLimit),
    AIRSYNC_RATE_WINDOW_MS: String(pacing.rateWindowMs),
    AIRSYNC_LOG_LEVEL: 'warn',
    PORT: '0',
  }
  const nodeFlags = PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`]
  const { url, child } = await spawnAirsync(['serve'], { env, nodeFlags })
  const kill = (): boolean => child.kill('SIGKILL')
  process.once('exit', kill)
  return {
    url,
    child,
    async cleanup() {
      process.off('exit', kill)
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined)
  // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')
  if (fields === undefined) return undefined
  return (Number(fields[11]) + Number(fields[12])) / 100
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
    method: route === '/stats' || route === '/rate-limits' ? 'GET' : 'POST',
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

/**
 * What the emulator saw since the last reset: requests in all, 429s among them, and the shortest
 * time in which it served 6 requests of the base (Airtable's window is 1,000 ms: the headroom left).
 */
async function emulatorCounts(
  url: string,
): Promise<{ requests: number; rateLimited: number; tightestMs: number | undefined }> {
  const stats = (await control(url, '/stats')) as {
    total: number
    byStatus: Record<string, number>
  }
  const limits = (await control(url, '/rate-limits')) as {
    tightestSpacingMs: Record<string, number>
  }
  return {
    requests: stats.total,
    rateLimited: stats.byStatus['429'] ?? 0,
    tightestMs: limits.tightestSpacingMs[BASE_ID],
  }
}

/** When each write finished and how long it took, ms since the run started. */
interface WriteTiming {
  doneMs: number
  tookMs: number
}

/**
 * Runs `writers` writers, `each` writes in turn, until all are done or `untilMs` has passed
 * (writes still running then are left to finish unseen). @returns the finished writes' timings
 */
async function runWriters(
  input: { writers: number; each: number; untilMs?: number },
  write: (writer: number, n: number) => Promise<void>,
): Promise<{ ms: number; writes: WriteTiming[] }> {
  const started = performance.now()
  const writes: WriteTiming[] = []
  const all = Promise.all(
    Array.from({ length: input.writers }, async (_, writer) => {
      for (let n = 0; n < input.each; n++) {
        if (input.untilMs !== undefined && performance.now() - started >= input.untilMs) return
        const at = performance.now()
        await write(writer, n)
        const done = performance.now()
        writes.push({ doneMs: done - started, tookMs: done - at })
      }
    }),
  )
  const deadline =
    input.untilMs === undefined
      ? undefined
      : new Promise<void>((resolve) => setTimeout(resolve, input.untilMs).unref())
  await (deadline === undefined ? all : Promise.race([all, deadline]))
  // Writes still running after the deadline are not counted; their end is not waited for.
  all.catch(() => undefined)
  return { ms: performance.now() - started, writes: [...writes] }
}

interface RunFigures {
  /** Writes finished in the run. */
  records: number
  ms: number
  writes: WriteTiming[]
  requests: number
  rateLimited: number
  /** The shortest time in which the emulator served 6 requests of the base. */
  tightestMs: number | undefined
  /** Writes that waited past airsync's synchronous limit (answered 202). */
  late: number
  /** Event-loop utilisation of this process (the writers) in the run. */
  busy: number
  /** CPU the airsync server process used in the run, as a share of one core. */
  serverCpu: number | undefined
}

/**
 * Records/s between the 10th and the 90th percentile of completions: the steady state, without
 * the writers' ramp-up and the partial batches of the tail.
 */
function sustainedPerSecond(writes: readonly WriteTiming[]): number {
  const done = writes.map((w) => w.doneMs).sort((a, b) => a - b)
  const from = Math.floor(done.length * 0.1)
  const to = Math.floor(done.length * 0.9)
  const spanMs = (done[to] ?? 0) - (done[from] ?? 0)
  return spanMs > 0 ? ((to - from) * 1000) / spanMs : 0
}

const percent = (share: number): string => `${(share * 100).toFixed(0)}%`

function report(label: string, run: RunFigures): void {
  const overall = (run.records * 1000) / run.ms
  const sustained = sustainedPerSecond(run.writes)
  const took = run.writes.map((w) => w.tookMs).sort((a, b) => a - b)
  const ratio = (perSecond: number): string => (perSecond / CEILING_RECORDS_PER_S).toFixed(3)
  console.error(
    `writes: ${label}: ${run.records} updates in ${(run.ms / 1000).toFixed(1)} s; ` +
      `sustained ${sustained.toFixed(1)} records/s = ${ratio(sustained)} of the ` +
      `${CEILING_RECORDS_PER_S}/s ceiling (whole run ${overall.toFixed(1)}/s = ${ratio(overall)}); ` +
      `${run.rateLimited} × 429; ${run.late} × 202; ` +
      (run.tightestMs === undefined ? '' : `6 served in ${run.tightestMs} ms at the closest; `) +
      `${run.requests} Airtable requests (${(run.records / Math.max(1, run.requests)).toFixed(1)} ` +
      `records each); write latency median ${quantile(took, 0.5).toFixed(0)} ms, ` +
      `p99 ${quantile(took, 0.99).toFixed(0)} ms; writers' event loop ${percent(run.busy)} busy` +
      (run.serverCpu === undefined ? '' : `; server ${percent(run.serverCpu)} of a core`),
  )
}

/** Runs `work`; measures this process's event-loop utilisation and the server's CPU over it. */
async function measured(
  input: { emulatorUrl: string; serverPid?: number | undefined; late?: () => number },
  work: () => Promise<{ ms: number; writes: WriteTiming[] }>,
): Promise<RunFigures> {
  const before = performance.eventLoopUtilization()
  const cpuBefore = await cpuSeconds(input.serverPid)
  const { ms, writes } = await work()
  const busy = performance.eventLoopUtilization(before).utilization
  const cpuAfter = await cpuSeconds(input.serverPid)
  const serverCpu =
    cpuBefore === undefined || cpuAfter === undefined
      ? undefined
      : (cpuAfter - cpuBefore) / (ms / 1000)
  const counts = await emulatorCounts(input.emulatorUrl)
  const late = input.late?.() ?? 0
  return { records: writes.length, ms, writes, busy, serverCpu, late, ...counts }
}

/** airsync with the given pacing: 2,000 updates, each request waiting for its commit. */
function airsyncCase(pacing: Pacing): () => Promise<BenchCase> {
  return async () => {
    shared ??= sharedSetup()
    const { url, recordIds } = await shared
    // A fresh mirror each time: a synced one would resync in the background during the run.
    const server = await spawnServer(url, pacing)
    const serverUrl = server.url
    let round = 0
    return {
      async step() {
        await quiet(url)
        round += 1
        let late = 0
        const run = await measured(
          { emulatorUrl: url, serverPid: server.child.pid, late: () => late },
          () =>
            runWriters({ writers: WRITERS, each: 20 }, async (writer, n) => {
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
              // 202: the write is queued but waited past the synchronous limit (e.g. a 429 penalty).
              if (response.status === 202) late += 1
              else if (response.status !== 200) {
                throw new Error(`write answered ${response.status}: ${await response.text()}`)
              }
            }),
        )
        report(`airsync, ${pacing.label}`, run)
      },
      close: server.cleanup,
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
      const run = await measured({ emulatorUrl: url }, () =>
        runWriters({ writers: WRITERS, each: 20, untilMs: BASELINE_MS }, async (writer, n) => {
          await table.update(recordIds[writer] ?? '', { 'About You': `baseline ${n} by ${writer}` })
        }),
      )
      report('airtable.js, one call per write', run)
    },
  }
}

const DEFAULT_WINDOW_MS = serverConfigSchema.shape.airtableRateWindowMs.parse(undefined)

export const benchmarks: Benchmark[] = [
  ...WINDOWS_MS.map((windowMs): Benchmark => ({
    name:
      `writes: 2,000 updates, 100 writers, airsync, sliding window 5 per ${windowMs} ms` +
      (windowMs === DEFAULT_WINDOW_MS ? ' (default)' : ''),
    group: 'writes',
    iterations: 1,
    warmup: 0,
    setup: airsyncCase({
      label: `sliding window 5/${windowMs} ms`,
      rateLimit: 5,
      rateWindowMs: windowMs,
    }),
  })),
  {
    name: 'writes: 2,000 updates, 100 writers, airsync, token bucket 4.5/s',
    group: 'writes',
    iterations: 1,
    warmup: 0,
    setup: airsyncCase({ label: 'token bucket 4.5/s', rateLimit: 4.5, rateWindowMs: 0 }),
  },
  {
    name: `writes: 100 writers for ${BASELINE_MS / 1000} s, airtable.js one call per write (baseline)`,
    group: 'writes',
    iterations: 1,
    warmup: 0,
    setup: baselineCase,
  },
]
