/**
 * Read benchmarks (issue 3, "done means" 5):
 * (a) list pages with a filter (and with a sort) on the 100,000-record table (large-table.ts)
 *     through the API (`app.request`, service key) on PGlite and on PostgreSQL — DATABASE_URL, or
 *     the local postgres://postgres@127.0.0.1:5432/test; skipped with a note when unreachable.
 *     Each backend's table is filled once and shared by its cases.
 * (b) a Presence member's dashboard (test/dashboard.ts: profile, active hosts, their sessions,
 *     templates) through airsync vs straight to the emulator at 250 ms latency and 5 requests/s,
 *     as a ratio.
 */
import pg from 'pg'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { createAirtableClient, RateLimiter } from '../src/airtable/index.ts'
import { createApi, type ApiApp } from '../src/api/index.ts'
import { createAuthenticator, createPolicyEngine } from '../src/policy/index.ts'
import { loadDashboard } from '../test/dashboard.ts'
import { startStack, type Stack } from '../test/stack.ts'
import { fillLargeTable, LARGE_BASE_ID, LARGE_TABLE, openBenchStore } from './large-table.ts'
import type { Benchmark, BenchCase } from './lib.ts'

const ROWS = 100_000
const SERVICE_KEY = 'bench-read-service-key-0123456789'
const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/test'
const FILTER = "AND({Status} = 'Open', {Amount} > 900)"
const TABLE_PATH = `/v0/${LARGE_BASE_ID}/${encodeURIComponent(LARGE_TABLE)}`

type Backend = 'pglite' | 'postgres'

/** PostgreSQL's URL when a server answers, else undefined (and a note on stderr). */
async function reachablePostgres(): Promise<string | undefined> {
  const url = process.env['DATABASE_URL'] ?? LOCAL_PG
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.end()
    return url
  } catch (error) {
    console.error(
      `read.bench: PostgreSQL at ${url} unreachable, skipping its cases (${String(error)})`,
    )
    return undefined
  }
}

interface Shared {
  app: ApiApp
  /** Cases still to run on it (main.ts runs cases one after another). */
  users: number
  close(): Promise<void>
}

/** True when main.ts will run the benchmark (its filter is argv[2], matched as there). */
const selected = (bench: Benchmark): boolean => {
  const filter = process.argv[2]
  return filter === undefined || `${bench.group ?? ''} ${bench.name}`.includes(filter)
}

const shared = new Map<Backend, Promise<Shared>>()

/** The filled store and an API over it, opened once per backend, closed by its last user. */
function largeApi(backend: Backend, databaseUrl: string | undefined): Promise<Shared> {
  let found = shared.get(backend)
  if (found === undefined) {
    found = (async () => {
      const store = await openBenchStore(backend === 'postgres' ? databaseUrl : undefined)
      const started = Date.now()
      const schema = await fillLargeTable(store.db, ROWS)
      // Planner statistics, as after a full sync settles (autovacuum; PGlite has none, so the
      // ingest should ANALYZE after a bulk load): without them a filter page scans every row.
      await store.db.exec('analyze records')
      console.error(`read.bench: ${backend} filled ${ROWS} rows in ${Date.now() - started} ms`)
      const app = createApi({
        db: store.db,
        baseId: LARGE_BASE_ID,
        getSchema: () => schema,
        policies: (s) => createPolicyEngine({ policies: { tables: {} }, schema: s }),
        authenticator: createAuthenticator({ serviceKey: SERVICE_KEY }),
        status: () => ({ ready: true, tables: [] }),
        metrics: new Registry(),
        logger: pino({ level: 'silent' }),
        offsetSecret: 'bench-offset-secret',
        limits: { requestsPerSecond: 1_000_000, burst: 1_000_000 },
      })
      const users = largeBenchmarks(backend, databaseUrl).filter(selected).length
      return { app, users, close: () => store.close() }
    })()
    shared.set(backend, found)
  }
  return found
}

async function getJson(
  app: ApiApp,
  query: string,
): Promise<{ records: unknown[]; offset?: string }> {
  const res = await app.request(`${TABLE_PATH}?${query}`, {
    headers: { authorization: `Bearer ${SERVICE_KEY}` },
  })
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`)
  return (await res.json()) as { records: unknown[]; offset?: string }
}

/** One list query; `secondPage` measures the page after the first (a keyset offset). */
function listCase(
  backend: Backend,
  databaseUrl: string | undefined,
  query: { params: string; secondPage?: boolean },
): () => Promise<BenchCase> {
  return async () => {
    const api = await largeApi(backend, databaseUrl)
    let params = query.params
    if (query.secondPage === true) {
      const first = await getJson(api.app, params)
      if (first.offset === undefined) throw new Error('no second page')
      params = `${params}&offset=${encodeURIComponent(first.offset)}`
    }
    return {
      step: async () => {
        const body = await getJson(api.app, params)
        if (body.records.length === 0) throw new Error('empty page')
      },
      close: async () => {
        if (--api.users === 0) {
          shared.delete(backend)
          await api.close()
        }
      },
    }
  }
}

const q = (params: Record<string, string>): string => new URLSearchParams(params).toString()
const LIST_QUERIES: { name: string; params: string; secondPage?: boolean }[] = [
  { name: 'filter, page 1', params: q({ filterByFormula: FILTER, pageSize: '100' }) },
  {
    name: 'filter, page 2 (keyset offset)',
    params: q({ filterByFormula: FILTER, pageSize: '100' }),
    secondPage: true,
  },
  {
    name: 'filter + sort Amount desc',
    params: q({
      filterByFormula: FILTER,
      pageSize: '100',
      'sort[0][field]': 'Amount',
      'sort[0][direction]': 'desc',
    }),
  },
  {
    name: 'filter {Done} + sort Ref (text, collation)',
    params: q({ filterByFormula: '{Done}', pageSize: '100', 'sort[0][field]': 'Ref' }),
  },
]

function largeBenchmarks(backend: Backend, databaseUrl: string | undefined): Benchmark[] {
  return LIST_QUERIES.map((query) => ({
    group: `100k-row table, pageSize 100 (${backend})`,
    name: query.name,
    iterations: 30,
    warmup: 3,
    setup: listCase(backend, databaseUrl, query),
  }))
}

const DASHBOARD_GROUP = "member's dashboard (4 reads; emulator at 250 ms latency, 5 req/s)"
let stackPromise: Promise<Stack> | undefined
let stackUsers = 0

/** One emulator (250 ms, 5/s) + airsync pair for both dashboard cases; synced once. */
async function dashboardStack(): Promise<Stack> {
  if (stackPromise === undefined) {
    stackUsers = dashboardBenchmarks.filter(selected).length
    const started = Date.now()
    // The initial sync runs at 5/s without the latency (it is not what is measured), then the
    // emulator gets its 250 ms per request through the control API.
    stackPromise = startStack({ rateLimit: { perBase: 5 }, airtableRatePerSecond: 5 }).then(
      async (stack) => {
        console.error(`read.bench: dashboard stack synced in ${Date.now() - started} ms`)
        const res = await fetch(`${stack.emulator.url}/__emulator/faults`, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${stack.emulator.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ latencyMs: 250 }),
        })
        if (!res.ok) throw new Error(`emulator faults: ${res.status} ${await res.text()}`)
        return stack
      },
    )
  }
  return stackPromise
}

async function releaseStack(): Promise<void> {
  if (--stackUsers > 0 || stackPromise === undefined) return
  const stack = await stackPromise
  stackPromise = undefined
  await stack.close()
}

const dashboardBenchmarks: Benchmark[] = [
  {
    group: DASHBOARD_GROUP,
    name: 'through airsync (member JWT)',
    iterations: 20,
    warmup: 2,
    setup: async () => {
      const stack = await dashboardStack()
      const client = stack.airsync(stack.tokens.member)
      return {
        step: () => loadDashboard(client, stack.baseId).then(() => undefined),
        close: releaseStack,
      }
    },
  },
  {
    group: DASHBOARD_GROUP,
    name: 'straight to the emulator',
    iterations: 6,
    warmup: 1,
    setup: async () => {
      const stack = await dashboardStack()
      const client = createAirtableClient({
        token: stack.emulator.token,
        apiUrl: stack.emulator.url,
        limiter: new RateLimiter({ baseRatePerSecond: 5, tokenRatePerSecond: 50 }),
      })
      return {
        step: () => loadDashboard(client, stack.baseId).then(() => undefined),
        close: releaseStack,
      }
    },
  },
]

const postgresUrl = await reachablePostgres()

export const benchmarks: Benchmark[] = [
  ...largeBenchmarks('pglite', undefined),
  ...(postgresUrl === undefined ? [] : largeBenchmarks('postgres', postgresUrl)),
  ...dashboardBenchmarks,
]
