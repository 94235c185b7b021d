/**
 * Write validation against the base schema, before anything is queued: each written value is
 * checked by Airtable's cell rules — the very ones the emulator applies (formula/cells/write/) —
 * and normalised to the V1 cell the mirror will hold (`null` = cleared). Pure.
 *
 * Errors are Airtable's, verbatim (airtable-api.md §4.3): UNKNOWN_FIELD_NAME, INVALID_VALUE_FOR_COLUMN
 * (wrong shape, or any value — `null` included — written to a computed field),
 * INVALID_MULTIPLE_CHOICE_OPTIONS (an unknown option without typecast). With typecast an unknown
 * option is accepted when the caller may create options: Airtable creates it (the mirror cannot,
 * so nothing is recorded); otherwise it fails as without typecast. Links are
 * checked for shape here; whether the linked records exist, or which record a typecast text
 * names, needs the mirror (accept-mirror.ts). New attachments and email-only collaborators stay
 * without an ID until Airtable answers with its own.
 */
import {
  CellWriteError,
  computedFieldValue,
  normalizeCell as normalizeSharedCell,
  rowDoesNotExist,
  unknownFieldName,
  unknownSelectOption,
} from '../formula/index.ts'
import { isComputedField, type Field, type Fields, type Table } from '../protocol/index.ts'

/** A write Airtable would refuse, with its error `type` and HTTP status. */
export class WriteValidationError extends Error {
  override readonly name = 'WriteValidationError'
  readonly type: string
  readonly status: number
  constructor(init: { type: string; message: string; status?: number }) {
    super(init.message)
    this.type = init.type
    this.status = init.status ?? 422
  }
}

/** The outbox's error for a refused cell write (the shared rules' CellWriteError). */
function fromCellWriteError(error: CellWriteError): WriteValidationError {
  return new WriteValidationError({ type: error.type, message: error.message })
}

/** 422 UNKNOWN_FIELD_NAME, Airtable's message. */
export function unknownFieldError(name: string): WriteValidationError {
  return fromCellWriteError(unknownFieldName(name))
}

/** 422 ROW_DOES_NOT_EXIST for an unknown record (updated, deleted or linked). */
export function rowDoesNotExistError(recordId: string): WriteValidationError {
  return fromCellWriteError(rowDoesNotExist(recordId))
}

/** 422 INVALID_UPSERT (Airtable's type is undocumented [?]; the emulator's choice). */
export function invalidUpsertError(message: string): WriteValidationError {
  return new WriteValidationError({ type: 'INVALID_UPSERT', message })
}

/** How to validate one record's `fields`. */
export interface ValidateOptions {
  typecast: boolean
  /** The record's current cells by field ID (attachments are kept by `id`). */
  current?: Fields | undefined
  /**
   * Whether the caller may know the field exists; others are UNKNOWN_FIELD_NAME as if absent
   * (fields hidden by policy). @default every field
   */
  isKnown?: (field: Field) => boolean
  /**
   * Whether typecast may create a select option (Airtable: creator rights). Without it an unknown
   * option fails exactly as without typecast. @default true
   */
  createSelectOptions?: boolean
}

/**
 * Resolves `fields` (keys are names or IDs) and validates every value.
 * @returns cells by field ID, `null` for a cleared cell
 */
export function validateFields(table: Table, fields: unknown, options: ValidateOptions): Fields {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new WriteValidationError({
      type: 'INVALID_REQUEST_UNKNOWN',
      message: 'Invalid request: "fields" must be an object',
    })
  }
  const cells: Fields = {}
  for (const [key, raw] of Object.entries(fields as Record<string, unknown>)) {
    const field = resolveField(table, key, options)
    if (isComputedField(field)) throw fromCellWriteError(computedFieldValue(field.name))
    cells[field.id] = normalizeCell(field, raw, options) ?? null
  }
  return cells
}

/** The field named `key` (name or ID) that the caller may know of; UNKNOWN_FIELD_NAME otherwise. */
export function resolveField(
  table: Table,
  key: string,
  options: Pick<ValidateOptions, 'isKnown'> = {},
): Field {
  const field = table.fields.find((f) => f.id === key) ?? table.fields.find((f) => f.name === key)
  if (field === undefined || (options.isKnown !== undefined && !options.isKnown(field))) {
    throw unknownFieldError(key)
  }
  return field
}

/**
 * The cell to store for `raw` written to `field` (undefined = empty), or Airtable's 422 as a
 * WriteValidationError. Typecast's new select options are accepted without being recorded.
 */
export function normalizeCell(field: Field, raw: unknown, options: ValidateOptions): unknown {
  try {
    return normalizeSharedCell(field, raw, {
      typecast: options.typecast,
      current: options.current?.[field.id],
      onNewChoice: (name) => {
        if (options.createSelectOptions === false) throw unknownSelectOption(name)
      },
    })
  } catch (error) {
    throw error instanceof CellWriteError ? fromCellWriteError(error) : error
  }
}
