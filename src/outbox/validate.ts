/**
 * Write validation against the base schema, before anything is queued: each written value is
 * checked the way Airtable (and the emulator, src/emulator/state/cells/validate.ts) checks it and
 * normalised to the V1 cell the mirror will hold (`null` = cleared). Pure.
 *
 * Errors are Airtable's, verbatim (airtable-api.md §4.3): UNKNOWN_FIELD_NAME, INVALID_VALUE_FOR_COLUMN
 * (wrong shape, or any value — `null` included — written to a computed field),
 * INVALID_MULTIPLE_CHOICE_OPTIONS (an unknown option without typecast). With typecast an unknown
 * option is accepted: Airtable creates it. Links are checked for shape here; whether the linked
 * records exist needs the mirror (accept.ts).
 */
import { isComputedField, type Field, type Fields, type Table } from '../protocol/index.ts'
import { parseDate, parseDateTime, typecastValue } from './validate-cast.ts'

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

/** 422 UNKNOWN_FIELD_NAME, Airtable's message. */
export function unknownFieldError(name: string): WriteValidationError {
  return new WriteValidationError({
    type: 'UNKNOWN_FIELD_NAME',
    message: `Unknown field name: "${name}"`,
  })
}

/** 422 INVALID_VALUE_FOR_COLUMN for a value of the wrong shape. */
export function invalidValueError(fieldName: string): WriteValidationError {
  return new WriteValidationError({
    type: 'INVALID_VALUE_FOR_COLUMN',
    message: `Field "${fieldName}" cannot accept the provided value`,
  })
}

/** 422 ROW_DOES_NOT_EXIST for an unknown record (updated, deleted or linked). */
export function rowDoesNotExistError(recordId: string): WriteValidationError {
  return new WriteValidationError({
    type: 'ROW_DOES_NOT_EXIST',
    message: `Record ID ${recordId} does not exist in this table`,
  })
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
    if (isComputedField(field)) {
      throw new WriteValidationError({
        type: 'INVALID_VALUE_FOR_COLUMN',
        message: `Field "${field.name}" cannot accept a value because the field is computed`,
      })
    }
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

const TEXT_TYPES = new Set([
  'singleLineText',
  'multilineText',
  'richText',
  'email',
  'url',
  'phoneNumber',
])
const NUMBER_TYPES = new Set(['number', 'percent', 'currency', 'duration'])

/** The cell to store for `raw` written to `field` (undefined = empty), or Airtable's 422. */
export function normalizeCell(field: Field, raw: unknown, options: ValidateOptions): unknown {
  const value = options.typecast ? typecastValue(field, raw) : raw
  if (value === null || value === undefined) return undefined
  const fail = (): never => {
    throw invalidValueError(field.name)
  }
  if (TEXT_TYPES.has(field.type))
    return typeof value === 'string' ? emptyToUndefined(value) : fail()
  if (NUMBER_TYPES.has(field.type)) return isFiniteNumber(value) ? value : fail()
  switch (field.type) {
    case 'rating': {
      const max = field.options?.max ?? 5
      return isFiniteNumber(value) && Number.isInteger(value) && value >= 1 && value <= max
        ? value
        : fail()
    }
    case 'checkbox':
      return typeof value === 'boolean' ? value || undefined : fail()
    case 'singleSelect':
      return typeof value === 'string' ? selectName(field, value, options) : fail()
    case 'multipleSelects':
      return Array.isArray(value)
        ? unique(value.map((v) => (typeof v === 'string' ? selectName(field, v, options) : fail())))
        : fail()
    case 'multipleRecordLinks':
      return Array.isArray(value)
        ? unique(value.map((v) => (typeof v === 'string' ? v : fail())))
        : fail()
    case 'date':
      return parseDate(value, options.typecast) ?? fail()
    case 'dateTime':
      return (
        parseDateTime(value, { timeZone: field.options?.timeZone, loose: options.typecast }) ??
        fail()
      )
    case 'singleCollaborator':
      return collaborator(value) ?? fail()
    case 'multipleCollaborators':
      return Array.isArray(value)
        ? emptyToUndefined(
            value.map((v) => collaborator(typeof v === 'string' ? { id: v } : v) ?? fail()),
          )
        : fail()
    case 'multipleAttachments':
      return Array.isArray(value)
        ? emptyToUndefined(value.map((v) => attachment(v, options.current?.[field.id]) ?? fail()))
        : fail()
    case 'barcode':
      return isObject(value) && typeof value['text'] === 'string' ? value : fail()
    default:
      // Unknown future types are tolerated (airtable-api.md §5): stored as given.
      return isEmptyCell(value) ? undefined : value
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isEmptyCell(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  )
}

function emptyToUndefined<T>(value: T): T | undefined {
  return isEmptyCell(value) ? undefined : value
}

function unique<T>(values: T[]): T[] | undefined {
  const result = [...new Set(values.filter((v) => v !== undefined))]
  return result.length === 0 ? undefined : result
}

/** An existing option name, or (typecast) one Airtable will create; '' clears. */
function selectName(field: Field, name: string, options: ValidateOptions): string | undefined {
  if (name === '') return undefined
  if (field.options?.choices?.some((c) => c.name === name)) return name
  if (!options.typecast) {
    throw new WriteValidationError({
      type: 'INVALID_MULTIPLE_CHOICE_OPTIONS',
      message: `Insufficient permissions to create new select option ""${name}""`,
    })
  }
  return name
}

/** `{id}` or `{email}` (V1 write shape); extra keys from a read-back record are tolerated. */
function collaborator(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined
  const result: Record<string, string> = {}
  for (const key of ['id', 'email', 'name'] as const) {
    const v = value[key]
    if (typeof v === 'string') result[key] = v
  }
  return result['id'] === undefined && result['email'] === undefined ? undefined : result
}

/** An attachment to keep (`{id}` already in the cell) or to add (`{url, filename?}`). */
function attachment(value: unknown, current: unknown): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined
  const id = value['id']
  if (typeof id === 'string') {
    const existing: unknown = Array.isArray(current)
      ? (current as unknown[]).find((a) => isObject(a) && a['id'] === id)
      : undefined
    if (isObject(existing)) return existing
    if (typeof value['url'] !== 'string') return undefined
  }
  const url = value['url']
  if (typeof url !== 'string' || url === '') return undefined
  const filename =
    typeof value['filename'] === 'string'
      ? value['filename']
      : (url.split('/').pop() ?? url).split('?')[0]
  // Sent to Airtable as is; the mirror holds it until Airtable answers with its own object.
  return { url, filename: filename ?? url }
}
