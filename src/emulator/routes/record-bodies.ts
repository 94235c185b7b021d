/**
 * Write request bodies (airtable-api.md §2.6–2.9), validated the way Airtable answers: a missing
 * `fields`/`records` is 422 INVALID_REQUEST_MISSING_FIELDS, more than 10 records is 422
 * INVALID_RECORDS with Airtable's exact message, anything else malformed is 422
 * INVALID_REQUEST_UNKNOWN. Extra body keys are ignored (clients send their own).
 */
import { z } from 'zod'
import { EmulatorError, type RecordInput } from '../state/types.ts'
import { asObject, missingFields } from './context.ts'

/** Airtable's cap on records per write. */
export const MAX_RECORDS_PER_WRITE = 10

export type WriteVerb = 'created' | 'updated' | 'deleted'

/** 422 INVALID_RECORDS for 11+ records, with Airtable's message. */
export function tooManyRecords(verb: WriteVerb, count: number): EmulatorError {
  return new EmulatorError({
    type: 'INVALID_RECORDS',
    message: `A maximum of ${MAX_RECORDS_PER_WRITE} records can be ${verb} per request but you have provided ${count}.`,
  })
}

const invalid = (message: string): EmulatorError =>
  new EmulatorError({ type: 'INVALID_REQUEST_UNKNOWN', message: `Invalid request: ${message}` })

const boolish = z.union([
  z.boolean(),
  z.literal(1).transform(() => true),
  z.literal(0).transform(() => false),
])

/** Options every write body may carry. */
export interface WriteBodyOptions {
  typecast: boolean
  returnFieldsByFieldId: boolean
}

function readOptions(body: Record<string, unknown>): WriteBodyOptions {
  const typecast = boolish.optional().safeParse(body['typecast'])
  const byId = boolish.optional().safeParse(body['returnFieldsByFieldId'])
  if (!typecast.success) throw invalid('typecast must be a boolean')
  if (!byId.success) throw invalid('returnFieldsByFieldId must be a boolean')
  return { typecast: typecast.data ?? false, returnFieldsByFieldId: byId.data ?? false }
}

function readFields(value: unknown): Record<string, unknown> {
  if (value === undefined) throw missingFields()
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('"fields" must be an object')
  }
  return value as Record<string, unknown>
}

function readRecord(value: unknown, needsId: boolean): RecordInput {
  const item = asObject(value)
  const fields = readFields(item['fields'])
  const id = item['id']
  if (id === undefined) {
    if (needsId) throw missingFields('id')
    return { fields }
  }
  if (typeof id !== 'string') throw invalid('"id" must be a string')
  return { id, fields }
}

function readRecords(value: unknown, verb: WriteVerb, needsId: boolean): RecordInput[] {
  if (!Array.isArray(value)) throw invalid('"records" must be an array')
  if (value.length > MAX_RECORDS_PER_WRITE) throw tooManyRecords(verb, value.length)
  // [?] Airtable's answer to an empty array is undocumented.
  if (value.length === 0)
    throw new EmulatorError({ type: 'INVALID_RECORDS', message: 'No records provided' })
  return value.map((item) => readRecord(item, needsId))
}

/** A create body: `{fields}` (single) or `{records:[…]}` (batch). */
export type CreateBody = WriteBodyOptions &
  ({ kind: 'single'; record: RecordInput } | { kind: 'batch'; records: RecordInput[] })

export function parseCreateBody(raw: unknown): CreateBody {
  const body = asObject(raw)
  const options = readOptions(body)
  if (body['records'] !== undefined) {
    return { ...options, kind: 'batch', records: readRecords(body['records'], 'created', false) }
  }
  return { ...options, kind: 'single', record: { fields: readFields(body['fields']) } }
}

const upsertSchema = z.object({
  fieldsToMergeOn: z.array(z.string()).min(1).max(3),
})

/** A batch update body, maybe an upsert. */
export interface UpdateBody extends WriteBodyOptions {
  records: RecordInput[]
  /** Present for upserts. */
  fieldsToMergeOn?: string[]
}

export function parseBatchUpdateBody(raw: unknown): UpdateBody {
  const body = asObject(raw)
  const options = readOptions(body)
  const upsert = body['performUpsert']
  if (upsert !== undefined && upsert !== null) {
    const parsed = upsertSchema.safeParse(upsert)
    if (!parsed.success) {
      throw new EmulatorError({
        type: 'INVALID_REQUEST_UNKNOWN',
        message: 'Invalid request: performUpsert.fieldsToMergeOn must list 1 to 3 fields',
      })
    }
    if (body['records'] === undefined) throw missingFields('records')
    return {
      ...options,
      records: readRecords(body['records'], 'updated', false),
      fieldsToMergeOn: parsed.data.fieldsToMergeOn,
    }
  }
  if (body['records'] === undefined) throw missingFields('records')
  return { ...options, records: readRecords(body['records'], 'updated', true) }
}

/** A single-record update body. */
export function parseSingleUpdateBody(
  raw: unknown,
  id: string,
): WriteBodyOptions & { record: RecordInput } {
  const body = asObject(raw)
  return { ...readOptions(body), record: { id, fields: readFields(body['fields']) } }
}

/** Record IDs of a batch delete: `records[]=rec…` (or `records=`), 1–10. */
export function parseDeleteQuery(query: URLSearchParams): string[] {
  const ids = [...query.getAll('records[]'), ...query.getAll('records')]
  if (ids.length === 0) throw missingFields('records')
  if (ids.length > MAX_RECORDS_PER_WRITE) throw tooManyRecords('deleted', ids.length)
  return ids
}
