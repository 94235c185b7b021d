/**
 * Checks of what airsync answers, at the SDK's trust boundary. The shapes are protocol/'s (the
 * types are imported from there); the checks are hand-written rather than protocol's zod
 * schemas because zod would more than double the SDK bundle (STYLE.md: ≤ 20 kB gzipped). Each
 * check verifies exactly the properties the SDK reads and throws INVALID_RESPONSE otherwise.
 */
import type {
  AcceptedMutation,
  AirtableRecord,
  MutationEvent,
  MutationStatusBody,
  RecordEvent,
  ResetEvent,
  StreamEvent,
} from '../protocol/index.ts'
import { AirsyncError } from './errors.ts'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isString = (value: unknown): value is string => typeof value === 'string'

function invalid(what: string): AirsyncError {
  return new AirsyncError({ type: 'INVALID_RESPONSE', message: `Malformed ${what}`, status: 0 })
}

/** A record as `/v0` answers it. */
export function readRecord(value: unknown): AirtableRecord {
  if (!isObject(value) || !isString(value['id']) || !isObject(value['fields'])) {
    throw invalid('record')
  }
  const createdTime = isString(value['createdTime']) ? value['createdTime'] : ''
  return { id: value['id'], createdTime, fields: value['fields'] }
}

/** A page of `GET /v0/{base}/{table}`. */
export function readListPage(value: unknown): { records: AirtableRecord[]; offset?: string } {
  if (!isObject(value) || !Array.isArray(value['records'])) throw invalid('list page')
  const records = value['records'].map(readRecord)
  const offset = value['offset']
  return isString(offset) ? { records, offset } : { records }
}

/** The 202 answer of an asynchronous write. */
export function readAccepted(value: unknown): AcceptedMutation[] {
  if (!isObject(value) || !Array.isArray(value['mutations'])) throw invalid('accepted write')
  return value['mutations'].map((m: unknown) => {
    if (!isObject(m) || !isString(m['id']) || !isString(m['state'])) throw invalid('mutation')
    const recordId = m['recordId']
    return {
      id: m['id'],
      state: m['state'] as AcceptedMutation['state'],
      ...(isString(recordId) && { recordId }),
    }
  })
}

/** `GET /v1/mutations/{id}`: the properties the SDK reads. */
export function readMutationStatus(
  value: unknown,
): Pick<MutationStatusBody, 'id' | 'state' | 'recordId' | 'tempRecordId' | 'error'> {
  if (!isObject(value) || !isString(value['id']) || !isString(value['state'])) {
    throw invalid('mutation status')
  }
  const error = value['error']
  return {
    id: value['id'],
    state: value['state'] as MutationStatusBody['state'],
    ...(isString(value['recordId']) && { recordId: value['recordId'] }),
    ...(isString(value['tempRecordId']) && { tempRecordId: value['tempRecordId'] }),
    ...(isObject(error) &&
      isString(error['type']) && {
        error: {
          type: error['type'],
          message: isString(error['message']) ? error['message'] : '',
          status: typeof error['status'] === 'number' ? error['status'] : 0,
        },
      }),
  }
}

/** One event of `/v1/events`, or undefined for a type this SDK does not know (ignored). */
export function readStreamEvent(value: unknown): StreamEvent | undefined {
  if (!isObject(value) || !isString(value['type']) || typeof value['seq'] !== 'number') {
    throw invalid('stream event')
  }
  const type = value['type']
  if (type === 'reset') return value as ResetEvent
  if (type.startsWith('record.')) {
    if (!isString(value['recordId']) || !isObject(value['fields']) || !isString(value['tableId'])) {
      throw invalid('record event')
    }
    return value as RecordEvent
  }
  if (type.startsWith('mutation.')) {
    if (!isString(value['mutationId'])) throw invalid('mutation event')
    return value as MutationEvent
  }
  return undefined
}
