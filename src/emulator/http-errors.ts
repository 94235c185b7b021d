/**
 * Every failure leaves the emulator in Airtable's JSON envelope (airtable-api.md §4): typed
 * EmulatorErrors with their status, the shared write-body parser's WriteBodyErrors (the same type
 * and message), formula errors as INVALID_FILTER_BY_FORMULA, anything else as a 500 SERVER_ERROR
 * (a bug; reported through `onUnexpected`).
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import {
  DEFAULT_MESSAGES,
  errorBody,
  invalidFormulaMessage,
  type AirtableErrorBody,
} from '../protocol/errors.ts'
import { WriteBodyError } from '../protocol/write-body.ts'
import { FormulaError } from '../formula/index.ts'
import { EmulatorError } from './state/types.ts'

/** An error as status + body, ready to send. */
export interface ErrorReply {
  status: ContentfulStatusCode
  body: AirtableErrorBody
}

/** The bare-string 404 Airtable sends for unknown routes. */
export const NOT_FOUND_BODY = { error: 'NOT_FOUND' } as const

/** Maps anything thrown inside a request to Airtable's envelope. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof EmulatorError) {
    return {
      status: error.status as ContentfulStatusCode,
      body: errorBody(error.type, error.omitMessage ? undefined : error.message),
    }
  }
  if (error instanceof WriteBodyError) {
    return {
      status: error.status as ContentfulStatusCode,
      body: errorBody(error.type, error.message),
    }
  }
  if (error instanceof FormulaError) {
    return {
      status: 422,
      body: errorBody('INVALID_FILTER_BY_FORMULA', invalidFormulaMessage(error.message)),
    }
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) {
      return {
        status: 413,
        body: errorBody('REQUEST_TOO_LARGE', DEFAULT_MESSAGES.REQUEST_TOO_LARGE),
      }
    }
    if (error.status === 400) return { status: 400, body: invalidJsonBody() }
    return { status: error.status, body: errorBody('SERVER_ERROR', error.message) }
  }
  return { status: 500, body: errorBody('SERVER_ERROR', DEFAULT_MESSAGES.SERVER_ERROR) }
}

/** [?] Airtable's 400 body for unparseable JSON is undocumented; the type is our best guess. */
export function invalidJsonBody(): AirtableErrorBody {
  return errorBody('INVALID_REQUEST_BODY', DEFAULT_MESSAGES.INVALID_REQUEST_BODY)
}

/** Sends an EmulatorError-shaped reply. */
export function replyError(c: Context, error: unknown): Response {
  const reply = toErrorReply(error)
  return c.json(reply.body, reply.status)
}

/** True when the error is one we answer deliberately, not a bug. */
export function isExpectedError(error: unknown): boolean {
  return (
    error instanceof EmulatorError ||
    error instanceof WriteBodyError ||
    error instanceof FormulaError ||
    error instanceof HTTPException
  )
}
