/**
 * Write request bodies (airtable-api.md §2.6–2.9), read the way Airtable answers them: a missing
 * `fields`/`records` is 422 INVALID_REQUEST_MISSING_FIELDS, an empty `records` (or, under
 * {@link WriteBodyRules.maxRecords}, too many) 422 INVALID_RECORDS, anything else malformed 422
 * INVALID_REQUEST_UNKNOWN. Extra body keys are ignored, as Airtable's clients send their own.
 * Pure wire parsing shared by the emulator and the API, which differ only by their
 * {@link WriteBodyRules}; errors are {@link WriteBodyError}, which each turns into its own envelope.
 */
import { z } from 'zod'
import { STATUS_BY_TYPE } from './errors.ts'

/** The Airtable error types of a malformed write body. */
export type WriteBodyErrorType =
  'INVALID_REQUEST_UNKNOWN' | 'INVALID_REQUEST_MISSING_FIELDS' | 'INVALID_RECORDS'

/**
 * A malformed write body, with Airtable's `type` and message verbatim (all 422). Servers (the
 * emulator, the API) answer it in their own envelope with the same type and message.
 */
export class WriteBodyError extends Error {
  override readonly name = 'WriteBodyError'
  readonly type: WriteBodyErrorType
  readonly status: number
  constructor(type: WriteBodyErrorType, message: string) {
    super(message)
    this.type = type
    this.status = STATUS_BY_TYPE[type]
  }
}

/** Where the readers of a write body differ: Airtable (the emulator) or airsync's API. */
export interface WriteBodyRules {
  /** Keep each record's `baseFields` (airsync's extension, protocol/mutations.ts). @default false */
  baseFields?: boolean
  /** Refuse more records than this, as Airtable does (10); undefined accepts any number. */
  maxRecords?: number
}

/** Options every write body may carry. */
export interface WriteBodyOptions {
  typecast: boolean
  returnFieldsByFieldId: boolean
}

/** One record of a write body; `fields` keys are field names or IDs. */
export interface WriteRecordBody {
  id?: string
  fields: Record<string, unknown>
  /** Only under {@link WriteBodyRules.baseFields}, and only when sent. */
  baseFields?: unknown
}

/** A create body: `{fields}` (single) or `{records:[…]}` (batch). */
export interface CreateBody extends WriteBodyOptions {
  /** `single`: one record in, the bare record out; `batch`: `{records}` both ways. */
  kind: 'single' | 'batch'
  records: WriteRecordBody[]
}

/** A batch update body, maybe an upsert. */
export interface BatchUpdateBody extends WriteBodyOptions {
  records: WriteRecordBody[]
  /** performUpsert.fieldsToMergeOn, present for upserts. */
  fieldsToMergeOn?: string[]
}

/** A single-record update body. */
export interface SingleUpdateBody extends WriteBodyOptions {
  record: WriteRecordBody
}

const invalid = (message: string): WriteBodyError =>
  new WriteBodyError('INVALID_REQUEST_UNKNOWN', `Invalid request: ${message}`)

/** 422 `Could not find field "fields" in the request body` (airtable-api.md §2.6). */
function missingFields(name = 'fields'): WriteBodyError {
  return new WriteBodyError(
    'INVALID_REQUEST_MISSING_FIELDS',
    `Could not find field "${name}" in the request body`,
  )
}

/** 422 INVALID_RECORDS for more records than Airtable takes, with Airtable's message. */
function tooManyRecords(
  verb: 'created' | 'updated' | 'deleted',
  counts: { max: number; given: number },
): WriteBodyError {
  return new WriteBodyError(
    'INVALID_RECORDS',
    `A maximum of ${counts.max} records can be ${verb} per request but you have provided ${counts.given}.`,
  )
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return body as Record<string, unknown>
  }
  throw invalid('parameter validation failed. Check your request data.')
}

const boolish = z.union([
  z.boolean(),
  z.literal(1).transform(() => true),
  z.literal(0).transform(() => false),
])

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

/** `{fields}` of `item`, with its `baseFields` when the rules keep them. */
function readFieldsOf(item: Record<string, unknown>, rules: WriteBodyRules): WriteRecordBody {
  const fields = readFields(item['fields'])
  const baseFields = item['baseFields']
  return rules.baseFields === true && baseFields !== undefined ? { fields, baseFields } : { fields }
}

interface RecordsRead {
  verb: 'created' | 'updated'
  needsId: boolean
  rules: WriteBodyRules
}

function readRecord(value: unknown, read: RecordsRead): WriteRecordBody {
  const item = asObject(value)
  const record = readFieldsOf(item, read.rules)
  const id = item['id']
  if (id === undefined) {
    if (read.needsId) throw missingFields('id')
    return record
  }
  if (typeof id !== 'string') throw invalid('"id" must be a string')
  return { id, ...record }
}

function readRecords(value: unknown, read: RecordsRead): WriteRecordBody[] {
  if (!Array.isArray(value)) throw invalid('"records" must be an array')
  const max = read.rules.maxRecords
  if (max !== undefined && value.length > max) {
    throw tooManyRecords(read.verb, { max, given: value.length })
  }
  // [?] Airtable's answer to an empty array is undocumented; the emulator's.
  if (value.length === 0) throw new WriteBodyError('INVALID_RECORDS', 'No records provided')
  return value.map((item) => readRecord(item, read))
}

/** `POST /v0/{base}/{table}`: `{fields}` or `{records:[…]}`. */
export function readCreateBody(raw: unknown, rules: WriteBodyRules = {}): CreateBody {
  const body = asObject(raw)
  const options = readOptions(body)
  if (body['records'] !== undefined) {
    const read: RecordsRead = { verb: 'created', needsId: false, rules }
    return { ...options, kind: 'batch', records: readRecords(body['records'], read) }
  }
  return { ...options, kind: 'single', records: [readFieldsOf(body, rules)] }
}

const upsertSchema = z.object({ fieldsToMergeOn: z.array(z.string()).min(1).max(3) })

/** `PATCH|PUT /v0/{base}/{table}`: `{records:[…]}`, maybe with `performUpsert`. */
export function readBatchUpdateBody(raw: unknown, rules: WriteBodyRules = {}): BatchUpdateBody {
  const body = asObject(raw)
  const options = readOptions(body)
  const upsert = body['performUpsert']
  if (upsert !== undefined && upsert !== null) {
    const parsed = upsertSchema.safeParse(upsert)
    if (!parsed.success) throw invalid('performUpsert.fieldsToMergeOn must list 1 to 3 fields')
    if (body['records'] === undefined) throw missingFields('records')
    return {
      ...options,
      records: readRecords(body['records'], { verb: 'updated', needsId: false, rules }),
      fieldsToMergeOn: parsed.data.fieldsToMergeOn,
    }
  }
  if (body['records'] === undefined) throw missingFields('records')
  return {
    ...options,
    records: readRecords(body['records'], { verb: 'updated', needsId: true, rules }),
  }
}

/** `PATCH|PUT /v0/{base}/{table}/{recordId}`: `{fields}`. */
export function readSingleUpdateBody(
  raw: unknown,
  id: string,
  rules: WriteBodyRules = {},
): SingleUpdateBody {
  const body = asObject(raw)
  return { ...readOptions(body), record: { id, ...readFieldsOf(body, rules) } }
}

/** The record IDs of `DELETE /v0/{base}/{table}?records[]=…` (or `records=`), at least one. */
export function readDeleteIds(query: URLSearchParams, rules: WriteBodyRules = {}): string[] {
  const ids = [...query.getAll('records[]'), ...query.getAll('records')]
  if (ids.length === 0) throw missingFields('records')
  const max = rules.maxRecords
  if (max !== undefined && ids.length > max) {
    throw tooManyRecords('deleted', { max, given: ids.length })
  }
  return ids
}
