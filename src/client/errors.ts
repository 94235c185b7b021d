/**
 * The SDK's one error class. Every failure a caller can see — an HTTP error answered by airsync
 * (Airtable's envelope, `type` verbatim), a network failure, a malformed answer, a write refused
 * later by Airtable — is an {@link AirsyncError} carrying Airtable's `type`, the HTTP status (0
 * when no answer came), the request, and `userMessage`, a sentence fit for a toast.
 *
 * Invariant: `toAirsyncError` turns anything thrown into an AirsyncError, so callers switch on
 * `type` only.
 */
import type { AirtableErrorType } from '../protocol/index.ts'
import { parseRetryAfter } from '../shared/index.ts'

/** Airtable's error types, plus the SDK's own for failures with no Airtable answer. */
export type AirsyncErrorType =
  | AirtableErrorType
  /** No answer: offline, DNS, connection refused, aborted. Retried by the offline queue. */
  | 'NETWORK_ERROR'
  /** An answer that is not what airsync sends. */
  | 'INVALID_RESPONSE'
  /** A queued write held in a conflict by the server (a `manual` conflict policy). */
  | 'MUTATION_CONFLICT'
  | (string & {})

/** What an {@link AirsyncError} is built from. */
export interface AirsyncErrorInit {
  type: AirsyncErrorType
  message: string
  /** HTTP status; 0 when there was no answer. */
  status: number
  method?: string
  url?: string
  /** How long the server asked callers to wait (its `Retry-After`), in ms. */
  retryAfterMs?: number | undefined
  cause?: unknown
}

/** Sentences for a toast, by error type; the status class covers the rest. */
const USER_MESSAGES: Record<string, string> = {
  NETWORK_ERROR:
    'You appear to be offline. Your changes are saved and will be sent when you reconnect.',
  AUTHENTICATION_REQUIRED: 'Your session has expired. Please sign in again.',
  INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND:
    'You do not have access to this item, or it no longer exists.',
  INVALID_PERMISSIONS: 'You are not allowed to make this change.',
  NOT_FOUND: 'This item no longer exists.',
  MODEL_ID_NOT_FOUND: 'This item no longer exists.',
  ROW_DOES_NOT_EXIST: 'This item no longer exists.',
  INVALID_VALUE_FOR_COLUMN: 'One of the values is not valid for its field.',
  INVALID_MULTIPLE_CHOICE_OPTIONS: 'One of the chosen options does not exist.',
  UNKNOWN_FIELD_NAME: 'The app tried to change a field that does not exist.',
  RATE_LIMIT_REACHED: 'Too many requests right now. Please try again in a moment.',
  MUTATION_CONFLICT: 'Someone else changed this at the same time. Please review and try again.',
  REQUEST_TOO_LARGE: 'This change is too large to send.',
}

function userMessageFor(type: string, status: number): string {
  const known = USER_MESSAGES[type]
  if (known !== undefined) return known
  if (status === 401) return USER_MESSAGES['AUTHENTICATION_REQUIRED'] ?? ''
  if (status === 403) return 'You are not allowed to do this.'
  if (status >= 500) return 'The server had a problem. Please try again shortly.'
  if (status >= 400) return 'This change could not be saved.'
  return 'Something went wrong.'
}

/**
 * A failed SDK call.
 * @example
 * try { await client.getRecord('Templates', id) } catch (e) {
 *   if (e instanceof AirsyncError && e.type === 'NOT_FOUND') toast(e.userMessage)
 * }
 */
export class AirsyncError extends Error {
  override readonly name = 'AirsyncError'
  /** Airtable's error type, verbatim (e.g. `INVALID_VALUE_FOR_COLUMN`), or the SDK's own. */
  readonly type: AirsyncErrorType
  /** HTTP status; 0 when there was no answer. */
  readonly status: number
  readonly method: string | undefined
  readonly url: string | undefined
  /** The server's `Retry-After` in ms (429, 503), when it sent one. */
  readonly retryAfterMs: number | undefined
  /** A human sentence suitable for a toast. */
  readonly userMessage: string

  constructor(init: AirsyncErrorInit) {
    super(init.message, { cause: init.cause })
    this.type = init.type
    this.status = init.status
    this.method = init.method
    this.url = init.url
    this.retryAfterMs = init.retryAfterMs
    this.userMessage = userMessageFor(init.type, init.status)
  }

  /** True when sending again later may succeed (no answer, 429, 5xx, 401 with a fresh token). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 401 || this.status === 429 || this.status >= 500
  }
}

/** Turns anything thrown into an {@link AirsyncError}. */
export function toAirsyncError(
  error: unknown,
  request?: { method: string; url: string },
): AirsyncError {
  if (error instanceof AirsyncError) return error
  const aborted = error instanceof DOMException && error.name === 'AbortError'
  return new AirsyncError({
    type: 'NETWORK_ERROR',
    message: aborted
      ? 'Request aborted'
      : `Network error: ${String((error as Error)?.message ?? error)}`,
    status: 0,
    ...(request !== undefined && request),
    cause: error,
  })
}

/** Reads Airtable's envelope (any of its three shapes) out of an error response. */
export async function errorFromResponse(
  response: Response,
  request: { method: string; url: string },
): Promise<AirsyncError> {
  let type = response.status >= 500 ? 'SERVER_ERROR' : 'INVALID_REQUEST_UNKNOWN'
  let message = `${request.method} ${request.url} answered ${response.status}`
  try {
    const body = (await response.json()) as { error?: unknown }
    const error = body.error
    if (typeof error === 'string') type = error
    else if (typeof error === 'object' && error !== null) {
      const e = error as { type?: unknown; message?: unknown }
      if (typeof e.type === 'string') type = e.type
      if (typeof e.message === 'string') message = e.message
    }
  } catch {
    // Not JSON (a proxy's page): keep the status-derived type.
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now())
  return new AirsyncError({ type, message, status: response.status, retryAfterMs, ...request })
}
