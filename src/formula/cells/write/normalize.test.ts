import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CellWriteError } from './errors.ts'
import { normalizeCell } from './normalize.ts'
import type { WritableField } from '../types.ts'

const SELECT: WritableField = {
  id: 'fldSel',
  name: 'Sel',
  type: 'multipleSelects',
  options: { choices: [{ name: 'a' }] },
}
const LINK: WritableField = { id: 'fldLink', name: 'Link', type: 'multipleRecordLinks' }
const DAY: WritableField = { id: 'fldDay', name: 'Day', type: 'date' }
const AT: WritableField = {
  id: 'fldAt',
  name: 'At',
  type: 'dateTime',
  options: { timeZone: 'Europe/Paris' },
}

describe('normalizeCell hooks', () => {
  test('typecast reports each option to create, in order; without typecast it is a 422', () => {
    const created: string[] = []
    const cell = normalizeCell(SELECT, 'b, a, c', {
      typecast: true,
      onNewChoice: (name) => created.push(name),
    })
    expect({ cell, created }).toEqual({ cell: ['b', 'a', 'c'], created: ['b', 'c'] })
    expect(() => normalizeCell(SELECT, ['b'], { typecast: false })).toThrow(
      new CellWriteError(
        'INVALID_MULTIPLE_CHOICE_OPTIONS',
        'Insufficient permissions to create new select option ""b""',
      ),
    )
  })

  test('link items go through resolveLink after the shape check, then are deduplicated', () => {
    const resolveLink = (item: string): string => (item === 'Ada' ? 'recAda' : item)
    expect(normalizeCell(LINK, 'Ada, recAda', { typecast: true, resolveLink })).toEqual(['recAda'])
    expect(normalizeCell(LINK, ['Ada'], { typecast: false })).toEqual(['Ada'])
    expect(() => normalizeCell(LINK, ['recA', 3], { typecast: false, resolveLink })).toThrow(
      'Field "Link" cannot accept the provided value',
    )
  })
})

describe('dates', () => {
  test('every real calendar day round-trips; a zone-less time is read in the field zone', () => {
    const days = fc.date({
      noInvalidDate: true,
      min: new Date(0),
      max: new Date(Date.UTC(9999, 0)),
    })
    fc.assert(
      fc.property(days, (date) => {
        const day = date.toISOString().slice(0, 10)
        expect(normalizeCell(DAY, day, { typecast: false })).toBe(day)
        expect(normalizeCell(AT, date.toISOString(), { typecast: false })).toBe(date.toISOString())
      }),
    )
    expect(normalizeCell(AT, '2024-07-01 10:00', { typecast: false })).toBe(
      '2024-07-01T08:00:00.000Z',
    )
  })
})
