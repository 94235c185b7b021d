/**
 * Stateless list offsets (airtable-api.md §2.4). Airtable's offsets name a server-side iterator;
 * airsync's carry the position instead, so any server instance sharing the secret can continue
 * a walk and nothing is kept in memory. Shape: `itr{query}{mac}{position}/{nextRecordId}` —
 * `query` fingerprints the selection (table, view, formula, sort, maxRecords, caller), `mac`
 * signs everything. On resume the walk continues at `nextRecordId` when it is still selected
 * (records deleted meanwhile do not shift the page), else at `position`.
 *
 * Errors: not of our shape or a bad MAC → 422 INVALID_OFFSET_VALUE; a valid offset from another
 * query → configurable ([?] Airtable only says "do not mix offsets"; the emulator answers
 * LIST_RECORDS_ITERATOR_NOT_AVAILABLE, so does the default here).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { ApiError } from './errors.ts'

const QUERY_CHARS = 8
const MAC_CHARS = 12
const OFFSET = /^itr([0-9a-f]{8})([0-9a-f]{12})([0-9a-z]{1,10})\/(rec[A-Za-z0-9]{1,40})$/

/** Where the next page starts. */
export interface OffsetPosition {
  /** Index of the next record in the selection. */
  position: number
  /** ID of the next record when the offset was issued. */
  nextRecordId: string
}

/** The answer to an offset from a different query. */
export type OffsetMismatchType = 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' | 'INVALID_OFFSET_VALUE'

export interface OffsetCodecOptions {
  /** Signs offsets; servers sharing a mirror must share it. */
  secret: string
  /** @default 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' */
  mismatchType?: OffsetMismatchType
}

/** Encodes and checks offsets for one secret. */
export interface OffsetCodec {
  /** The fingerprint of a selection (any JSON-able description of it). */
  fingerprint(selection: unknown): string
  encode(fingerprint: string, at: OffsetPosition): string
  /** The position of `offset`, or throws Airtable's 422. */
  decode(fingerprint: string, offset: string): OffsetPosition
}

/** Creates the offset codec. */
export function createOffsetCodec(options: OffsetCodecOptions): OffsetCodec {
  const mac = (text: string): string =>
    createHmac('sha256', options.secret).update(text).digest('hex').slice(0, MAC_CHARS)
  const invalid = (offset: string): ApiError =>
    new ApiError({
      type: 'INVALID_OFFSET_VALUE',
      message: `The value of offset ${offset} is invalid`,
    })
  return {
    fingerprint(selection) {
      const json = JSON.stringify(selection)
      return createHash('sha256').update(json).digest('hex').slice(0, QUERY_CHARS)
    },
    encode(fingerprint, at) {
      const position = at.position.toString(36)
      return `itr${fingerprint}${mac(`${fingerprint}.${position}.${at.nextRecordId}`)}${position}/${at.nextRecordId}`
    },
    decode(fingerprint, offset) {
      const match = OFFSET.exec(offset)
      const [, query, signature, position, nextRecordId] = match ?? []
      if (
        query === undefined ||
        signature === undefined ||
        position === undefined ||
        nextRecordId === undefined
      ) {
        throw invalid(offset)
      }
      const expected = Buffer.from(mac(`${query}.${position}.${nextRecordId}`))
      if (!timingSafeEqual(expected, Buffer.from(signature))) throw invalid(offset)
      if (query !== fingerprint) {
        const type = options.mismatchType ?? 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE'
        throw type === 'INVALID_OFFSET_VALUE'
          ? invalid(offset)
          : new ApiError({ type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' })
      }
      return { position: parseInt(position, 36), nextRecordId }
    },
  }
}
