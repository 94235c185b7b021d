import { describe, expect, test } from 'vitest'
import {
  readBatchUpdateBody,
  readCreateBody,
  readDeleteIds,
  readSingleUpdateBody,
  WriteBodyError,
  type WriteBodyRules,
} from './write-body.ts'

const AIRTABLE: WriteBodyRules = { maxRecords: 10 }
const API: WriteBodyRules = { baseFields: true }

function refusal(read: () => unknown): { type: string; message: string; status: number } {
  try {
    read()
  } catch (error) {
    if (!(error instanceof WriteBodyError)) throw error
    return { type: error.type, message: error.message, status: error.status }
  }
  throw new Error('accepted')
}

const records = (n: number) => Array.from({ length: n }, () => ({ fields: {} }))

describe.each([
  ['airtable', AIRTABLE],
  ['api', API],
])('%s rules', (_name, rules) => {
  test.each([
    [
      [],
      'INVALID_REQUEST_UNKNOWN',
      'Invalid request: parameter validation failed. Check your request data.',
    ],
    [{}, 'INVALID_REQUEST_MISSING_FIELDS', 'Could not find field "fields" in the request body'],
    [{ fields: [] }, 'INVALID_REQUEST_UNKNOWN', 'Invalid request: "fields" must be an object'],
    [
      { fields: {}, typecast: 'yes' },
      'INVALID_REQUEST_UNKNOWN',
      'Invalid request: typecast must be a boolean',
    ],
    [{ records: {} }, 'INVALID_REQUEST_UNKNOWN', 'Invalid request: "records" must be an array'],
    [{ records: [] }, 'INVALID_RECORDS', 'No records provided'],
    [
      { records: [{ fields: {}, id: 1 }] },
      'INVALID_REQUEST_UNKNOWN',
      'Invalid request: "id" must be a string',
    ],
  ])('create %j: 422 %s', (body, type, message) => {
    expect(refusal(() => readCreateBody(body, rules))).toEqual({ type, message, status: 422 })
  })

  test.each([
    [
      { records: [{ fields: {} }] },
      'INVALID_REQUEST_MISSING_FIELDS',
      'Could not find field "id" in the request body',
    ],
    [{}, 'INVALID_REQUEST_MISSING_FIELDS', 'Could not find field "records" in the request body'],
    [
      { records: [], performUpsert: { fieldsToMergeOn: [] } },
      'INVALID_REQUEST_UNKNOWN',
      'Invalid request: performUpsert.fieldsToMergeOn must list 1 to 3 fields',
    ],
    [
      { records: [{ id: 'rec1', fields: {} }], returnFieldsByFieldId: 2 },
      'INVALID_REQUEST_UNKNOWN',
      'Invalid request: returnFieldsByFieldId must be a boolean',
    ],
  ])('batch update %j: 422 %s', (body, type, message) => {
    expect(refusal(() => readBatchUpdateBody(body, rules))).toEqual({ type, message, status: 422 })
  })

  test('options read 1/0 as booleans; an upsert needs no IDs', () => {
    const body = {
      records: [{ fields: { A: 1 } }],
      typecast: 1,
      performUpsert: { fieldsToMergeOn: ['A'] },
    }
    expect(readBatchUpdateBody(body, rules)).toEqual({
      typecast: true,
      returnFieldsByFieldId: false,
      records: [{ fields: { A: 1 } }],
      fieldsToMergeOn: ['A'],
    })
  })

  test('a delete names at least one record', () => {
    expect(refusal(() => readDeleteIds(new URLSearchParams(), rules)).type).toBe(
      'INVALID_REQUEST_MISSING_FIELDS',
    )
    expect(readDeleteIds(new URLSearchParams('records[]=rec1&records=rec2'), rules)).toEqual([
      'rec1',
      'rec2',
    ])
  })
})

describe('where the rules differ', () => {
  test('Airtable refuses 11 records with its message, before looking at them; the API takes them', () => {
    const eleven = [...records(10), 'not a record']
    expect(refusal(() => readCreateBody({ records: eleven }, AIRTABLE))).toEqual({
      type: 'INVALID_RECORDS',
      message: 'A maximum of 10 records can be created per request but you have provided 11.',
      status: 422,
    })
    expect(refusal(() => readBatchUpdateBody({ records: eleven }, AIRTABLE)).message).toBe(
      'A maximum of 10 records can be updated per request but you have provided 11.',
    )
    const ids = new URLSearchParams(
      records(11)
        .map((_, i) => `records[]=rec${i}`)
        .join('&'),
    )
    expect(refusal(() => readDeleteIds(ids, AIRTABLE)).message).toBe(
      'A maximum of 10 records can be deleted per request but you have provided 11.',
    )
    expect(readCreateBody({ records: records(11) }, API).records).toHaveLength(11)
    expect(readDeleteIds(ids, API)).toHaveLength(11)
  })

  test('the API keeps baseFields (single and batch); Airtable ignores them like any unknown key', () => {
    const base = { A: 'old' }
    const single = { fields: { A: 'new' }, baseFields: base }
    expect(readCreateBody(single, API).records).toEqual([
      { fields: { A: 'new' }, baseFields: base },
    ])
    expect(readCreateBody(single, AIRTABLE).records).toEqual([{ fields: { A: 'new' } }])
    expect(readSingleUpdateBody(single, 'rec1', API).record).toEqual({
      id: 'rec1',
      fields: { A: 'new' },
      baseFields: base,
    })
    expect(readSingleUpdateBody(single, 'rec1', AIRTABLE).record).toEqual({
      id: 'rec1',
      fields: { A: 'new' },
    })
    const batch = { records: [{ id: 'rec1', ...single }] }
    expect(readBatchUpdateBody(batch, API).records).toEqual([{ id: 'rec1', ...single }])
    expect(readBatchUpdateBody(batch, AIRTABLE).records).toEqual([
      { id: 'rec1', fields: { A: 'new' } },
    ])
  })
})
