/**
 * Write request bodies (airtable-api.md §2.6–2.9), read the way Airtable answers them (and the
 * emulator, src/emulator/routes/record-bodies.ts): a missing `fields`/`records` is 422
 * INVALID_REQUEST_MISSING_FIELDS, an empty `records` 422 INVALID_RECORDS, anything else malformed
 * 422 INVALID_REQUEST_UNKNOWN. Unlike Airtable, more than 10 records is accepted: airsync splits
 * them. Each record may carry the `baseFields` extension (protocol/mutations.ts). Extra body keys
 * are ignored, as Airtable's clients send their own.
 */
import { z } from 'zod'
import type { AcceptRecordInput, AcceptVerb } from '../../outbox/index.ts'
import { ApiError } from '../errors.ts'

/** A parsed write request. */
export interface WriteBody {
  verb: AcceptVerb
  /** `single`: one record in, the bare record out; `batch`: `{records}` both ways. */
  kind: 'single' | 'batch'
  records: AcceptRecordInput[]
  typecast: boolean
  returnFieldsByFieldId: boolean
  /** performUpsert.fieldsToMergeOn, for upserts. */
  fieldsToMergeOn?: string[]
}

const invalid = (message: string): ApiError =>
  new ApiError({ type: 'INVALID_REQUEST_UNKNOWN', message: `Invalid request: ${message}` })

function missingFields(name = 'fields'): ApiError {
  return new ApiError({
    type: 'INVALID_REQUEST_MISSING_FIELDS',
    message: `Could not find field "${name}" in the request body`,
  })
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

function readOptions(
  body: Record<string, unknown>,
): Pick<WriteBody, 'typecast' | 'returnFieldsByFieldId'> {
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

function readRecord(value: unknown, needsId: boolean): AcceptRecordInput {
  const item = asObject(value)
  const fields = readFields(item['fields'])
  const id = item['id']
  const baseFields = item['baseFields']
  const record: AcceptRecordInput = baseFields === undefined ? { fields } : { fields, baseFields }
  if (id === undefined) {
    if (needsId) throw missingFields('id')
    return record
  }
  if (typeof id !== 'string') throw invalid('"id" must be a string')
  return { ...record, id }
}

function readRecords(value: unknown, needsId: boolean): AcceptRecordInput[] {
  if (!Array.isArray(value)) throw invalid('"records" must be an array')
  // [?] Airtable's answer to an empty array is undocumented; the emulator's.
  if (value.length === 0)
    throw new ApiError({ type: 'INVALID_RECORDS', message: 'No records provided' })
  return value.map((item) => readRecord(item, needsId))
}

/** `POST /v0/{base}/{table}`: `{fields}` or `{records:[…]}`. */
export function parseCreateBody(raw: unknown): WriteBody {
  const body = asObject(raw)
  const options = { verb: 'create' as const, ...readOptions(body) }
  if (body['records'] !== undefined) {
    return { ...options, kind: 'batch', records: readRecords(body['records'], false) }
  }
  const record: AcceptRecordInput = { fields: readFields(body['fields']) }
  if (body['baseFields'] !== undefined) record.baseFields = body['baseFields']
  return { ...options, kind: 'single', records: [record] }
}

const upsertSchema = z.object({ fieldsToMergeOn: z.array(z.string()).min(1).max(3) })

/** `PATCH|PUT /v0/{base}/{table}`: `{records:[…]}`, maybe with `performUpsert`. */
export function parseBatchUpdateBody(raw: unknown, verb: 'update' | 'replace'): WriteBody {
  const body = asObject(raw)
  const options = { verb, kind: 'batch' as const, ...readOptions(body) }
  const upsert = body['performUpsert']
  if (upsert !== undefined && upsert !== null) {
    const parsed = upsertSchema.safeParse(upsert)
    if (!parsed.success) {
      throw invalid('performUpsert.fieldsToMergeOn must list 1 to 3 fields')
    }
    if (body['records'] === undefined) throw missingFields('records')
    return {
      ...options,
      records: readRecords(body['records'], false),
      fieldsToMergeOn: parsed.data.fieldsToMergeOn,
    }
  }
  if (body['records'] === undefined) throw missingFields('records')
  return { ...options, records: readRecords(body['records'], true) }
}

/** `PATCH|PUT /v0/{base}/{table}/{recordId}`: `{fields}`. */
export function parseSingleUpdateBody(
  raw: unknown,
  request: { id: string; verb: 'update' | 'replace' },
): WriteBody {
  const body = asObject(raw)
  const record: AcceptRecordInput = { id: request.id, fields: readFields(body['fields']) }
  if (body['baseFields'] !== undefined) record.baseFields = body['baseFields']
  return { verb: request.verb, kind: 'single', ...readOptions(body), records: [record] }
}

/** `DELETE /v0/{base}/{table}?records[]=…` (any number; airsync splits). */
export function parseDeleteQuery(query: URLSearchParams): WriteBody {
  const ids = [...query.getAll('records[]'), ...query.getAll('records')]
  if (ids.length === 0) throw missingFields('records')
  return {
    verb: 'delete',
    kind: 'batch',
    records: ids.map((id) => ({ id })),
    typecast: false,
    returnFieldsByFieldId: false,
  }
}
