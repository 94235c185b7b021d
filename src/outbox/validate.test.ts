import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Table } from '../protocol/index.ts'
import { validateFields, WriteValidationError } from './validate.ts'

const TABLE: Table = {
  id: 'tblT0000000000001',
  name: 'T',
  primaryFieldId: 'fldName',
  views: [],
  fields: [
    { id: 'fldName', name: 'Name', type: 'singleLineText' },
    { id: 'fldNum', name: 'Num', type: 'number' },
    { id: 'fldPct', name: 'Pct', type: 'percent' },
    { id: 'fldRate', name: 'Rate', type: 'rating', options: { max: 5 } },
    { id: 'fldOk', name: 'Ok', type: 'checkbox' },
    {
      id: 'fldSel',
      name: 'Sel',
      type: 'singleSelect',
      options: { choices: [{ id: 'selA', name: 'A' }] },
    },
    {
      id: 'fldTags',
      name: 'Tags',
      type: 'multipleSelects',
      options: { choices: [{ id: 'selX', name: 'x' }] },
    },
    { id: 'fldDay', name: 'Day', type: 'date' },
    { id: 'fldAt', name: 'At', type: 'dateTime', options: { timeZone: 'Europe/Paris' } },
    { id: 'fldLink', name: 'Link', type: 'multipleRecordLinks' },
    { id: 'fldWho', name: 'Who', type: 'singleCollaborator' },
    { id: 'fldFiles', name: 'Files', type: 'multipleAttachments' },
    { id: 'fldAuto', name: 'Auto', type: 'autoNumber' },
  ],
}

const ok = (fields: Record<string, unknown>, typecast = false): unknown =>
  validateFields(TABLE, fields, { typecast })

const errorOf = (fields: Record<string, unknown>, typecast = false): unknown => {
  try {
    ok(fields, typecast)
  } catch (error) {
    if (error instanceof WriteValidationError) return { type: error.type, message: error.message }
    throw error
  }
  return undefined
}

describe('validateFields', () => {
  test.each([
    [{ Name: 'a' }, { fldName: 'a' }],
    [{ fldName: '' }, { fldName: null }],
    [
      { Num: 3.5, Ok: false },
      { fldNum: 3.5, fldOk: null },
    ],
    [
      { Sel: 'A', Tags: ['x', 'x'] },
      { fldSel: 'A', fldTags: ['x'] },
    ],
    [
      { Day: '2024-02-29', At: '2024-01-01T10:00' },
      { fldDay: '2024-02-29', fldAt: '2024-01-01T09:00:00.000Z' },
    ],
    [
      { Link: ['recA', 'recA'], Name: null },
      { fldLink: ['recA'], fldName: null },
    ],
    [{ Who: { email: 'a@b.c' } }, { fldWho: { email: 'a@b.c' } }],
    [
      { Files: [{ url: 'https://x/y.png?s=1' }] },
      { fldFiles: [{ url: 'https://x/y.png?s=1', filename: 'y.png' }] },
    ],
  ])('accepts %j as %j', (fields, cells) => {
    expect(ok(fields)).toEqual(cells)
  })

  test.each([
    [{ Nope: 1 }, 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'],
    [
      { Auto: null },
      'INVALID_VALUE_FOR_COLUMN',
      'Field "Auto" cannot accept a value because the field is computed',
    ],
    [{ Num: '3' }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Num" cannot accept the provided value'],
    [{ Rate: 6 }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Rate" cannot accept the provided value'],
    [{ Ok: 'yes' }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Ok" cannot accept the provided value'],
    [
      { Sel: 'B' },
      'INVALID_MULTIPLE_CHOICE_OPTIONS',
      'Insufficient permissions to create new select option ""B""',
    ],
    [
      { Day: '2023-02-29' },
      'INVALID_VALUE_FOR_COLUMN',
      'Field "Day" cannot accept the provided value',
    ],
    [{ Link: 'recA' }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Link" cannot accept the provided value'],
    [
      { Who: 'someone' },
      'INVALID_VALUE_FOR_COLUMN',
      'Field "Who" cannot accept the provided value',
    ],
  ])('refuses %j: %s', (fields, type, message) => {
    expect(errorOf(fields)).toEqual({ type, message })
  })

  test.each([
    [
      { Num: '1,234.5', Pct: '50%' },
      { fldNum: 1234.5, fldPct: 0.5 },
    ],
    [
      { Ok: 'yes', Sel: ' B ', Tags: 'x, y' },
      { fldOk: true, fldSel: 'B', fldTags: ['x', 'y'] },
    ],
    [
      { Name: 12, Who: 'a@b.c' },
      { fldName: '12', fldWho: { email: 'a@b.c' } },
    ],
    [{ Link: 'recA, Some name' }, { fldLink: ['recA', 'Some name'] }],
  ])('typecast accepts %j as %j', (fields, cells) => {
    expect(ok(fields, true)).toEqual(cells)
  })

  test('hidden fields are unknown', () => {
    expect(() =>
      validateFields(TABLE, { Num: 1 }, { typecast: false, isKnown: (f) => f.id !== 'fldNum' }),
    ).toThrow('Unknown field name: "Num"')
  })

  test('any text is a valid text cell and round-trips; any non-string is refused', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (text) => {
        expect(ok({ Name: text })).toEqual({ fldName: text })
        expect(ok({ fldName: text }, true)).toEqual({ fldName: text })
      }),
    )
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.boolean(), fc.object()), (value) => {
        expect(errorOf({ Name: value })).toMatchObject({ type: 'INVALID_VALUE_FOR_COLUMN' })
      }),
    )
  })
})
