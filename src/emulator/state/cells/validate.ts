/**
 * Validates one written value against its field and returns the cell to store (V1 shape), or
 * undefined for an empty cell (airtable-api.md §2.1, §5). Throws Airtable's error for values the
 * field cannot take. Pure apart from reading the model; choices that typecast must create are
 * collected in the context and added by the caller once the whole request has validated.
 */
import type { Field } from '../../../protocol/index.ts'
import { newId } from '../../../protocol/index.ts'
import { invalidValue, rowDoesNotExist, unknownChoice } from '../errors.ts'
import type { Model } from '../model.ts'
import { parseDate, parseDateTime } from './dates.ts'
import { isEmptyCell } from './equal.ts'
import { typecastValue } from './typecast.ts'

/** What validation needs besides the field and the value. */
export interface NormalizeContext {
  model: Model
  typecast: boolean
  /** Select choices to create because of typecast, by field ID, in first-seen order. */
  newChoices: Map<string, string[]>
  /** The record's current cell for this field (attachments are kept by `id`). */
  current: unknown
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

/** The cell to store for `raw` written to `field`; see the module header. */
export function normalizeCell(field: Field, raw: unknown, ctx: NormalizeContext): unknown {
  const value = ctx.typecast ? typecastValue(ctx.model, field, raw) : raw
  if (value === null || value === undefined) return undefined
  const fail = (): never => {
    throw invalidValue(field.name)
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
      return typeof value === 'string' ? selectName(field, value, ctx) : fail()
    case 'multipleSelects':
      return Array.isArray(value)
        ? unique(value.map((v) => (typeof v === 'string' ? selectName(field, v, ctx) : fail())))
        : fail()
    case 'multipleRecordLinks':
      return Array.isArray(value) ? unique(value.map((v) => linkId(field, v, ctx))) : fail()
    case 'date':
      return parseDate(value, ctx.typecast) ?? fail()
    case 'dateTime':
      return (
        parseDateTime(value, { timeZone: field.options?.timeZone, loose: ctx.typecast }) ?? fail()
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
        ? emptyToUndefined(value.map((v) => attachment(v, ctx.current) ?? fail()))
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

function emptyToUndefined<T>(value: T): T | undefined {
  return isEmptyCell(value) ? undefined : value
}

function unique<T>(values: T[]): T[] | undefined {
  const result = [...new Set(values.filter((v) => v !== undefined))]
  return result.length === 0 ? undefined : result
}

/** An existing choice name, or (typecast) a choice to create; '' clears. */
function selectName(field: Field, name: string, ctx: NormalizeContext): string | undefined {
  if (name === '') return undefined
  if (field.options?.choices?.some((c) => c.name === name)) return name
  if (!ctx.typecast) throw unknownChoice(name)
  const pending = ctx.newChoices.get(field.id) ?? []
  if (!pending.includes(name)) pending.push(name)
  ctx.newChoices.set(field.id, pending)
  return name
}

function linkId(field: Field, value: unknown, ctx: NormalizeContext): string {
  if (typeof value !== 'string') throw invalidValue(field.name)
  const linked = ctx.model.tableById(field.options?.linkedTableId ?? '')
  if (!linked?.records.has(value)) throw rowDoesNotExist(value)
  return value
}

/** `{id}` or `{email}` (V1 write shape); extra keys from a read-back record are tolerated. */
function collaborator(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined
  const result: Record<string, string> = {}
  for (const key of ['id', 'email', 'name'] as const) {
    const v = value[key]
    if (typeof v === 'string') result[key] = v
  }
  if (result['id'] === undefined && result['email'] === undefined) return undefined
  result['id'] ??= `usr${hashTo14(result['email'] ?? '')}`
  return result
}

/**
 * An attachment to keep (`{id}` of one already in the cell) or to add (`{url, filename?}`); new
 * ones get an `att…` ID. Size, type and thumbnails are not known without downloading [?].
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
  return { id: newId('att'), url, filename: filename ?? url }
}

/** A stable 14-character [A-Za-z0-9] tag for an email, so one email always maps to one user ID. */
function hashTo14(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let h1 = 0x811c9dc5
  let h2 = 0x1234567
  let out = ''
  for (let i = 0; i < 14; i++) {
    for (const ch of text) {
      h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0
      h2 = Math.imul(h2 + ch.charCodeAt(0) + i, 2246822519) >>> 0
    }
    out += alphabet[(h1 ^ h2) % alphabet.length]
    h1 = (h1 + i * 31) >>> 0
  }
  return out
}
