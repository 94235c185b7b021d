/**
 * Pure list maintenance, shared by change events (server truth) and the pending-write overlay
 * (this device's optimistic writes): put a record into a cached list, or take it out, the way
 * the server would have answered the list's query.
 *
 * Decision per record: the list's {@link LocalQuery} says whether the record belongs; when it
 * cannot (no query: a view the app did not define, a formula that does not parse; or an
 * undecidable verdict), a record already in the list is patched in place and a new one makes
 * the answer `undefined` — the caller then revalidates from the server rather than guess.
 * Order: a sorted list is re-sorted with the shared comparator; otherwise an updated record
 * keeps its place and a new one goes last (Airtable's order without a sort is creation order).
 */
import type { AirtableRecord, Fields } from '../protocol/index.ts'
import type { LocalQuery } from './local-query.ts'

/** How a list is shaped. */
export interface ListShape {
  /** undefined: the list's membership cannot be judged here. */
  query: LocalQuery | undefined
  /** `fields[]` of the list (projection), if any. */
  fields: readonly string[] | undefined
  maxRecords: number | undefined
  /** The list's sort needs a field outside its projection: order cannot be kept locally. */
  sortOutsideProjection: boolean
}

/** Keeps only the listed fields. */
export function project(fields: Fields, only: readonly string[] | undefined): Fields {
  if (only === undefined) return fields
  const out: Fields = {}
  for (const name of only) if (fields[name] !== undefined) out[name] = fields[name]
  return out
}

/** `fields` with `patch` applied: `null` clears (Airtable omits empty cells). */
export function mergeFields(fields: Fields, patch: Readonly<Record<string, unknown>>): Fields {
  const out: Fields = { ...fields }
  for (const [name, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete out[name]
    else out[name] = value
  }
  return out
}

/** The list without `recordId`; undefined when removing it needs the server (a full page). */
export function removeFromList(
  records: readonly AirtableRecord[],
  recordId: string,
  shape: ListShape,
): AirtableRecord[] | undefined {
  const index = records.findIndex((r) => r.id === recordId)
  if (index === -1) return [...records]
  // A list cut at maxRecords would now show the next record, which only the server knows.
  if (shape.maxRecords !== undefined && records.length >= shape.maxRecords) return undefined
  return records.filter((r) => r.id !== recordId)
}

/**
 * The list with `record` (all its readable fields) put in or taken out per the list's query;
 * undefined when only the server can say.
 */
export function upsertIntoList(
  records: readonly AirtableRecord[],
  record: AirtableRecord,
  shape: ListShape,
): AirtableRecord[] | undefined {
  const index = records.findIndex((r) => r.id === record.id)
  const verdict = shape.query?.matches(record)
  const shown: AirtableRecord = { ...record, fields: project(record.fields, shape.fields) }
  if (verdict === undefined) {
    if (index === -1) return undefined
    const next = [...records]
    next[index] = shown
    return next
  }
  if (!verdict) return removeFromList(records, record.id, shape)
  const next = [...records]
  if (index === -1) next.push(shown)
  else next[index] = shown
  return order(next, shape)
}

function order(records: AirtableRecord[], shape: ListShape): AirtableRecord[] | undefined {
  let sorted: AirtableRecord[] | undefined = records
  if (shape.query?.sorted === true) {
    if (shape.sortOutsideProjection) return undefined
    sorted = shape.query.sort(records)
  }
  if (sorted === undefined) return undefined
  return shape.maxRecords === undefined ? sorted : sorted.slice(0, shape.maxRecords)
}
