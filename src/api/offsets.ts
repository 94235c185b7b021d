/**
 * Stateless list offsets (airtable-api.md §2.4). Airtable's offsets name a server-side iterator;
 * airsync's carry the position instead, so any server instance sharing the secret can continue
 * a walk and nothing is kept in memory. `query` fingerprints the selection (table, view, formula,
 * sort, maxRecords, caller), `mac` signs everything. Two shapes:
 * - keyset, `itr{query}{mac}k{base64url JSON [position, ...keys]}`: the SQL read path's sort keys
 *   of the last record sent (select.ts); the walk continues strictly after them, so writes
 *   meanwhile neither repeat nor skip records whose keys did not change. `position` (records
 *   already sent) only counts toward maxRecords.
 * - record, `itr{query}{mac}{position}/{nextRecordId}`: the JS path's; the walk continues at
 *   `nextRecordId` when it is still selected (deletions do not shift the page), else at
 *   `position`.

 * - upstream, `itr{query}{mac}u{base64url(iv, ciphertext, tag)}`: a `consistency=strong` read's
 *   Airtable offset, encrypted (AES-256-GCM, key derived from the secret): Airtable's offset
 *   names the next record, which the caller may not be allowed to see.
 *
 * Errors: not of our shape or a bad MAC → 422 INVALID_OFFSET_VALUE; a valid offset from another
 * query → configurable ([?] Airtable only says "do not mix offsets"; the emulator answers
 * LIST_RECORDS_ITERATOR_NOT_AVAILABLE, so does the default here).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'
import { ApiError } from './errors.ts'

const QUERY_CHARS = 8
const MAC_CHARS = 12
const OFFSET = /^itr([0-9a-f]{8})([0-9a-f]{12})([0-9a-z]{1,10})\/(rec[A-Za-z0-9]{1,40})$/
const KEYSET_OFFSET = /^itr([0-9a-f]{8})([0-9a-f]{12})k([A-Za-z0-9_-]{1,8000})$/
const UPSTREAM_OFFSET = /^itr([0-9a-f]{8})([0-9a-f]{12})u([A-Za-z0-9_-]{1,2000})$/
const IV_BYTES = 12
const TAG_BYTES = 16

/** Where the next page starts. */
export interface OffsetPosition {
  /** Index of the next record in the selection. */
  position: number
  /** ID of the next record when the offset was issued. */
  nextRecordId: string
}

/** Where the next page starts on the SQL path: after the record with these sort keys. */
export interface KeysetPosition {
  /** Records already sent (for maxRecords). */
  position: number
  /** The sort keys of the last record sent (JSON values, see select.ts). */
  keys: readonly unknown[]
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
  encodeKeyset(fingerprint: string, at: KeysetPosition): string
  /** The position of `offset`, or throws Airtable's 422. */
  decode(fingerprint: string, offset: string): OffsetPosition | KeysetPosition
  /** Wraps Airtable's own offset (a strong read's) so the caller cannot read it. */
  encodeUpstream(fingerprint: string, upstreamOffset: string): string
  /** Airtable's offset inside an {@link encodeUpstream} offset, or throws Airtable's 422. */
  decodeUpstream(fingerprint: string, offset: string): string
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
  const checkMac = (o: { signed: string; signature: string; offset: string }): void => {
    const expected = Buffer.from(mac(o.signed))
    const given = Buffer.from(o.signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw invalid(o.offset)
    }
  }
  const checkQuery = (o: { query: string; fingerprint: string; offset: string }): void => {
    if (o.query === o.fingerprint) return
    const type = options.mismatchType ?? 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE'
    throw type === 'INVALID_OFFSET_VALUE'
      ? invalid(o.offset)
      : new ApiError({ type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' })
  }
  const key = createHash('sha256').update(`upstream-offset\0${options.secret}`).digest()
  return {
    encodeUpstream(fingerprint, upstreamOffset) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(fingerprint))
      const sealed = [
        iv,
        cipher.update(upstreamOffset, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]
      const payload = Buffer.concat(sealed).toString('base64url')
      return `itr${fingerprint}${mac(`${fingerprint}.u.${payload}`)}u${payload}`
    },
    decodeUpstream(fingerprint, offset) {
      const [, query = '', signature = '', payload = ''] = UPSTREAM_OFFSET.exec(offset) ?? []
      if (payload === '') throw invalid(offset)
      checkMac({ signed: `${query}.u.${payload}`, signature, offset })
      checkQuery({ query, fingerprint, offset })
      const bytes = Buffer.from(payload, 'base64url')
      if (bytes.length <= IV_BYTES + TAG_BYTES) throw invalid(offset)
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
        decipher.setAAD(Buffer.from(fingerprint))
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
        const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
      } catch {
        throw invalid(offset)
      }
    },
    fingerprint(selection) {
      const json = JSON.stringify(selection)
      return createHash('sha256').update(json).digest('hex').slice(0, QUERY_CHARS)
    },
    encode(fingerprint, at) {
      const position = at.position.toString(36)
      return `itr${fingerprint}${mac(`${fingerprint}.${position}.${at.nextRecordId}`)}${position}/${at.nextRecordId}`
    },
    encodeKeyset(fingerprint, at) {
      const payload = Buffer.from(JSON.stringify([at.position, ...at.keys])).toString('base64url')
      return `itr${fingerprint}${mac(`${fingerprint}.k.${payload}`)}k${payload}`
    },
    decode(fingerprint, offset) {
      const keyset = KEYSET_OFFSET.exec(offset)
      if (keyset !== null) {
        const [, query = '', signature = '', payload = ''] = keyset
        checkMac({ signed: `${query}.k.${payload}`, signature, offset })
        checkQuery({ query, fingerprint, offset })
        return keysetOf(payload) ?? fail(invalid(offset))
      }
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
      checkMac({ signed: `${query}.${position}.${nextRecordId}`, signature, offset })
      checkQuery({ query, fingerprint, offset })
      return { position: parseInt(position, 36), nextRecordId }
    },
  }
}

function fail(error: ApiError): never {
  throw error
}

/** The payload of a signed keyset offset; undefined when it is not `[position, ...keys]`. */
function keysetOf(payload: string): KeysetPosition | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    if (!Array.isArray(parsed) || parsed.length < 2) return undefined
    const [position, ...keys] = parsed as unknown[]
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
      return undefined
    }
    return { position, keys }
  } catch {
    return undefined
  }
}
