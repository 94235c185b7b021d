/**
 * Bad days on demand: latency (fixed + jitter), injected errors (429/500/502/503 with
 * Airtable-like bodies), hangs (no answer until the client gives up) and commit-then-fail (the
 * write is applied, then the caller sees a 5xx or a reset connection).
 *
 * `planFault` is pure: given the settings and random draws it says what to do with one request.
 * The middleware in `fault-middleware.ts` acts on the plan.
 */
import { z } from 'zod'
import { DEFAULT_MESSAGES, errorBody, type AirtableErrorBody } from '../protocol/errors.ts'

export const INJECTABLE_STATUSES = [429, 500, 502, 503] as const
export type InjectableStatus = (typeof INJECTABLE_STATUSES)[number]

/** Fault settings; every rate is a probability in [0, 1] per request. */
export const faultSettingsSchema = z.strictObject({
  /** Added to every /v0 answer, in ms. @default 0 */
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  /** Extra random latency, uniform in [0, jitterMs]. @default 0 */
  jitterMs: z.number().int().min(0).max(600_000).default(0),
  /** Share of requests answered with an injected error instead of running. @default 0 */
  errorRate: z.number().min(0).max(1).default(0),
  /** Statuses the injected errors are drawn from, uniformly. @default [429,500,502,503] */
  errorStatuses: z
    .array(z.union(INJECTABLE_STATUSES.map((s) => z.literal(s))))
    .min(1)
    .default([...INJECTABLE_STATUSES]),
  /** Share of requests that never answer until the client aborts. @default 0 */
  hangRate: z.number().min(0).max(1).default(0),
  /** Share of writes that are applied and then fail. @default 0 */
  commitThenFailRate: z.number().min(0).max(1).default(0),
  /** How a committed write fails: a 5xx answer or a destroyed socket. @default 'status' */
  commitThenFailMode: z.enum(['status', 'reset']).default('status'),
  /** Status of the committed-then-failed answer in 'status' mode. @default 500 */
  commitThenFailStatus: z.union([z.literal(500), z.literal(502), z.literal(503)]).default(500),
  /** Only requests for this base are affected; all when absent. */
  baseId: z.string().optional(),
})
export type FaultSettings = z.infer<typeof faultSettingsSchema>
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>

/** No faults at all. */
export const NO_FAULTS: FaultSettings = faultSettingsSchema.parse({})

/** What to do with one request. */
export interface FaultPlan {
  delayMs: number
  action:
    | { kind: 'pass' }
    | { kind: 'error'; status: InjectableStatus }
    | { kind: 'hang' }
    | { kind: 'commitThenFail'; mode: 'status' | 'reset'; status: 500 | 502 | 503 }
}

export interface FaultRequest {
  baseId?: string
  isWrite: boolean
}

/**
 * Plans the fault for one request. `random` yields uniform draws in [0, 1); it is called a fixed
 * number of times (4) so seeded runs are reproducible.
 */
export function planFault(
  settings: FaultSettings,
  request: FaultRequest,
  random: () => number,
): FaultPlan {
  const [jitterDraw, kindDraw, statusDraw, writeDraw] = [random(), random(), random(), random()]
  const inScope = settings.baseId === undefined || settings.baseId === request.baseId
  if (!inScope) return { delayMs: 0, action: { kind: 'pass' } }
  const delayMs = settings.latencyMs + Math.floor(jitterDraw * (settings.jitterMs + 1))
  if (kindDraw < settings.hangRate) return { delayMs, action: { kind: 'hang' } }
  if (kindDraw < settings.hangRate + settings.errorRate) {
    const statuses = settings.errorStatuses
    const status =
      statuses[Math.min(statuses.length - 1, Math.floor(statusDraw * statuses.length))] ?? 500
    return { delayMs, action: { kind: 'error', status } }
  }
  if (request.isWrite && writeDraw < settings.commitThenFailRate) {
    return {
      delayMs,
      action: {
        kind: 'commitThenFail',
        mode: settings.commitThenFailMode,
        status: settings.commitThenFailStatus,
      },
    }
  }
  return { delayMs, action: { kind: 'pass' } }
}

/** The body Airtable sends for each injectable status ([?] only 429 and 503 are documented). */
export function injectedErrorBody(status: InjectableStatus | 500 | 502 | 503): AirtableErrorBody {
  switch (status) {
    case 429:
      return errorBody('RATE_LIMIT_REACHED', DEFAULT_MESSAGES.RATE_LIMIT_REACHED)
    case 500:
      return errorBody('SERVER_ERROR', DEFAULT_MESSAGES.SERVER_ERROR)
    case 502:
      return errorBody('BAD_GATEWAY', 'Bad gateway')
    case 503:
      return errorBody('RETRIABLE_ERROR', DEFAULT_MESSAGES.RETRIABLE_ERROR)
  }
}
