/**
 * Every failure leaves the API in Airtable's envelope (airtable-api.md §4): our typed
 * {@link ApiError}, the policy module's AuthError/PolicyError, protocol's ListParamsError and
 * WriteBodyError, formula errors as INVALID_FILTER_BY_FORMULA, Hono's 413/400, and anything else
 * as 500 SERVER_ERROR (a bug, logged by the caller). Unknown routes answer the bare `{"error":"NOT_FOUND"}`.
 */
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { FormulaError } from '../formula/index.ts'
import { AuthError, PolicyError } from '../policy/index.ts'
import {
  DEFAULT_MESSAGES,
  ListParamsError,
  STATUS_BY_TYPE,
  WriteBodyError,
  errorBody,
  invalidFormulaMessage,
  type AirtableErrorBody,
  type AirtableErrorType,
} from '../protocol/index.ts'

/** The bare-string 404 Airtable sends for unknown routes. */
export const NOT_FOUND_BODY = { error: 'NOT_FOUND' } as const

/** An error the API answers with Airtable's type; `message` undefined sends `{error:{type}}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly type: AirtableErrorType
  readonly status: number
  /** True when the envelope carries no message (e.g. LIST_RECORDS_ITERATOR_NOT_AVAILABLE). */
  readonly omitMessage: boolean
  /** Extra response headers, e.g. `Retry-After` on a 429. */
  readonly headers: Readonly<Record<string, string>>
  constructor(init: {
    type: AirtableErrorType
    message?: string
    status?: number
    headers?: Record<string, string>
    cause?: unknown
  }) {
    super(init.message ?? init.type, { cause: init.cause })
    this.type = init.type
    this.status = init.status ?? STATUS_BY_TYPE[init.type]
    this.omitMessage = init.message === undefined
    this.headers = init.headers ?? {}
  }
}

/** An error as status + body (+ headers), ready to send. */
export interface ErrorReply {
  status: ContentfulStatusCode
  body: AirtableErrorBody
  headers: Readonly<Record<string, string>>
  /** False for failures that are the caller's doing; true for bugs worth logging. */
  unexpected: boolean
}

/** An upstream error (the strong-read port) that already carries Airtable's type and status. */
function isTypedUpstream(
  error: unknown,
): error is { type: string; status: number; message: string } {
  if (!(error instanceof Error)) return false
  const e = error as Error & { type?: unknown; status?: unknown }
  return typeof e.type === 'string' && typeof e.status === 'number' && e.status >= 400
}

const reply = (
  status: number,
  body: AirtableErrorBody,
  extra: Partial<Pick<ErrorReply, 'headers' | 'unexpected'>> = {},
): ErrorReply => ({
  status: status as ContentfulStatusCode,
  body,
  headers: extra.headers ?? {},
  unexpected: extra.unexpected ?? false,
})

/** Maps anything thrown inside a request to Airtable's envelope. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof ApiError) {
    return reply(
      error.status,
      errorBody(error.type, error.omitMessage ? undefined : error.message),
      { headers: error.headers },
    )
  }
  if (error instanceof AuthError) {
    return reply(error.status, errorBody(error.type, DEFAULT_MESSAGES.AUTHENTICATION_REQUIRED))
  }
  if (
    error instanceof PolicyError ||
    error instanceof ListParamsError ||
    error instanceof WriteBodyError
  ) {
    return reply(error.status, errorBody(error.type, error.message))
  }
  if (error instanceof FormulaError) {
    return reply(422, errorBody('INVALID_FILTER_BY_FORMULA', invalidFormulaMessage(error.message)))
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) {
      return reply(413, errorBody('REQUEST_TOO_LARGE', DEFAULT_MESSAGES.REQUEST_TOO_LARGE))
    }
    if (error.status === 400) return reply(400, invalidJsonBody())
    return reply(error.status, errorBody('SERVER_ERROR', error.message), { unexpected: true })
  }
  if (isTypedUpstream(error)) return reply(error.status, errorBody(error.type, error.message))
  return reply(500, errorBody('SERVER_ERROR', DEFAULT_MESSAGES.SERVER_ERROR), { unexpected: true })
}

/** [?] Airtable's 400 body for unparseable JSON is undocumented; same choice as the emulator. */
export function invalidJsonBody(): AirtableErrorBody {
  return errorBody('INVALID_REQUEST_BODY', DEFAULT_MESSAGES.INVALID_REQUEST_BODY)
}

/** 403 for an unknown base or table, or one the caller may not read (the same answer). */
export function modelNotFound(): ApiError {
  return new ApiError({
    type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
    message: DEFAULT_MESSAGES.INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND,
  })
}

/** 404 for a record that does not exist or that the caller's row filter does not admit. */
export function recordNotFound(): ApiError {
  return new ApiError({ type: 'MODEL_ID_NOT_FOUND', message: DEFAULT_MESSAGES.MODEL_ID_NOT_FOUND })
}

/** 422 for `fields[]` or `sort` naming a field the caller cannot see. */
export function unknownField(name: string): ApiError {
  return new ApiError({ type: 'UNKNOWN_FIELD_NAME', message: `Unknown field name: "${name}"` })
}

/** 422 for an unknown `view`. */
export function viewNotFound(view: string): ApiError {
  return new ApiError({ type: 'VIEW_NAME_NOT_FOUND', message: `View ${view} not found` })
}

/** 422 for a request shape with no more specific type. */
export function invalidRequest(detail?: string): ApiError {
  return new ApiError({
    type: 'INVALID_REQUEST_UNKNOWN',
    message:
      detail === undefined
        ? DEFAULT_MESSAGES.INVALID_REQUEST_UNKNOWN
        : `Invalid request: parameter validation failed. ${detail}`,
  })
}
