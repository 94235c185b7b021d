/**
 * The policy module's typed errors. The API layer turns each into Airtable's envelope with the
 * carried `type` and `status`; messages are Airtable's own where Airtable has one
 * (airtable-api.md §4.2).
 */
import { DEFAULT_MESSAGES, STATUS_BY_TYPE } from '../protocol/errors.ts'
import type { AirtableErrorType } from '../protocol/errors.ts'

/** Why a bearer token was refused; logged, never sent to the caller (the wire says only 401). */
export type AuthFailure =
  | 'missing'
  | 'malformed'
  | 'invalid-signature'
  | 'algorithm'
  | 'expired'
  | 'lifetime'
  | 'not-yet-valid'
  | 'claims'
  | 'role'
  | 'jwks'
  | 'not-configured'

/** A request without valid credentials: answered 401 `AUTHENTICATION_REQUIRED`. */
export class AuthError extends Error {
  override readonly name = 'AuthError'
  readonly type = 'AUTHENTICATION_REQUIRED' satisfies AirtableErrorType
  readonly status = STATUS_BY_TYPE.AUTHENTICATION_REQUIRED
  /** The precise reason, for logs and tests; the response body carries Airtable's generic text. */
  readonly reason: AuthFailure
  constructor(init: { reason: AuthFailure; message?: string; cause?: unknown }) {
    super(init.message ?? DEFAULT_MESSAGES.AUTHENTICATION_REQUIRED, { cause: init.cause })
    this.reason = init.reason
  }
}

/** The error types a policy decision can produce. */
export type PolicyErrorType =
  | 'INVALID_PERMISSIONS'
  | 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'
  | 'UNKNOWN_FIELD_NAME'
  | 'INVALID_FILTER_BY_FORMULA'
  | 'INVALID_SORT'

/** A caller asked for something its policy forbids (403) or names a field hidden from it (422). */
export class PolicyError extends Error {
  override readonly name = 'PolicyError'
  readonly type: PolicyErrorType
  readonly status: number
  constructor(init: { type: PolicyErrorType; message: string; cause?: unknown }) {
    super(init.message, { cause: init.cause })
    this.type = init.type
    this.status = STATUS_BY_TYPE[init.type]
  }
}

/** A policy document that does not fit the schema or does not parse: a configuration bug. */
export class PolicyConfigError extends Error {
  override readonly name = 'PolicyConfigError'
}

/** Airtable's message for an operation the caller may not perform. */
export const NOT_PERMITTED_MESSAGE = DEFAULT_MESSAGES.INVALID_PERMISSIONS

/** Airtable's message for a cell the caller may not write. */
export function notPermittedFieldMessage(fieldName: string, fieldId: string): string {
  return `You are not permitted to write cell values in field ${fieldName} (${fieldId})`
}

/**
 * The refusal of a value a per-value rule does not allow [?]: Airtable has no such rule, so the
 * message follows its field message's form.
 */
export function notPermittedValueMessage(
  field: { name: string; id: string },
  value: unknown,
): string {
  return `You are not permitted to write the value ${JSON.stringify(value)} in field ${field.name} (${field.id})`
}
