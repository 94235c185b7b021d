/**
 * Reconciling a create whose outcome is unknown (timeout, reset, 5xx after sending): Airtable
 * has no idempotency keys, so before sending it again the writer looks for the record the first
 * attempt may have created — same values, created after that attempt.
 *
 * Two steps, both pure:
 * 1. {@link buildReconcileSearch}: a `filterByFormula` that narrows the table to plausible
 *    candidates. It is deliberately *looser* than the final check — a value Airtable may store
 *    differently (typecast, dates, numbers with precision, attachments, links) is left out of it —
 *    because a filter that misses the record leads to a duplicate. Every literal goes through
 *    {@link formulaString} / {@link formulaFieldName}: user text is never spliced raw.
 * 2. {@link decideReconcile}: compares candidates with the mutation's values by field type.
 *    0 matches → send again; 1 → adopt it; more → adopt the oldest not already adopted by another
 *    mutation: our first attempt was sent before anyone else's identical create that we could
 *    confuse it with, so the oldest after that attempt is the likeliest ours. The others are
 *    reported as `duplicates` (they may be other writers' records: never deleted automatically).
 *
 * The search asks for fields by ID (`returnFieldsByFieldId`), so candidates are keyed like the
 * mutation's fields.
 */
import type { AirtableRecord, Field, Fields } from '../protocol/index.ts'
import { isEmptyCell } from '../formula/index.ts'
import { cellsEqual, itemKey } from './cell-equality.ts'

/**
 * A string as an Airtable formula literal: double-quoted, with `\` and `"` escaped (the lexer's
 * escapes, airtable-formula.md §1). Any string round-trips through parse and evaluate.
 */
export function formulaString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** A field name as a braced formula reference: `\` and `}` escaped (§1 [?]). */
export function formulaFieldName(name: string): string {
  return `{${name.replace(/\\/g, '\\\\').replace(/\}/g, '\\}')}}`
}

/** Field types whose string values Airtable stores verbatim (without typecast). */
const EXACT_TEXT_TYPES: ReadonlySet<string> = new Set([
  'singleLineText',
  'email',
  'url',
  'phoneNumber',
  'singleSelect',
  'barcode',
])

/** Texts longer than this stay out of the filter (URL length; the check still compares them). */
const MAX_FILTER_TEXT_LENGTH = 500

/** Input of {@link buildReconcileSearch}. */
export interface ReconcileSearchInput {
  /** The create's fields, by field ID. */
  fields: Fields
  /** The table's fields (ID → name and type). */
  schema: readonly Field[]
  /** When the create was first sent (epoch ms). */
  firstSentAtMs: number
  /**
   * How far before the first attempt to look, for clock skew between us and Airtable [?].
   * @default 300_000 (5 minutes)
   */
  clockSlackMs?: number
  /** The create was sent with typecast: string values may have been converted. */
  typecast?: boolean
}

/** The list request that finds candidates. */
export interface ReconcileSearch {
  filterByFormula: string
  returnFieldsByFieldId: true
  /** The earliest creation time a match may have (epoch ms). */
  sinceMs: number
}

/** Builds the search for a create's possible earlier result. Pure. */
export function buildReconcileSearch(input: ReconcileSearchInput): ReconcileSearch {
  const sinceMs = input.firstSentAtMs - (input.clockSlackMs ?? 300_000)
  const since = formulaString(new Date(sinceMs).toISOString())
  const conditions = [`IS_AFTER(CREATED_TIME(), DATETIME_PARSE(${since}))`]
  for (const field of input.schema) {
    const value = input.fields[field.id]
    const condition = conditionFor(field, value, input.typecast ?? false)
    if (condition !== undefined) conditions.push(condition)
  }
  return { filterByFormula: `AND(${conditions.join(', ')})`, returnFieldsByFieldId: true, sinceMs }
}

function conditionFor(field: Field, value: unknown, typecast: boolean): string | undefined {
  const ref = formulaFieldName(field.name)
  if (EXACT_TEXT_TYPES.has(field.type) && typeof value === 'string' && !typecast) {
    if (value === '' || value.length > MAX_FILTER_TEXT_LENGTH) return undefined
    return `${ref} = ${formulaString(value)}`
  }
  if (field.type === 'checkbox' && value === true) return ref
  if (field.type === 'number' && typeof value === 'number' && Number.isInteger(value)) {
    // Integers only: a fraction may be stored rounded to the field's precision [?].
    return `${ref} = ${String(value)}`
  }
  return undefined
}

/** Input of {@link decideReconcile}. */
export interface ReconcileDecisionInput {
  /** Records the search returned (fields by ID). */
  candidates: readonly AirtableRecord[]
  /** The create's fields, by field ID. */
  fields: Fields
  schema: readonly Field[]
  sinceMs: number
  /** Records other mutations already adopted or created: never adopted twice. */
  claimedRecordIds?: ReadonlySet<string>
}

/** What to do with the create. */
export type ReconcileDecision =
  { action: 'resend' } | { action: 'adopt'; recordId: string; duplicates: string[] }

/** Decides from the candidates (see the module header). Pure. */
export function decideReconcile(input: ReconcileDecisionInput): ReconcileDecision {
  const typeOf = new Map(input.schema.map((f) => [f.id, f.type]))
  const matches = input.candidates
    .filter((r) => Date.parse(r.createdTime) >= input.sinceMs)
    .filter((r) => !(input.claimedRecordIds?.has(r.id) ?? false))
    .filter((r) =>
      Object.entries(input.fields).every(([id, v]) => storedEqual(typeOf.get(id), v, r.fields[id])),
    )
    .sort((a, b) => Date.parse(a.createdTime) - Date.parse(b.createdTime) || (a.id < b.id ? -1 : 1))
  const [oldest, ...rest] = matches
  if (oldest === undefined) return { action: 'resend' }
  return { action: 'adopt', recordId: oldest.id, duplicates: rest.map((r) => r.id) }
}

/**
 * Whether Airtable's stored cell is what writing `written` to a field of `type` produces. Lenient
 * where Airtable normalises: dates by instant, lists of links and selects as sets, numbers to
 * 1e-9, attachments by count (a written attachment gets a new ID and URL).
 */
export function storedEqual(type: string | undefined, written: unknown, stored: unknown): boolean {
  if (isEmptyCell(written) || isEmptyCell(stored))
    return isEmptyCell(written) && isEmptyCell(stored)
  switch (type ?? 'unknown') {
    case 'date':
      return (
        typeof written === 'string' &&
        typeof stored === 'string' &&
        written.slice(0, 10) === stored.slice(0, 10)
      )
    case 'dateTime':
      return (
        typeof written === 'string' &&
        typeof stored === 'string' &&
        Date.parse(written) === Date.parse(stored)
      )
    case 'number':
    case 'percent':
    case 'currency':
    case 'duration':
    case 'rating':
      return (
        typeof written === 'number' &&
        typeof stored === 'number' &&
        Math.abs(written - stored) <= 1e-9 * Math.max(1, Math.abs(written))
      )
    case 'multipleAttachments':
      return Array.isArray(written) && Array.isArray(stored) && written.length === stored.length
    case 'multipleRecordLinks':
    case 'multipleSelects':
      return sameItems(written, stored)
    case 'multipleCollaborators':
      return (
        Array.isArray(written) &&
        Array.isArray(stored) &&
        written.length === stored.length &&
        written.every((w) => stored.some((s: unknown) => sameCollaborator(w, s)))
      )
    case 'singleCollaborator':
      return sameCollaborator(written, stored)
    default:
      return cellsEqual(written, stored)
  }
}

function sameItems(written: unknown, stored: unknown): boolean {
  if (!Array.isArray(written) || !Array.isArray(stored)) return false
  const keys = (items: unknown[]): string => JSON.stringify([...new Set(items.map(itemKey))].sort())
  return keys(written) === keys(stored)
}

/** A collaborator may be written by email and read back with an ID as well. */
function sameCollaborator(written: unknown, stored: unknown): boolean {
  const w = written as Record<string, unknown> | null
  const s = stored as Record<string, unknown> | null
  if (typeof w !== 'object' || typeof s !== 'object' || w === null || s === null) return false
  if (typeof w['id'] === 'string' && typeof s['id'] === 'string') return w['id'] === s['id']
  const wEmail = w['email']
  const sEmail = s['email']
  return (
    typeof wEmail === 'string' &&
    typeof sEmail === 'string' &&
    wEmail.toLowerCase() === sEmail.toLowerCase()
  )
}
