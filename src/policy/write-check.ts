/**
 * Write checks: may this principal create, update or delete this record and write these cells?
 * Pure decisions over a {@link TableAccess}; the API calls them before anything is queued, and
 * answers a refusal with 403 INVALID_PERMISSIONS and Airtable's message.
 *
 * Row rules are evaluated with the formula evaluator on the record before the write (update,
 * delete) and as it will be after it (create, update), like Postgres RLS's USING and WITH
 * CHECK. A rule that needs a record the caller did not supply refuses (fail closed).
 */
import type { FormulaRecord } from '../formula/index.ts'
import { findField } from '../protocol/schema.ts'
import type { TableAccess } from './access.ts'
import {
  NOT_PERMITTED_MESSAGE,
  notPermittedFieldMessage,
  notPermittedValueMessage,
  PolicyError,
} from './errors.ts'
import type { WriteValue } from './policy.ts'
import { rowMatches } from './match.ts'

export type WriteOperation = 'create' | 'update' | 'delete'

export interface WriteRequest {
  operation: WriteOperation
  /** The record as it is now (update, delete). */
  before?: FormulaRecord | null
  /**
   * The record as it will be after the write (create, update), computed fields included when a
   * rule reads them (e.g. a lookup of the linked member's email).
   */
  after?: FormulaRecord | null
  /** Field names or IDs written (create, update). */
  fieldsWritten?: readonly string[]
  /**
   * The cells written, by field ID, as they will be stored (`null`/absent = cleared): checked
   * against the role's per-value rules. A restricted field written without its cell refuses.
   */
  cellsWritten?: Readonly<Record<string, unknown>>
}

export type WriteDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly error: PolicyError }

export interface WriteCheckOptions {
  /** Epoch ms for NOW()/TODAY() in row rules. */
  nowMs: number
}

const ALLOWED: WriteDecision = { allowed: true }

const refuse = (message: string): WriteDecision => ({
  allowed: false,
  error: new PolicyError({ type: 'INVALID_PERMISSIONS', message }),
})

/** Decides a write; see the module header for which record each rule is checked on. */
export function decideWrite(
  access: TableAccess,
  request: WriteRequest,
  options: WriteCheckOptions,
): WriteDecision {
  const { table } = access
  const rows = access[request.operation]
  if (!rows.allowed) {
    return refuse(
      request.operation === 'create'
        ? `You are not permitted to create records in table ${table.name} (${table.id})`
        : NOT_PERMITTED_MESSAGE,
    )
  }
  if (request.operation !== 'delete') {
    const fieldRefusal =
      checkFields(access, request.fieldsWritten ?? []) ??
      checkValues(access, request.fieldsWritten ?? [], request.cellsWritten ?? {})
    if (fieldRefusal !== undefined) return fieldRefusal
  }
  if (rows.rowFilter === null) return ALLOWED
  const mustMatch: (FormulaRecord | null | undefined)[] =
    request.operation === 'create'
      ? [request.after]
      : request.operation === 'delete'
        ? [request.before]
        : [request.before, request.after]
  for (const record of mustMatch) {
    if (!rowMatches(rows.rowFilter, record, options.nowMs)) return refuse(NOT_PERMITTED_MESSAGE)
  }
  return ALLOWED
}

/** Like {@link decideWrite}, throwing the refusal's {@link PolicyError}. */
export function checkWrite(
  access: TableAccess,
  request: WriteRequest,
  options: WriteCheckOptions,
): void {
  const decision = decideWrite(access, request, options)
  if (!decision.allowed) throw decision.error
}

function checkFields(
  access: TableAccess,
  fieldsWritten: readonly string[],
): WriteDecision | undefined {
  const writable = access.writableFieldIds
  if (writable === 'all') return undefined
  for (const name of fieldsWritten) {
    const field = findField(access.table, name)
    // An unknown name is the schema check's 422; should it get here, refuse rather than allow.
    if (field === undefined) return refuse(NOT_PERMITTED_MESSAGE)
    if (!writable.has(field.id)) return refuse(notPermittedFieldMessage(field.name, field.id))
  }
  return undefined
}

/** Refuses a value outside the role's per-value rule for its field (see policy.ts `values`). */
function checkValues(
  access: TableAccess,
  fieldsWritten: readonly string[],
  cells: Readonly<Record<string, unknown>>,
): WriteDecision | undefined {
  for (const name of fieldsWritten) {
    const field = findField(access.table, name)
    const allowed = field === undefined ? undefined : access.writableValues.get(field.id)
    if (field === undefined || allowed === undefined) continue
    const cell = cells[field.id] ?? null
    const items: unknown[] = Array.isArray(cell) ? cell : [cell]
    const bad = items.find((item) => !isAllowedValue(allowed, item))
    if (bad !== undefined || (Array.isArray(cell) && cell.length === 0 && !allowed.has(null))) {
      return refuse(notPermittedValueMessage(field, bad ?? null))
    }
  }
  return undefined
}

function isAllowedValue(allowed: ReadonlySet<WriteValue>, item: unknown): boolean {
  return (
    (item === null || ['string', 'number', 'boolean'].includes(typeof item)) &&
    allowed.has(item as WriteValue)
  )
}
