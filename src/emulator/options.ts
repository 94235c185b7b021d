/**
 * The options of `createEmulator`, each documented with its default and unit, validated once.
 * Behaviour Airtable leaves undocumented ([?]) is an option with the default we believe.
 */
import { z } from 'zod'
import { systemClock, type Clock } from '../shared/clock.ts'
import type { FaultSettingsInput } from './faults.ts'
import type { EmulatedBase } from './state/index.ts'
import type { Collaborator } from './state/types.ts'
import type { WebhookHubOptions } from './webhooks/index.ts'

export interface RateLimitOptions {
  /** Requests per window per base (airtable-api.md §3). @default 5 */
  perBase?: number
  /** Requests per window per token (per PAT owner in Airtable). @default 50 */
  perToken?: number
  /** @default 1000 */
  windowMs?: number
  /** How long a base/token answers 429 after its first refusal. @default 30000 */
  penaltyMs?: number
  /** Send `Retry-After` on 429 ([?] undocumented; pyairtable obeys it, so off). @default false */
  retryAfterHeader?: boolean
}

export interface EmulatorOptions {
  /** The bases served (built by seed/). @default [] */
  bases?: readonly EmulatedBase[]
  /** Accepted bearer tokens; with none, every /v0 request is 401. @default [] */
  tokens?: readonly string[]
  /** The user behind the tokens (whoami, API writes). */
  apiUser?: Collaborator
  /** @default systemClock */
  clock?: Clock
  /** Uniform [0,1) draws for faults. @default Math.random */
  random?: () => number
  /** Rate limits, or `false` to serve without limits. @default Airtable's */
  rateLimit?: RateLimitOptions | false
  /** Initial fault settings (also `PUT /__emulator/faults`). @default none */
  faults?: FaultSettingsInput
  /** Largest request body, in bytes; larger → 413 ([?] Airtable's threshold). @default 5_000_000 */
  maxBodyBytes?: number
  /** Longest URL, in characters (airtable-api.md §3). @default 16000 */
  maxUrlLength?: number
  /** Status for a too-long URL ([?] undocumented). @default 414 */
  urlTooLongStatus?: 414 | 422
  /** List iterators expire after this much inactivity, in ms ([?] "minutes"). @default 300000 */
  iteratorTtlMs?: number
  /** `cellFormat=string` requires timeZone and userLocale ([?] exact error). @default true */
  requireLocaleForStringFormat?: boolean
  /**
   * Show a rollup's `options.aggregation` (its formula, an emulator extension) in the metadata
   * API. Airtable's schema carries no rollup formula [?], so clients that check options strictly
   * see only documented keys by default. @default false
   */
  rollupAggregationInSchema?: boolean
  /** Persist state here, crash-safely, and restore it on start. @default in memory only */
  dataDir?: string
  /** Coalescing window of persistence writes, in ms. @default 50 */
  persistDelayMs?: number
  /**
   * With `dataDir`: answer a request only once its changes are on disk, so a write acknowledged
   * before a crash (kill -9) survives it. `false` acknowledges at once and writes within
   * `persistDelayMs` (faster; a crash may lose the last writes). @default true
   */
  persistBeforeAck?: boolean
  /** Webhook lifetimes, ping timings, fetch (clock defaults to `clock`). @default Airtable's */
  webhooks?: WebhookHubOptions
  /** Told about unexpected errors (bugs answered as 500) and failed writes. */
  onError?: (error: unknown) => void
}

const positiveInt = z.number().int().positive()
const optionsSchema = z.object({
  maxBodyBytes: positiveInt.default(5_000_000),
  maxUrlLength: positiveInt.default(16_000),
  urlTooLongStatus: z.union([z.literal(414), z.literal(422)]).default(414),
  iteratorTtlMs: positiveInt.default(300_000),
  requireLocaleForStringFormat: z.boolean().default(true),
  rollupAggregationInSchema: z.boolean().default(false),
  persistDelayMs: z.number().int().min(0).default(50),
  persistBeforeAck: z.boolean().default(true),
  rateLimit: z
    .union([
      z.literal(false),
      z.object({
        perBase: positiveInt.default(5),
        perToken: positiveInt.default(50),
        windowMs: positiveInt.default(1000),
        penaltyMs: z.number().int().min(0).default(30_000),
        retryAfterHeader: z.boolean().default(false),
      }),
    ])
    .default({
      perBase: 5,
      perToken: 50,
      windowMs: 1000,
      penaltyMs: 30_000,
      retryAfterHeader: false,
    }),
})

/** Options with defaults applied. */
export type ResolvedOptions = z.infer<typeof optionsSchema> & {
  bases: readonly EmulatedBase[]
  tokens: readonly string[]
  clock: Clock
  random: () => number
  faults: FaultSettingsInput
  webhooks: WebhookHubOptions
  apiUser?: Collaborator
  dataDir?: string
  onError: (error: unknown) => void
}

/** Validates the options once; throws ZodError on bad numbers. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const checked = optionsSchema.parse({
    maxBodyBytes: options.maxBodyBytes,
    maxUrlLength: options.maxUrlLength,
    urlTooLongStatus: options.urlTooLongStatus,
    iteratorTtlMs: options.iteratorTtlMs,
    requireLocaleForStringFormat: options.requireLocaleForStringFormat,
    rollupAggregationInSchema: options.rollupAggregationInSchema,
    persistDelayMs: options.persistDelayMs,
    persistBeforeAck: options.persistBeforeAck,
    rateLimit: options.rateLimit === undefined ? undefined : options.rateLimit,
  })
  return {
    ...checked,
    bases: options.bases ?? [],
    tokens: options.tokens ?? [],
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    faults: options.faults ?? {},
    webhooks: options.webhooks ?? {},
    onError: options.onError ?? (() => undefined),
    ...(options.apiUser !== undefined && { apiUser: options.apiUser }),
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
  }
}
