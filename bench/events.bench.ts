/**
 * The change stream under load (issue 5, "done means" 5, second half): 1,000 SSE clients (each a
 * member with their own token) on one airsync server while a Templates record — which every
 * member may read — changes 50 times a second, so each change fans out to all 1,000 streams.
 * Reports: all delivered (per client, every change, in order), delivery latency from the write
 * to each client (median, p99), fan-out completion per change (p99), and the server's RSS before
 * the clients connected and at its peak. The server runs in its own process (this file, forked)
 * so its memory is its own; changes are written into its mirror there, as ingestion would.
 *
 * AIRSYNC_BENCH_SSE_CLIENTS / AIRSYNC_BENCH_SSE_CHANGES override 1,000 clients / 250 changes;
 * AIRSYNC_BENCH_SSE_DATABASE_URL puts the mirror on PostgreSQL; AIRSYNC_BENCH_SSE_CPU_PROF=DIR
 * writes a CPU profile of the server process to DIR.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { loadSeed, startEmulator } from '../src/emulator/index.ts'
import { issueDevToken } from '../src/policy/index.ts'
import { findField, findTable } from '../src/protocol/index.ts'
import { createAirsyncServer, serverConfigSchema } from '../src/server/index.ts'
import { migrate, openPglite, openPostgres, upsertRecords } from '../src/store/index.ts'
import { openEvents, type SseClient } from '../test/events-client.ts'
import { quantile, type BenchCase, type Benchmark } from './lib.ts'

const CHILD_FLAG = 'AIRSYNC_EVENTS_BENCH_CHILD'
const TOKEN = 'patEventsBenchmark.0000'
const SERVICE_KEY = 'events-bench-service-key-0123456789'
const JWT_SECRET = 'events-bench-jwt-secret-0123456789abcdef'
const CLIENTS = Number(process.env['AIRSYNC_BENCH_SSE_CLIENTS'] ?? 1_000)
const CHANGES = Number(process.env['AIRSYNC_BENCH_SSE_CHANGES'] ?? 250)
const CHANGES_PER_S = 50

type ToParent =
  | { type: 'ready'; url: string; rss: number }
  | { type: 'done'; firstSeq: number; lastSeq: number; rssPeak: number; writeMs: number }
type ToChild = { type: 'run'; changes: number; perSecond: number } | { type: 'stop' }

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
const nowMs = (): number => performance.timeOrigin + performance.now()

/** The server process: emulator + airsync (no ingestion, no writer), then paced mirror writes. */
async function serverProcess(): Promise<void> {
  const emulator = await startEmulator({
    tokens: [TOKEN],
    bases: [loadSeed('presence')],
    rateLimit: false,
  })
  // AIRSYNC_BENCH_SSE_DATABASE_URL: the mirror on PostgreSQL (a fresh schema) instead of PGlite.
  const databaseUrl = process.env['AIRSYNC_BENCH_SSE_DATABASE_URL']
  const db =
    databaseUrl === undefined
      ? await openPglite({ memory: true })
      : await openPostgres({ connectionString: databaseUrl, schema: `bench_sse_${Date.now()}` })
  await migrate(db)
  const config = serverConfigSchema.parse({
    airtableApiUrl: emulator.url,
    airtableAccessToken: TOKEN,
    baseId: 'appPresenceDemo01',
    port: 0,
    serviceKey: SERVICE_KEY,
    jwtSecret: JWT_SECRET,
    airtableRatePerSecond: 1000,
    ingest: 'off',
    outboxWriter: 'off',
    logLevel: 'silent',
  })
  const server = await createAirsyncServer({ ...config, db, logger: pino({ level: 'silent' }) })
  const url = await server.start()
  await server.whenReady()
  const schema = server.policy()?.schema
  const table = schema === undefined ? undefined : findTable(schema, 'Templates')
  const body = table === undefined ? undefined : findField(table, 'Message Body')
  const active = table === undefined ? undefined : findField(table, 'Active Status')
  if (table === undefined || body === undefined || active === undefined) {
    throw new Error('no Templates table')
  }
  const send = (message: ToParent): void => void process.send?.(message)
  send({ type: 'ready', url, rss: process.memoryUsage().rss })
  process.on('message', (message: ToChild) => {
    if (message.type === 'stop') {
      void server
        .close()
        .then(() => emulator.close())
        .then(() => process.exit(0))
      return
    }
    void (async () => {
      let rssPeak = process.memoryUsage().rss
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
      }, 100)
      const start = nowMs()
      const seqs: number[] = []
      for (let i = 0; i < message.changes; i += 1) {
        const due = start + (i * 1000) / message.perSecond
        const wait = due - nowMs()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        const result = await upsertRecords(db, {
          baseId: server.baseId,
          tableId: table.id,
          records: [
            { id: 'recBenchTemplate01', fields: { [body.id]: String(nowMs()), [active.id]: true } },
          ],
          mode: 'merge',
          source: 'test',
        })
        if (result.lastSeq !== undefined) seqs.push(result.lastSeq)
        // Ingestion writes between network reads; a bare loop of in-process writes would starve
        // the server's sockets when it falls behind schedule.
        await new Promise((resolve) => setImmediate(resolve))
      }
      const writeMs = nowMs() - start
      clearInterval(sampler)
      send({ type: 'done', firstSeq: seqs[0] ?? 0, lastSeq: seqs.at(-1) ?? 0, rssPeak, writeMs })
    })()
  })
}

if (process.env[CHILD_FLAG] === '1') await serverProcess()

function nextMessage<T extends ToParent['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ToParent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ToParent): void => {
      if (message.type !== type) return
      child.off('message', onMessage)
      resolve(message as Extract<ToParent, { type: T }>)
    }
    child.on('message', onMessage)
    child.once('exit', (code) => reject(new Error(`server process exited (${code})`)))
  })
}

async function fanOutCase(): Promise<BenchCase> {
  // AIRSYNC_BENCH_SSE_CPU_PROF=DIR: a V8 CPU profile of the server process, written to DIR.
  const profileDir = process.env['AIRSYNC_BENCH_SSE_CPU_PROF']
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [CHILD_FLAG]: '1' },
    execArgv: [
      ...process.execArgv,
      ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await nextMessage(child, 'ready')
  const latencies: number[] = []
  const received = new Map<number, { count: number; lastMs: number; writtenMs: number }>()
  const perClient: { count: number; lastSeq: number; outOfOrder: number }[] = []
  const clients: SseClient[] = []
  for (let batch = 0; batch < CLIENTS; batch += 100) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(100, CLIENTS - batch) }, async (_, k) => {
        const index = batch + k
        const state = { count: 0, lastSeq: 0, outOfOrder: 0 }
        perClient.push(state)
        const token = await issueDevToken({
          secret: JWT_SECRET,
          sub: `bench-${index}`,
          email: `bench-${index}@presence.test`,
          role: 'member',
        })
        return openEvents(ready.url, {
          token,
          query: '?tables=Templates',
          keepEvents: false,
          onEvent: (event) => {
            const at = nowMs()
            const { parsed } = event
            if (parsed.type !== 'record.updated' && parsed.type !== 'record.created') return
            if (parsed.seq <= state.lastSeq) state.outOfOrder += 1
            state.lastSeq = parsed.seq
            state.count += 1
            const writtenMs = Number(parsed.fields['Message Body'])
            latencies.push(at - writtenMs)
            const entry = received.get(parsed.seq) ?? { count: 0, lastMs: 0, writtenMs }
            entry.count += 1
            entry.lastMs = Math.max(entry.lastMs, at)
            received.set(parsed.seq, entry)
          },
        })
      }),
    )
    clients.push(...opened)
  }
  const refused = clients.filter((c) => c.status !== 200).length
  let summary = ''
  return {
    async step() {
      const done = nextMessage(child, 'done')
      child.send({ type: 'run', changes: CHANGES, perSecond: CHANGES_PER_S } satisfies ToChild)
      const { firstSeq, lastSeq, rssPeak, writeMs } = await done
      const deadline = Date.now() + 30_000
      while (perClient.some((c) => c.lastSeq < lastSeq) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const expected = CHANGES * CLIENTS
      const delivered = perClient.reduce((sum, c) => sum + c.count, 0)
      const complete = perClient.filter((c) => c.count === CHANGES && c.outOfOrder === 0).length
      const sorted = [...latencies].sort((a, b) => a - b)
      const fanOut = [...received.values()]
        .filter((r) => r.count === CLIENTS)
        .map((r) => r.lastMs - r.writtenMs)
        .sort((a, b) => a - b)
      const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(0)
      summary =
        `sse: ${CLIENTS} clients (${refused} refused), ${CHANGES} changes at ${CHANGES_PER_S}/s ` +
        `(written in ${(writeMs / 1000).toFixed(1)} s) ` +
        `(seq ${firstSeq}–${lastSeq}): ${delivered}/${expected} events delivered, ` +
        `${complete}/${CLIENTS} clients got every change in order; delivery latency ` +
        `median ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms, ` +
        `max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms; all ${CLIENTS} reached: p99 ` +
        `${quantile(fanOut, 0.99).toFixed(1)} ms; server RSS ${mb(ready.rss)} MB before the ` +
        `clients → peak ${mb(rssPeak)} MB (+${mb(rssPeak - ready.rss)} MB)`
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()))
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send({ type: 'stop' } satisfies ToChild)
      await exited
      console.error(summary)
    },
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: `SSE fan-out: ${CLIENTS} clients, ${CHANGES} changes at ${CHANGES_PER_S}/s (figures on stderr)`,
    group: 'sse',
    iterations: 1,
    warmup: 0,
    setup: fanOutCase,
  },
]
