/**
 * Airtable's rules for one written value (airtable-api.md §2.1, §2.10, §5): the V1 cell to store,
 * undefined for an empty cell, or a {@link CellWriteError}. The emulator (playing Airtable) and
 * the server's outbox (refusing before queueing what Airtable would refuse) both call this, so they
 * cannot drift apart. What needs state is a hook: creating select options and checking that a
 * linked record exists (the emulator's base, or the server's mirror later in accept-mirror.ts).
 * Airtable's own IDs for new attachments and email-only collaborators are the emulator's to add.
 */
import type { WritableField } from '../types.ts'
import { parseDate, parseDateTime } from './dates.ts'
import { invalidCellValue, unknownSelectOption } from './errors.ts'
import { TEXT_WRITE_TYPES, typecastValue } from './typecast.ts'

/** How to read one written value besides the field. */
export interface NormalizeCellOptions {
  /** The request's `typecast` (airtable-api.md §2.10). */
  readonly typecast: boolean
  /** The record's current cell for this field: attachments written as `{id}` are kept from it. */
  readonly current?: unknown
  /**
   * Called (typecast only) for a select option the field does not have yet; Airtable creates it.
   * @default nothing: the name is accepted as it is
   */
  readonly onNewChoice?: ((name: string) => void) | undefined
  /**
   * The record ID a link item (a string) names: throws ROW_DOES_NOT_EXIST when there is none; with
   * typecast it may resolve a primary-field text. Called in item order, after the shape check.
   * @default the item unchanged (shape only; existence is checked elsewhere)
   */
  readonly resolveLink?: ((item: string) => string) | undefined
}

const NUMBER_TYPES = new Set(['number', 'percent', 'currency', 'duration'])

/**
 * The cell to store for `raw` written to `field` (undefined = empty); throws a CellWriteError for
 * a value the field cannot take. Unknown future field types are stored as given (§5).
 * @example normalizeCell({ id: 'f', name: 'Ok', type: 'checkbox' }, 'yes', { typecast: true }) // true
 */
export function normalizeCell(
  field: WritableField,
  raw: unknown,
  options: NormalizeCellOptions,
): unknown {
  const value = options.typecast ? typecastValue(field, raw) : raw
  if (value === null || value === undefined) return undefined
  const fail = (): never => {
    throw invalidCellValue(field.name)
  }
  if (TEXT_WRITE_TYPES.has(field.type))
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
    case 'multipleRecordLinks': {
      const resolve = options.resolveLink ?? ((item: string) => item)
      return Array.isArray(value)
        ? unique(value.map((v) => (typeof v === 'string' ? resolve(v) : fail())))
        : fail()
    }
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
        ? emptyToUndefined(value.map((v) => attachment(v, options.current) ?? fail()))
        : fail()
    case 'barcode':
      return isObject(value) && typeof value['text'] === 'string' ? value : fail()
    default:
      return emptyToUndefined(value)
  }
}

/** True for values Airtable omits from `fields`: null/undefined, `''`, `[]`, `false` (§2.1). */
export function isEmptyCell(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  )
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function emptyToUndefined<T>(value: T): T | undefined {
  return isEmptyCell(value) ? undefined : value
}

function unique<T>(values: T[]): T[] | undefined {
  const result = [...new Set(values.filter((v) => v !== undefined))]
  return result.length === 0 ? undefined : result
}

/** An existing option name, or (typecast) one Airtable creates; '' clears. */
function selectName(
  field: WritableField,
  name: string,
  options: NormalizeCellOptions,
): string | undefined {
  if (name === '') return undefined
  if (field.options?.choices?.some((c) => c.name === name)) return name
  if (!options.typecast) throw unknownSelectOption(name)
  options.onNewChoice?.(name)
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

/**
 * An attachment to keep (`{id}` of one already in the cell, returned as it is) or to add
 * (`{url, filename?}`, without an ID: Airtable gives it one). Size, type and thumbnails are not
 * known without downloading [?].
 */
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
  return { url, filename: filename ?? url }
}
