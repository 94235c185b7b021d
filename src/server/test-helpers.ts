/**
 * Test helpers for the server and ingest tests: an emulator on port 0 and an Airtable client for it with a limiter of
 * its own (fast, so tests do not wait on Airtable's real budget unless they ask to).
 */
import {
  createAirtableClient,
  RateLimiter,
  type AirtableClient,
  type FetchLike,
  type RateLimiterOptions,
} from '../airtable/index.ts'
import type { AirtableRecord } from '../protocol/index.ts'
import { loadTableRecords, type Db } from '../store/index.ts'
import {
  startEmulator,
  type RunningEmulator,
  type StartEmulatorOptions,
} from '../emulator/index.ts'

export const TEST_TOKEN =
  'patIngestTest00001.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'

/** An emulator serving `options.bases` with one accepted token and no rate limit by default. */
export function startTestEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  return startEmulator({ tokens: [TEST_TOKEN], rateLimit: false, ...options })
}

/** A client for `running` with its own limiter (100/s per base unless overridden). */
export function testClient(
  running: RunningEmulator,
  limiter: RateLimiterOptions = {},
  fetchFn?: FetchLike,
): AirtableClient {
  return createAirtableClient({
    ...(fetchFn !== undefined && { fetch: fetchFn }),
    token: TEST_TOKEN,
    apiUrl: running.url,
    limiter: new RateLimiter({
      baseRatePerSecond: 100,
      baseBurst: 10,
      tokenRatePerSecond: 1000,
      tokenBurst: 10,
      penaltyMs: 20,
      ...limiter,
    }),
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    maxAttempts: 10,
  })
}

/** A record as compared: id, createdTime and fields by field ID. */
export interface ComparableRecord {
  id: string
  createdTime: string
  fields: Record<string, unknown>
}

/** Every record of a table as the emulator lists it, sorted by ID. */
export async function upstreamRecords(
  client: AirtableClient,
  baseId: string,
  tableId: string,
): Promise<ComparableRecord[]> {
  const records: AirtableRecord[] = await client
    .table(baseId, tableId)
    .all({ returnFieldsByFieldId: true })
  return records
    .map((r) => ({
      id: r.id,
      createdTime: new Date(r.createdTime).toISOString(),
      fields: { ...r.fields },
    }))
    .sort(byId)
}

/** Every record of a table in the mirror, sorted by ID. */
export async function mirrorRecords(
  db: Db,
  baseId: string,
  tableId: string,
): Promise<ComparableRecord[]> {
  const records = await loadTableRecords(db, { baseId, tableId })
  return records
    .map((r) => ({
      id: r.id,
      createdTime: new Date(r.createdTime).toISOString(),
      fields: { ...r.fields },
    }))
    .sort(byId)
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
