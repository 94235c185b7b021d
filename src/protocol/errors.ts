/**
 * Airtable's error envelope and error types, verbatim (airtable-api.md §4).
 * Three envelopes coexist on the wire: `{error:{type,message}}`, `{error:{type}}` and `{error:"NOT_FOUND"}`.
 */
import { z } from 'zod'

/** HTTP status for each error type we produce or expect. */
export const STATUS_BY_TYPE = {
  AUTHENTICATION_REQUIRED: 401,
  INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND: 403,
  INVALID_PERMISSIONS: 403,
  NOT_FOUND: 404,
  MODEL_ID_NOT_FOUND: 404,
  TABLE_NOT_FOUND: 404,
  REQUEST_TOO_LARGE: 413,
  INVALID_REQUEST_UNKNOWN: 422,
  INVALID_REQUEST_MISSING_FIELDS: 422,
  INVALID_REQUEST_BODY: 400,
  UNKNOWN_FIELD_NAME: 422,
  INVALID_VALUE_FOR_COLUMN: 422,
  INVALID_MULTIPLE_CHOICE_OPTIONS: 422,
  ROW_DOES_NOT_EXIST: 422,
  INVALID_RECORDS: 422,
  INVALID_FILTER_BY_FORMULA: 422,
  INVALID_SORT: 422,
  VIEW_NAME_NOT_FOUND: 422,
  LIST_RECORDS_ITERATOR_NOT_AVAILABLE: 422,
  INVALID_OFFSET_VALUE: 422,
  INVALID_UPSERT: 422,
  DUPLICATE_OR_EMPTY_FIELD_NAME: 422,
  INVALID_FIELD_TYPE: 422,
  TOO_MANY_WEBHOOKS: 422,
  CONFLICT: 409,
  RATE_LIMIT_REACHED: 429,
  PUBLIC_API_BILLING_LIMIT_EXCEEDED: 429,
  SERVER_ERROR: 500,
  BAD_GATEWAY: 502,
  RETRIABLE_ERROR: 503,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>

/** Every error type airsync knows by name. Unknown wire types are kept as plain strings. */
export type AirtableErrorType = keyof typeof STATUS_BY_TYPE

/** The JSON body of an Airtable error, in any of its three shapes. */
export const airtableErrorBodySchema = z.object({
  error: z.union([z.string(), z.object({ type: z.string(), message: z.string().optional() })]),
})
export type AirtableErrorBody = z.infer<typeof airtableErrorBodySchema>

/** Builds the usual envelope `{error:{type,message}}`; `message` omitted when undefined. */
export function errorBody(type: string, message?: string): AirtableErrorBody {
  return { error: message === undefined ? { type } : { type, message } }
}

/** Reads the error type out of any of the three envelopes, or undefined if the body is not one. */
export function errorTypeOf(body: unknown): string | undefined {
  const parsed = airtableErrorBodySchema.safeParse(body)
  if (!parsed.success) return undefined
  const { error } = parsed.data
  return typeof error === 'string' ? error : error.type
}

/** Reads the message out of an error envelope, if it has one. */
export function errorMessageOf(body: unknown): string | undefined {
  const parsed = airtableErrorBodySchema.safeParse(body)
  if (!parsed.success || typeof parsed.data.error === 'string') return undefined
  return parsed.data.error.message
}

/**
 * The message Airtable sends for common types (airtable-api.md §3, §4): the one table the
 * emulator and the server both answer from, so the same case reads the same on both.
 */
export const DEFAULT_MESSAGES = {
  /** For a missing and for an unknown token alike. */
  AUTHENTICATION_REQUIRED: 'Authentication required',
  INVALID_PERMISSIONS: 'You are not permitted to perform this operation',
  MODEL_ID_NOT_FOUND: 'Record not found',
  /** [?] Airtable's 400 body for unparseable JSON is undocumented. */
  INVALID_REQUEST_BODY: 'Could not parse request body as JSON',
  INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND:
    'Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.',
  RATE_LIMIT_REACHED: 'Rate limit exceeded. Please try again later',
  RETRIABLE_ERROR:
    'Server encountered an error while processing your request, and it is safe to retry the request',
  REQUEST_TOO_LARGE: 'Request body is too large',
  INVALID_REQUEST_UNKNOWN: 'Invalid request: parameter validation failed. Check your request data.',
  SERVER_ERROR: 'Internal server error',
} as const satisfies Partial<Record<AirtableErrorType, string>>

/** Airtable's message for a rejected filter formula; `detail` as formula/check.ts words it. */
export function invalidFormulaMessage(detail: string): string {
  return `The formula for filtering records is invalid: ${detail}`
}
