/**
 * Typed errors of the Airtable client (airtable-api.md §3, §4).
 *
 * Invariants:
 * - `type` is Airtable's wire type verbatim (even one airsync does not know), or one of the
 *   client-side {@link ClientErrorType}s for failures that never produced an Airtable body.
 * - `status` is the HTTP status, or 0 when no response arrived (network error, timeout).
 * - `outcomeUnknown` is true when a write may have been applied although it failed: the caller must
 *   reconcile (Airtable has no idempotency keys) before sending it again.
 */
import {
  STATUS_BY_TYPE,
  errorMessageOf,
  errorTypeOf,
  type AirtableErrorType,
} from '../protocol/errors.ts'

/** Error types the client itself produces when there is no Airtable error body to read. */
export type ClientErrorType =
  /** The connection failed or was reset. */
  | 'NETWORK_ERROR'
  /** No answer within the client's timeout. */
  | 'TIMEOUT'
  /** A response arrived but is not what the endpoint returns (not JSON, wrong shape). */
  | 'INVALID_RESPONSE'
  /** An error status with a body in none of Airtable's envelopes. */
  | 'UNEXPECTED_ERROR'

/** Airtable's wire type (known or not) or a client-side type. */
export type ErrorType = AirtableErrorType | ClientErrorType | (string & {})

/** Which part of a chunked write failed, and what the earlier chunks already did. */
export interface BatchContext {
  /** Zero-based index of the failed chunk. */
  chunkIndex: number
  chunkCount: number
  /** IDs of records written by the chunks before the failed one. */
  completedRecordIds: string[]
}

export interface AirtableErrorInit {
  type: ErrorType
  message: string
  /** @default STATUS_BY_TYPE[type], or 0 for an unknown type */
  status?: number
  method?: string
  url?: string
  cause?: unknown
  /** From a `Retry-After` header, when the response had one. */
  retryAfterMs?: number
  /** @default false */
  outcomeUnknown?: boolean
  batch?: BatchContext
}

function isKnownType(type: string): type is AirtableErrorType {
  return Object.hasOwn(STATUS_BY_TYPE, type)
}

/** Anything that went wrong talking to Airtable. */
export class AirtableError extends Error {
  override readonly name: string = 'AirtableError'
  readonly type: ErrorType
  readonly status: number
  readonly method: string | undefined
  readonly url: string | undefined
  readonly retryAfterMs: number | undefined
  readonly outcomeUnknown: boolean
  readonly batch: BatchContext | undefined

  constructor(init: AirtableErrorInit) {
    super(init.message, { cause: init.cause })
    this.type = init.type
    this.status = init.status ?? (isKnownType(init.type) ? STATUS_BY_TYPE[init.type] : 0)
    this.method = init.method
    this.url = init.url
    this.retryAfterMs = init.retryAfterMs
    this.outcomeUnknown = init.outcomeUnknown ?? false
    this.batch = init.batch
  }

  /** The constructor arguments that rebuild this error; `with()` uses it to copy. */
  protected init(): AirtableErrorInit {
    const init: AirtableErrorInit = {
      type: this.type,
      message: this.message,
      status: this.status,
      cause: this.cause,
      outcomeUnknown: this.outcomeUnknown,
    }
    if (this.method !== undefined) init.method = this.method
    if (this.url !== undefined) init.url = this.url
    if (this.retryAfterMs !== undefined) init.retryAfterMs = this.retryAfterMs
    if (this.batch !== undefined) init.batch = this.batch
    return init
  }

  /** A copy of this error, same class, with some properties replaced. */
  with(changes: Partial<AirtableErrorInit>): AirtableError {
    const Ctor = this.constructor as new (init: AirtableErrorInit) => AirtableError
    return new Ctor({ ...this.init(), ...changes })
  }
}

/** The request never got a response: refused, reset, DNS failure… */
export class AirtableNetworkError extends AirtableError {
  override readonly name: string = 'AirtableNetworkError'
  /**
   * True when the request certainly never reached Airtable (connection refused, DNS failure), so
   * even a create may be sent again.
   */
  readonly notSent: boolean
  constructor(init: AirtableErrorInit & { notSent?: boolean }) {
    super({ status: 0, ...init })
    this.notSent = init.notSent ?? false
  }
  protected override init(): AirtableErrorInit & { notSent: boolean } {
    return { ...super.init(), notSent: this.notSent }
  }
}

/** No answer within the client's `timeoutMs`. */
export class AirtableTimeoutError extends AirtableError {
  override readonly name: string = 'AirtableTimeoutError'
  constructor(init: Omit<AirtableErrorInit, 'type'> & { type?: ErrorType }) {
    super({ status: 0, ...init, type: init.type ?? 'TIMEOUT' })
  }
}

/** Status → type for error responses whose body is in none of the envelopes (§8.3 mapping). */
const TYPE_BY_STATUS: Readonly<Record<number, AirtableErrorType>> = {
  401: 'AUTHENTICATION_REQUIRED',
  403: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
  404: 'NOT_FOUND',
  413: 'REQUEST_TOO_LARGE',
  429: 'RATE_LIMIT_REACHED',
  500: 'SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
}

/** The `errors: [...]` array some endpoints are reported to use (§4.1, [rep]): take the first. */
function firstOfErrorsArray(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('errors' in body)) return undefined
  const { errors } = body
  if (!Array.isArray(errors) || errors.length === 0) return undefined
  const first: unknown = errors[0]
  if (typeof first === 'string') return { error: first }
  if (typeof first === 'object' && first !== null && 'error' in first) return first
  return { error: first }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** What {@link errorFromResponse} needs to know about a failed response. */
export interface ErrorResponseInfo {
  status: number
  /** The raw response body text. */
  bodyText: string
  method: string
  url: string
  retryAfterMs?: number
}

/**
 * Builds the error for a non-2xx response, reading any of the three envelopes
 * (`{error:{type,message}}`, `{error:{type}}`, `{error:"NOT_FOUND"}`) and the rare `errors` array.
 */
export function errorFromResponse(info: ErrorResponseInfo): AirtableError {
  const json = parseJson(info.bodyText)
  const envelope = errorTypeOf(json) === undefined ? firstOfErrorsArray(json) : json
  const wireType = errorTypeOf(envelope)
  const type: ErrorType = wireType ?? TYPE_BY_STATUS[info.status] ?? 'UNEXPECTED_ERROR'
  const message =
    errorMessageOf(envelope) ?? (wireType === undefined ? bodySnippet(info) : `${type}`)
  const init: AirtableErrorInit = {
    type,
    message,
    status: info.status,
    method: info.method,
    url: info.url,
  }
  if (info.retryAfterMs !== undefined) init.retryAfterMs = info.retryAfterMs
  return new AirtableError(init)
}

function bodySnippet(info: ErrorResponseInfo): string {
  const text = info.bodyText.trim().slice(0, 200)
  return text === '' ? `HTTP ${info.status}` : `HTTP ${info.status}: ${text}`
}

/** Error codes (Node/undici) meaning the request never left this machine. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
])

/** The `code` of an error or of any error in its `cause` chain. */
export function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ('code' in current && typeof current.code === 'string') return current.code
    current = 'cause' in current ? current.cause : undefined
  }
  return undefined
}

/** Context that {@link toAirtableError} records on the error. */
export interface RequestContext {
  method?: string
  url?: string
}

/**
 * Turns anything thrown while talking to Airtable into an {@link AirtableError}: ours pass
 * through, `TimeoutError`s become {@link AirtableTimeoutError}, everything else a
 * {@link AirtableNetworkError} (marked `notSent` when the error code proves it).
 */
export function toAirtableError(error: unknown, context: RequestContext = {}): AirtableError {
  if (error instanceof AirtableError) return error
  const where: RequestContext = {}
  if (context.method !== undefined) where.method = context.method
  if (context.url !== undefined) where.url = context.url
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new AirtableTimeoutError({
      message: 'Airtable did not answer in time',
      cause: error,
      ...where,
    })
  }
  const code = errorCodeOf(error)
  const detail = error instanceof Error ? error.message : String(error)
  return new AirtableNetworkError({
    type: 'NETWORK_ERROR',
    message: code === undefined ? `Network error: ${detail}` : `Network error (${code}): ${detail}`,
    cause: error,
    notSent: code !== undefined && NOT_SENT_CODES.has(code),
    ...where,
  })
}

/**
 * How the client reacts to an error:
 * - `rateLimited`: 429 `RATE_LIMIT_REACHED`: pause the base for the penalty, then try again.
 * - `retriable`: 5xx, network error, timeout: back off and try again (if the request is safe to resend).
 * - `fatal`: every other 4xx, including 429 `PUBLIC_API_BILLING_LIMIT_EXCEEDED` (the monthly quota
 *   is gone: retrying cannot help until the next billing cycle, §3) and unknown 429 types.
 */
export type ErrorClass = 'rateLimited' | 'retriable' | 'fatal'

/** Classifies an error; pure. */
export function classifyError(error: AirtableError): ErrorClass {
  if (error instanceof AirtableNetworkError || error instanceof AirtableTimeoutError) {
    return 'retriable'
  }
  if (error.status === 429) return error.type === 'RATE_LIMIT_REACHED' ? 'rateLimited' : 'fatal'
  if (error.status >= 500) return 'retriable'
  return 'fatal'
}

/**
 * True when the request reached (or may have reached) Airtable before failing, so a non-idempotent
 * write may have been applied. Only a definite answer that is not a 5xx, or a connection that
 * provably never opened, rules that out.
 */
export function mayHaveBeenApplied(error: AirtableError): boolean {
  if (error instanceof AirtableNetworkError) return !error.notSent
  if (error instanceof AirtableTimeoutError) return true
  return error.status >= 500
}
