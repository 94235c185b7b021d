import fc from 'fast-check'
import { expect, test } from 'vitest'
import { ApiError } from './errors.ts'
import { createOffsetCodec } from './offsets.ts'

const codec = createOffsetCodec({ secret: 'secret-one' })
const query = codec.fingerprint(['tbl', 'view', '{A}', [{ field: 'A' }], 10, 'user:1'])

const typeOf = (run: () => unknown): string | undefined => {
  try {
    run()
    return undefined
  } catch (error) {
    return error instanceof ApiError ? error.type : 'other'
  }
}

test('round trip, Airtable-like shape', () => {
  const offset = codec.encode(query, { position: 300, nextRecordId: 'recAbc' })
  expect(offset).toMatch(/^itr[0-9a-z]+\/recAbc$/)
  expect(codec.decode(query, offset)).toEqual({ position: 300, nextRecordId: 'recAbc' })
})

test('fingerprints differ by query and are stable', () => {
  expect(codec.fingerprint(['a', 1])).toBe(codec.fingerprint(['a', 1]))
  expect(codec.fingerprint(['a', 1])).not.toBe(codec.fingerprint(['a', 2]))
})

test.each([['nonsense'], [''], ['itr/rec'], ['itr0123456789abcdef0123456789/recX/extra']])(
  'garbage %j → INVALID_OFFSET_VALUE',
  (offset) => {
    expect(typeOf(() => codec.decode(query, offset))).toBe('INVALID_OFFSET_VALUE')
  },
)

test('another secret, a changed position or record → INVALID_OFFSET_VALUE', () => {
  const offset = codec.encode(query, { position: 5, nextRecordId: 'recAbc' })
  const other = createOffsetCodec({ secret: 'secret-two' })
  expect(typeOf(() => other.decode(query, offset))).toBe('INVALID_OFFSET_VALUE')
  expect(typeOf(() => codec.decode(query, offset.replace('/recAbc', '/recAbd')))).toBe(
    'INVALID_OFFSET_VALUE',
  )
  expect(typeOf(() => codec.decode(query, offset.replace('5/rec', '6/rec')))).toBe(
    'INVALID_OFFSET_VALUE',
  )
})

test('a valid offset of another query → configurable type', () => {
  const offset = codec.encode(query, { position: 5, nextRecordId: 'recAbc' })
  const otherQuery = codec.fingerprint(['different'])
  expect(typeOf(() => codec.decode(otherQuery, offset))).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE')
  const strict = createOffsetCodec({ secret: 'secret-one', mismatchType: 'INVALID_OFFSET_VALUE' })
  expect(typeOf(() => strict.decode(otherQuery, offset))).toBe('INVALID_OFFSET_VALUE')
})

test('property: any position and record ID round-trip; any other string is refused', () => {
  fc.assert(
    fc.property(
      fc.nat({ max: 10_000_000 }),
      fc.stringMatching(/^rec[A-Za-z0-9]{14}$/),
      fc.string(),
      (position, nextRecordId, junk) => {
        const offset = codec.encode(query, { position, nextRecordId })
        expect(codec.decode(query, offset)).toEqual({ position, nextRecordId })
        if (junk !== offset) expect(typeOf(() => codec.decode(query, junk))).toBeDefined()
      },
    ),
  )
})

test("a strong read's Airtable offset is sealed: it round-trips and does not show", () => {
  const upstream = 'itrAbCdEfGh1234/recSecretNext0001'
  const offset = codec.encodeUpstream(query, upstream)
  expect(offset).toMatch(/^itr[0-9a-f]{20}u[A-Za-z0-9_-]+$/)
  expect(offset).not.toContain('recSecret')
  expect(Buffer.from(offset.slice(24), 'base64url').toString('latin1')).not.toContain('recSecret')
  expect(codec.decodeUpstream(query, offset)).toBe(upstream)
  expect(typeOf(() => codec.decodeUpstream(codec.fingerprint(['other']), offset))).toBe(
    'LIST_RECORDS_ITERATOR_NOT_AVAILABLE',
  )
  expect(typeOf(() => createOffsetCodec({ secret: 'x' }).decodeUpstream(query, offset))).toBe(
    'INVALID_OFFSET_VALUE',
  )
  expect(typeOf(() => codec.decodeUpstream(query, upstream))).toBe('INVALID_OFFSET_VALUE')
  expect(typeOf(() => codec.decode(query, offset))).toBe('INVALID_OFFSET_VALUE')
  const mirror = codec.encode(query, { position: 1, nextRecordId: 'recAbc' })
  expect(typeOf(() => codec.decodeUpstream(query, mirror))).toBe('INVALID_OFFSET_VALUE')
})
