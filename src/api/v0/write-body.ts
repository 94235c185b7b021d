/**
 * Write request bodies (airtable-api.md §2.6–2.9), read by the shared wire parser
 * (protocol/write-body.ts, also the emulator's) under the API's rules: unlike Airtable, more than
 * 10 records is accepted (airsync splits them), and each record may carry the `baseFields`
 * extension (protocol/mutations.ts). Its WriteBodyErrors leave through api/errors.ts's
 * toErrorReply with their type and message.
 */
import type { AcceptRecordInput, AcceptVerb } from '../../outbox/index.ts'
import {
  readBatchUpdateBody,
  readCreateBody,
  readDeleteIds,
  readSingleUpdateBody,
  type WriteBodyRules,
} from '../../protocol/index.ts'

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

/** Any number of records (airsync batches them by 10), each with its `baseFields`. */
const API_RULES: WriteBodyRules = { baseFields: true }

/** `POST /v0/{base}/{table}`: `{fields}` or `{records:[…]}`. */
export function parseCreateBody(raw: unknown): WriteBody {
  return { verb: 'create', ...readCreateBody(raw, API_RULES) }
}

/** `PATCH|PUT /v0/{base}/{table}`: `{records:[…]}`, maybe with `performUpsert`. */
export function parseBatchUpdateBody(raw: unknown, verb: 'update' | 'replace'): WriteBody {
  return { verb, kind: 'batch', ...readBatchUpdateBody(raw, API_RULES) }
}

/** `PATCH|PUT /v0/{base}/{table}/{recordId}`: `{fields}`. */
export function parseSingleUpdateBody(
  raw: unknown,
  request: { id: string; verb: 'update' | 'replace' },
): WriteBody {
  const { record, ...options } = readSingleUpdateBody(raw, request.id, API_RULES)
  return { verb: request.verb, kind: 'single', ...options, records: [record] }
}

/** `DELETE /v0/{base}/{table}?records[]=…` (any number; airsync splits). */
export function parseDeleteQuery(query: URLSearchParams): WriteBody {
  return {
    verb: 'delete',
    kind: 'batch',
    records: readDeleteIds(query, API_RULES).map((id) => ({ id })),
    typecast: false,
    returnFieldsByFieldId: false,
  }
}
