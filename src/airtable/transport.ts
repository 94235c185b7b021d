/**
 * The request loop every endpoint goes through: limiter slot → fetch with a timeout → JSON →
 * typed error → retry decision. Runs on Node and edge runtimes (fetch, AbortSignal, no Node APIs).
 *
 *   acquire slot ─► send ─► 2xx ─► parse/validate ─► return
 *                    │
 *                    └─► error ─► 429? pause base ─► decideRetry ─► retry: back off, acquire again
 *                                                               └─► fail: throw AirtableError
 *
 * Writes that are not idempotent (creates) are not re-sent after a failure that may have been
 * applied (timeout, reset, 5xx): they fail with `outcomeUnknown: true` and the caller reconciles.
 */
import type { z } from 'zod'
import { systemClock, type Clock } from '../shared/clock.ts'
import { sleep } from '../shared/sleep.ts'
import {
  AirtableError,
  AirtableTimeoutError,
  errorFromResponse,
  toAirtableError,
} from './errors.ts'
import { defaultRateLimiter, type Priority, type RateLimiter } from './limiter.ts'
import { watchRequestsLeaving } from './wire-times.ts'
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  parseRetryAfter,
  penaltyFor,
  type RetryPolicy,
} from './retry.ts'

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/** Which endpoint a request is for: the label metrics group by. */
export type EndpointKind =
  | 'listRecords'
  | 'getRecord'
  | 'createRecords'
  | 'updateRecords'
  | 'upsertRecords'
  | 'deleteRecords'
  | 'listBases'
  | 'getBaseSchema'
  | 'createTable'
  | 'updateTable'
  | 'createField'
  | 'updateField'
  | 'whoami'
  | 'createWebhook'
  | 'listWebhooks'
  | 'deleteWebhook'
  | 'refreshWebhook'
  | 'enableWebhookNotifications'
  | 'listWebhookPayloads'
  | 'listComments'
  | 'createComment'
  | 'updateComment'
  | 'deleteComment'

/** The fetch port: `globalThis.fetch` or anything with its shape. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

/** Per-call options every endpoint method accepts. */
export interface CallOptions {
  /** Aborts the call (waiting for a slot, in flight, or backing off); rejects with its reason. */
  signal?: AbortSignal
  /** @default 'write' for writes, 'resync' for reads */
  priority?: Priority
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number
}

/** One attempt, as the metrics hook sees it. */
export interface RequestEvent {
  method: HttpMethod
  endpoint: EndpointKind
  baseId: string | undefined
  /** HTTP status, 0 when no response arrived. */
  status: number
  /** From slot granted to body read, ms. */
  durationMs: number
  /** Time spent waiting for a limiter slot, ms. */
  queuedMs: number
  /** 1-based. */
  attempt: number
  error?: AirtableError
}

/** What an endpoint asks the transport to do. */
export interface RequestSpec<T> {
  method: HttpMethod
  /** Path from the API root, starting `/v0/`. */
  path: string
  query?: URLSearchParams
  body?: unknown
  endpoint: EndpointKind
  baseId?: string
  /** Changes data (picks the default priority; failures may be `outcomeUnknown`). @default method !== 'GET' */
  isWrite?: boolean
  /** Safe to send twice. @default method !== 'POST' */
  idempotent?: boolean
  /** Re-send even a non-idempotent request after an unknown outcome (risks duplicates). @default false */
  retryUnsafe?: boolean
  /** Validates the 2xx body; without it the JSON is returned as `unknown` cast to T. */
  schema?: z.ZodType<T>
  call?: CallOptions
}

export interface TransportOptions {
  /** Personal access token or OAuth token, sent as `Authorization: Bearer`. */
  token: string
  /** @default 'https://api.airtable.com' */
  apiUrl?: string
  /** @default globalThis.fetch */
  fetch?: FetchLike
  /** @default the process-wide {@link defaultRateLimiter} */
  limiter?: RateLimiter
  /** Key of this token's bucket in the limiter. @default the token itself */
  tokenKey?: string
  /** Per-attempt timeout, ms. @default 30000 */
  timeoutMs?: number
  /** @default 5 */
  maxAttempts?: number
  /** Backoff tuning; see {@link RetryPolicy}. */
  retry?: Partial<Omit<RetryPolicy, 'maxAttempts'>>
  /** Metrics hook, called once per attempt; its exceptions are swallowed. */
  onRequest?: (event: RequestEvent) => void
  /** @default systemClock */
  clock?: Clock
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number
}

/** Sends requests to Airtable; the endpoint modules build on it. */
export interface Transport {
  readonly apiUrl: string
  request<T>(spec: RequestSpec<T>): Promise<T>
}

/** Copies just the {@link CallOptions} out of a larger options object. */
export function callOptionsOf(options: CallOptions | undefined): CallOptions {
  const call: CallOptions = {}
  if (options?.signal !== undefined) call.signal = options.signal
  if (options?.priority !== undefined) call.priority = options.priority
  if (options?.timeoutMs !== undefined) call.timeoutMs = options.timeoutMs
  return call
}

/** Joins the API root, a path and a query string. */
export function buildUrl(apiUrl: string, path: string, query?: URLSearchParams): string {
  const qs = query?.toString() ?? ''
  return `${apiUrl.replace(/\/+$/, '')}${path}${qs === '' ? '' : `?${qs}`}`
}

/** Creates the request loop. */
export function createTransport(options: TransportOptions): Transport {
  const apiUrl = options.apiUrl ?? 'https://api.airtable.com'
  const fetchFn: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init))
  const limiter = options.limiter ?? defaultRateLimiter()
  // Node's fetch says when each request leaves; the limiter's window counts from then.
  if (options.fetch === undefined) watchRequestsLeaving(apiUrl, limiter)
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...options.retry,
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
  }
  const tokenKey = options.tokenKey ?? options.token
  const emit = (event: RequestEvent): void => {
    try {
      options.onRequest?.(event)
    } catch {
      // A broken metrics hook must not break requests.
    }
  }

  async function sendOnce<T>(
    spec: RequestSpec<T>,
    url: string,
  ): Promise<{ status: number; value: T }> {
    const timeout = AbortSignal.timeout(spec.call?.timeoutMs ?? options.timeoutMs ?? 30_000)
    const callerSignal = spec.call?.signal
    const signal = callerSignal === undefined ? timeout : AbortSignal.any([callerSignal, timeout])
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` }
    const init: RequestInit = { method: spec.method, headers, signal }
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json'
      init.body = JSON.stringify(spec.body)
    }
    let response: Response
    let text: string
    try {
      response = await fetchFn(url, init)
      text = await response.text()
    } catch (error) {
      if (callerSignal?.aborted === true) throw callerSignal.reason
      if (timeout.aborted) {
        throw new AirtableTimeoutError({
          message: 'Airtable did not answer in time',
          method: spec.method,
          url,
          cause: error,
        })
      }
      throw toAirtableError(error, { method: spec.method, url })
    }
    if (!response.ok) {
      throw errorFromResponse({
        status: response.status,
        bodyText: text,
        method: spec.method,
        url,
        ...retryAfterOf(response, clock.now()),
      })
    }
    return {
      status: response.status,
      value: parseBody(spec, { status: response.status, text, url }),
    }
  }

  async function request<T>(spec: RequestSpec<T>): Promise<T> {
    const url = buildUrl(apiUrl, spec.path, spec.query)
    const isWrite = spec.isWrite ?? spec.method !== 'GET'
    const idempotent = (spec.idempotent ?? spec.method !== 'POST') || spec.retryUnsafe === true
    const priority = spec.call?.priority ?? (isWrite ? 'write' : 'resync')
    const signal = spec.call?.signal
    const base = { method: spec.method, endpoint: spec.endpoint, baseId: spec.baseId }
    for (let attempt = 1; ; attempt++) {
      const slot: Parameters<RateLimiter['acquire']>[0] = { tokenKey, priority }
      if (spec.baseId !== undefined) slot.baseId = spec.baseId
      if (signal !== undefined) slot.signal = signal
      const queuedMs = await limiter.acquire(slot)
      const startedMs = clock.now()
      let error: AirtableError
      try {
        const { status, value } = await sendOnce(spec, url)
        emit({ ...base, status, durationMs: clock.now() - startedMs, queuedMs, attempt })
        return value
      } catch (caught) {
        if (signal?.aborted === true) throw signal.reason
        error = toAirtableError(caught, { method: spec.method, url })
      }
      emit({
        ...base,
        status: error.status,
        durationMs: clock.now() - startedMs,
        queuedMs,
        attempt,
        error,
      })
      const penaltyMs = penaltyFor(error, limiter.penaltyMs)
      if (penaltyMs !== undefined && spec.baseId !== undefined)
        limiter.pause(spec.baseId, penaltyMs)
      const decision = decideRetry({ error, attempt, idempotent, isWrite, random }, policy)
      if (decision.action === 'fail') throw decision.error
      // Without a base there is no bucket to pause: wait out the penalty here.
      const delayMs =
        penaltyMs !== undefined && spec.baseId === undefined ? penaltyMs : decision.delayMs
      if (delayMs > 0) await sleep(delayMs, signal)
    }
  }

  return { apiUrl, request }
}

function retryAfterOf(response: Response, nowMs: number): { retryAfterMs?: number } {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), nowMs)
  return retryAfterMs === undefined ? {} : { retryAfterMs }
}

/** Parses and validates a 2xx body; a body that is not what the endpoint returns is an error. */
function parseBody<T>(
  spec: RequestSpec<T>,
  response: { status: number; text: string; url: string },
): T {
  const invalid = (message: string, cause?: unknown): AirtableError =>
    new AirtableError({
      type: 'INVALID_RESPONSE',
      message,
      status: response.status,
      method: spec.method,
      url: response.url,
      cause,
      // The write was applied (2xx), but we cannot tell the caller what it did.
      outcomeUnknown: spec.isWrite ?? spec.method !== 'GET',
    })
  let json: unknown = undefined
  if (response.text.trim() !== '') {
    try {
      json = JSON.parse(response.text) as unknown
    } catch (error) {
      throw invalid(`Airtable sent a body that is not JSON: ${response.text.slice(0, 120)}`, error)
    }
  }
  if (spec.schema === undefined) return json as T
  const parsed = spec.schema.safeParse(json)
  if (!parsed.success)
    throw invalid(`Unexpected response shape: ${parsed.error.message}`, parsed.error)
  return parsed.data
}
