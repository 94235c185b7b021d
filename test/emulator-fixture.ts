/**
 * An in-process emulator for the cross-module tests and benchmarks: served on port 0 with one
 * token, the Presence seed (or a given base), optional latency and rate limits, and helpers over
 * its request counters (`/__emulator/stats`), which is how tests count Airtable calls.
 */
import {
  loadSeed,
  startEmulator,
  type EmulatedBase,
  type RateLimitOptions,
  type RunningEmulator,
  type StatsSnapshot,
} from '../src/emulator/index.ts'

/** The token the fixture's emulator accepts (shaped like a personal access token). */
export const EMULATOR_TOKEN =
  'patStackFixture01.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'

export interface EmulatorFixtureOptions {
  /** The base served. @default the Presence seed (`appPresenceDemo01`) */
  base?: EmulatedBase
  /** Added to every /v0 answer, in ms. @default 0 */
  latencyMs?: number
  /** Airtable's limits, or `false` for none (tests that count calls need no limits). @default false */
  rateLimit?: RateLimitOptions | false
}

/** A served emulator and its counters. */
export interface EmulatorFixture extends AsyncDisposable {
  readonly running: RunningEmulator
  /** `http://127.0.0.1:port`, no trailing slash. */
  readonly url: string
  readonly token: string
  readonly baseId: string
  /** `GET /__emulator/stats`. */
  stats(): Promise<StatsSnapshot>
  /** `POST /__emulator/stats/reset`. */
  resetStats(): Promise<void>
  /** Requests to `/v0` counted since the last reset. */
  requestCount(): Promise<number>
  close(): Promise<void>
}

/** Starts an emulator on port 0. */
export async function startEmulatorFixture(
  options: EmulatorFixtureOptions = {},
): Promise<EmulatorFixture> {
  const base = options.base ?? loadSeed('presence')
  const running = await startEmulator({
    tokens: [EMULATOR_TOKEN],
    bases: [base],
    rateLimit: options.rateLimit ?? false,
    ...(options.latencyMs !== undefined && { faults: { latencyMs: options.latencyMs } }),
  })
  const control = async (method: 'GET' | 'POST', path: string): Promise<unknown> => {
    const response = await fetch(`${running.url}/__emulator${path}`, {
      method,
      headers: { authorization: `Bearer ${EMULATOR_TOKEN}` },
    })
    if (!response.ok) throw new Error(`${method} /__emulator${path}: ${response.status}`)
    return response.json()
  }
  const stats = async (): Promise<StatsSnapshot> =>
    (await control('GET', '/stats')) as StatsSnapshot
  const close = (): Promise<void> => running.close()
  return {
    running,
    url: running.url,
    token: EMULATOR_TOKEN,
    baseId: base.id,
    stats,
    resetStats: async () => {
      await control('POST', '/stats/reset')
    },
    requestCount: async () => (await stats()).total,
    close,
    [Symbol.asyncDispose]: close,
  }
}
