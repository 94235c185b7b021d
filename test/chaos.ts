/**
 * The chaos driver (issue 4, done-means 1): mixed async writes through an `airsync serve` child
 * process that is SIGKILLed and restarted at random moments, against an emulator (in this
 * process, so it survives the kills) injecting 5xx, commit-then-fail and hangs. Afterwards it
 * compares Airtable (the emulator) with what was accepted.
 *
 * The client and its chains of writes are in chaos-chains.ts: a write that got no answer is sent
 * again with the same `Idempotency-Key`, so one accepted just before a kill is not accepted twice.
 *
 * Checks: every 202 mutation committed; each created marker in Airtable exactly once (none for a
 * deleted chain); each record's final value is its last accepted write; nothing else created.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type FaultSettingsInput } from '../src/emulator/index.ts'
import { buildTestBase, TEST_BASE_ID } from '../src/emulator/test-base.ts'
import { sleep } from '../src/shared/index.ts'
import { openPostgres, quoteIdent } from '../src/store/index.ts'
import {
  SERVICE_KEY,
  TABLE,
  chaosClient,
  mulberry32,
  planChains,
  runChains,
  type Chain,
  type ChainCounters,
  type ChaosClient,
} from './chaos-chains.ts'
import { freePort, spawnServer, type ServerProcess } from './chaos-server.ts'

/** The emulator token the driver and the servers use. */
export const TOKEN =
  'patChaosDriver001.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
const SEEDED_ROWS = 20

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  /** Writes to send (creates, updates, deletes). */
  writes: number
  /** SIGKILL + restart cycles, spread over the writes. @default 5 */
  kills?: number
  /** Records written at once. @default 12 */
  concurrency?: number
  /** PostgreSQL instead of PGlite on disk (a fresh schema, dropped after). */
  databaseUrl?: string | undefined
  /** Emulator faults. @default 10% 5xx, 5% commit-then-fail, 2% hangs */
  faults?: FaultSettingsInput
  /** Seed of the write plan and the kill moments. @default random */
  seed?: number
  /** Progress lines. @default silent */
  log?: (line: string) => void
}

/** What happened, and every discrepancy found (all empty on success). */
export interface ChaosReport {
  seed: number
  writesSent: number
  accepted: number
  /** Requests refused because a temporary ID had resolved (then re-sent with the real ID). */
  tempIdRefusals: number
  /** Requests sent again with the same key after no answer or a 5xx. */
  resends: number
  kills: number
  durationMs: number
  /** Emulator answers by status over the run. */
  emulatorStatuses: Record<string, number>
  /** Accepted mutations not committed, with their state. */
  notCommitted: string[]
  /** Refused writes other than temporary-ID ones (should not happen). */
  refused: string[]
  duplicates: string[]
  missing: string[]
  wrongValue: string[]
  unexpected: string[]
}

/** Runs one chaos round and reports. Throws only when the setup itself fails. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
  const random = mulberry32(seed)
  const log = options.log ?? ((): void => undefined)
  const kills = options.kills ?? 5
  const startedMs = Date.now()
  const running = await startEmulator({
    tokens: [TOKEN],
    bases: [buildTestBase({ rows: SEEDED_ROWS })],
    rateLimit: false,
    random,
    faults: options.faults ?? {
      errorRate: 0.1,
      errorStatuses: [500, 502, 503],
      commitThenFailRate: 0.05,
      hangRate: 0.02,
    },
  })
  const dataDir = await mkdtemp(join(tmpdir(), 'airsync-chaos-'))
  const schema = `chaos_${randomBytes(5).toString('hex')}`
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env: Record<string, string> = {
    AIRTABLE_API_URL: running.url,
    AIRTABLE_ACCESS_TOKEN: TOKEN,
    AIRTABLE_BASE_ID: TEST_BASE_ID,
    AIRSYNC_DATA_DIR: dataDir,
    AIRSYNC_SERVICE_KEY: SERVICE_KEY,
    PORT: String(port),
    AIRSYNC_RATE_LIMIT: '40',
    AIRSYNC_AIRTABLE_TIMEOUT_MS: '1500',
    AIRSYNC_POLL_INTERVAL_MS: '500',
    AIRSYNC_LOG_LEVEL: 'warn',
    ...(options.databaseUrl !== undefined && {
      DATABASE_URL: options.databaseUrl,
      AIRSYNC_DB_SCHEMA: schema,
    }),
  }
  let server: ServerProcess = spawnServer(env)
  try {
    await server.ready
    const client = chaosClient(() => [url])
    const seeded = await listUpstream(running.url)
    const chains = planChains({ writes: options.writes, random, seededIds: [...seeded.keys()] })
    const counters: ChainCounters = { sent: 0, accepted: 0, tempIdRefusals: 0, refused: [] }
    const acceptedIds: string[] = []
    const runner = runChains({
      chains,
      client,
      counters,
      acceptedIds,
      concurrency: options.concurrency ?? 12,
    })
    for (let k = 1; k <= kills; k += 1) {
      const threshold = Math.floor((options.writes * k) / (kills + 1))
      while (counters.sent < threshold) await sleep(20)
      await sleep(Math.floor(random() * 300))
      await server.kill('SIGKILL')
      log(`kill ${k} after ${counters.sent} writes (${counters.accepted} accepted)`)
      await sleep(Math.floor(random() * 300))
      server = spawnServer(env)
      await server.ready
    }
    await runner
    log(`writes done: ${counters.sent} sent, ${counters.accepted} accepted; draining`)
    await drain(client)
    await setFaults(running.url, {})
    const emulatorStatuses = (await stats(running.url)).byStatus
    const states = await mutationStates(client, acceptedIds)
    const upstream = await listUpstream(running.url)
    const checks = compare(chains, upstream)
    return {
      seed,
      writesSent: counters.sent,
      accepted: counters.accepted,
      tempIdRefusals: counters.tempIdRefusals,
      resends: client.resends(),
      kills,
      durationMs: Date.now() - startedMs,
      emulatorStatuses,
      notCommitted: states,
      refused: counters.refused,
      ...checks,
    }
  } catch (error) {
    log(`server output:\n${server.output()}`)
    throw error
  } finally {
    await server.kill('SIGTERM')
    await running.close()
    await rm(dataDir, { recursive: true, force: true })
    if (options.databaseUrl !== undefined) {
      const db = await openPostgres({ connectionString: options.databaseUrl })
      await db.query(`drop schema if exists ${quoteIdent(schema)} cascade`)
      await db.close()
    }
  }
}

/** Waits until nothing is queued or sending (the writer may still be retrying after a kill). */
export async function drain(client: ChaosClient): Promise<void> {
  const deadline = Date.now() + 180_000
  for (;;) {
    const outbox = (await client.get('/v1/outbox')).body as { depth: number }
    if (outbox.depth === 0) return
    if (Date.now() > deadline) throw new Error(`outbox not drained: depth ${outbox.depth}`)
    await sleep(250)
  }
}

/** Accepted mutations that are not committed, as `id: state`. */
export async function mutationStates(
  client: ChaosClient,
  ids: readonly string[],
): Promise<string[]> {
  const wrong: string[] = []
  for (const id of ids) {
    const body = (await client.get(`/v1/mutations/${id}`)).body as {
      state?: string
      error?: unknown
    }
    if (body.state !== 'committed') wrong.push(`${id}: ${body.state} ${JSON.stringify(body.error)}`)
  }
  return wrong
}

interface UpstreamRecord {
  id: string
  fields: Record<string, unknown>
}

/** Every Tasks record in the emulator (faults off or not: it asks again on an error). */
export async function listUpstream(emulatorUrl: string): Promise<Map<string, UpstreamRecord>> {
  const found = new Map<string, UpstreamRecord>()
  let offset: string | undefined
  do {
    const query = new URLSearchParams({ pageSize: '100', ...(offset !== undefined && { offset }) })
    const response = await fetch(`${emulatorUrl}/v0/${TEST_BASE_ID}/${TABLE}?${query.toString()}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined)
    if (response?.ok !== true) {
      await sleep(50)
      continue
    }
    const page = (await response.json()) as { records: UpstreamRecord[]; offset?: string }
    for (const record of page.records) found.set(record.id, record)
    offset = page.offset
  } while (offset !== undefined)
  return found
}

/** Airtable against the chains' last accepted writes. */
export function compare(
  chains: readonly Chain[],
  upstream: ReadonlyMap<string, UpstreamRecord>,
): Pick<ChaosReport, 'duplicates' | 'missing' | 'wrongValue' | 'unexpected'> {
  const byMarker = new Map<string, UpstreamRecord[]>()
  for (const record of upstream.values()) {
    const name = record.fields['Name']
    if (typeof name !== 'string' || !name.startsWith('chaos-')) continue
    byMarker.set(name, [...(byMarker.get(name) ?? []), record])
  }
  const duplicates: string[] = []
  const missing: string[] = []
  const wrongValue: string[] = []
  const unexpected: string[] = []
  const known = new Set<string>()
  for (const chain of chains) {
    const expected = chain.expected
    if (expected === undefined) continue
    const records =
      chain.existingId === undefined
        ? (byMarker.get(chain.marker) ?? [])
        : [upstream.get(chain.existingId)].filter((r) => r !== undefined)
    known.add(chain.marker)
    if (expected.deleted) {
      if (records.length > 0)
        unexpected.push(`${chain.marker}: deleted, but ${records.length} in Airtable`)
      continue
    }
    if (records.length === 0) missing.push(chain.marker)
    if (records.length > 1) duplicates.push(`${chain.marker} × ${records.length}`)
    for (const record of records) {
      const got = { Priority: record.fields['Priority'], Notes: record.fields['Notes'] }
      if (got.Priority !== expected.fields.Priority || got.Notes !== expected.fields.Notes) {
        wrongValue.push(
          `${chain.marker}: ${JSON.stringify(got)} ≠ ${JSON.stringify(expected.fields)}`,
        )
      }
    }
  }
  for (const marker of byMarker.keys()) {
    if (!known.has(marker)) unexpected.push(`${marker}: in Airtable, never accepted`)
  }
  return { duplicates, missing, wrongValue, unexpected }
}

async function control(
  emulatorUrl: string,
  path: string,
  init: RequestInit = {},
): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}/__emulator${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  })
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status}`)
  return response.json()
}

/** Replaces the emulator's fault settings. */
export async function setFaults(emulatorUrl: string, faults: FaultSettingsInput): Promise<void> {
  await control(emulatorUrl, '/faults', { method: 'PUT', body: JSON.stringify(faults) })
}

async function stats(emulatorUrl: string): Promise<{ byStatus: Record<string, number> }> {
  return (await control(emulatorUrl, '/stats')) as { byStatus: Record<string, number> }
}
