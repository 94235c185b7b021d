/** REST cells ↔ formula values for every field type (airtable-formula.md §3). */
import { describe, expect, test } from 'vitest'
import { cellToFormulaValue, formulaValueToCell } from './cells.ts'
import { comparable, D } from './testing.ts'
import type { CellContext, FormulaField, FormulaValue } from './types.ts'

const context: CellContext = {
  linkedPrimaryText: (tableId, recordId) => `${tableId}:${recordId.slice(3)}`,
}
const field = (type: string, options?: FormulaField['options']): FormulaField =>
  options === undefined ? { type } : { type, options }

describe('cellToFormulaValue', () => {
  test.each<[string, FormulaField, unknown, FormulaValue]>([
    ['singleLineText', field('singleLineText'), 'Ada', 'Ada'],
    ['multilineText', field('multilineText'), 'a\nb', 'a\nb'],
    ['richText (markdown)', field('richText'), '**b**', '**b**'],
    ['email', field('email'), 'a@b.test', 'a@b.test'],
    ['url', field('url'), 'https://x.test', 'https://x.test'],
    ['phoneNumber', field('phoneNumber'), '+1 555', '+1 555'],
    ['number', field('number'), 42, 42],
    ['percent is the fraction', field('percent'), 0.5, 0.5],
    ['currency', field('currency'), 9.99, 9.99],
    ['rating', field('rating'), 4, 4],
    ['duration in seconds', field('duration'), 3600, 3600],
    ['autoNumber', field('autoNumber'), 7, 7],
    ['count', field('count'), 3, 3],
    ['checkbox checked', field('checkbox'), true, true],
    ['checkbox unchecked is blank', field('checkbox'), false, null],
    ['singleSelect', field('singleSelect'), 'Paid', 'Paid'],
    ['multipleSelects in cell order', field('multipleSelects'), ['Red', 'Blue'], ['Red', 'Blue']],
    [
      'singleCollaborator',
      field('singleCollaborator'),
      { id: 'usr1', email: 'e@x', name: 'Eve' },
      'Eve',
    ],
    [
      'multipleCollaborators',
      field('multipleCollaborators'),
      [{ name: 'A' }, { email: 'b@x' }],
      ['A', 'b@x'],
    ],
    ['createdBy', field('createdBy'), { id: 'usr1', name: 'Ops' }, 'Ops'],
    ['lastModifiedBy', field('lastModifiedBy'), { id: 'usr1', name: 'Ops' }, 'Ops'],
    [
      'links read as primary text, never ids',
      field('multipleRecordLinks', { linkedTableId: 'tblHosts' }),
      ['recA', 'recB'],
      ['tblHosts:A', 'tblHosts:B'],
    ],
    ['date at UTC midnight', field('date'), '2024-03-15', D('2024-03-15')],
    ['dateTime', field('dateTime'), '2024-03-15T12:30:00.000Z', D('2024-03-15T12:30:00Z')],
    ['createdTime', field('createdTime'), '2024-01-01T00:00:00.000Z', D('2024-01-01')],
    ['lastModifiedTime', field('lastModifiedTime'), '2024-02-01T00:00:00.000Z', D('2024-02-01')],
    ['formula number', field('formula', { result: { type: 'number' } }), 3, 3],
    ['formula date', field('formula', { result: { type: 'date' } }), '2024-03-15', D('2024-03-15')],
    [
      'formula error',
      field('formula'),
      { error: '#ERROR!' },
      { kind: 'error', message: '#ERROR!' },
    ],
    ['formula NaN', field('formula'), { specialValue: 'NaN' }, NaN],
    ['rollup', field('rollup', { result: { type: 'number' } }), 10, 10],
    [
      'lookup of dates',
      field('multipleLookupValues', { result: { type: 'dateTime' } }),
      ['2024-03-15T00:00:00.000Z'],
      [D('2024-03-15')],
    ],
    ['lookup of text', field('multipleLookupValues'), ['a', 'b'], ['a', 'b']],
    [
      'attachments as file names',
      field('multipleAttachments'),
      [{ id: 'att1', url: 'u', filename: 'p.png' }],
      ['p.png'],
    ],
    ['barcode', field('barcode'), { text: '123', type: 'ean' }, '123'],
    ['button', field('button'), { label: 'Open', url: 'u' }, 'Open'],
    ['empty cell is blank', field('number'), undefined, null],
    ['wrong shape is blank', field('number'), 'NaN?', null],
    ['unknown type passes text', field('aiText'), 'x', 'x'],
  ])('%s', (...[, f, cell, expected]) => {
    expect(comparable(cellToFormulaValue(f, cell, context))).toEqual(comparable(expected))
  })
})

describe('formulaValueToCell', () => {
  test.each<[string, FormulaValue, unknown]>([
    ['number', 3.5, 3.5],
    ['zero stays', 0, 0],
    ['text', 'x', 'x'],
    ['true', true, true],
    ['false is omitted', false, undefined],
    ['blank is omitted', null, undefined],
    ['empty text is omitted', '', undefined],
    ['empty array is omitted', [], undefined],
    ['NaN', NaN, { specialValue: 'NaN' }],
    ['error', { kind: 'error', message: 'x' }, { error: '#ERROR!' }],
    ['datetime as ISO', D('2024-03-15'), '2024-03-15T00:00:00.000Z'],
    ['array', [1, 'a', null], [1, 'a', null]],
  ])('%s', (_, value, cell) => {
    expect(formulaValueToCell(value)).toEqual(cell)
  })

  test('a computed cell reads back as the value it was written from', () => {
    const f = field('formula', { result: { type: 'dateTime' } })
    for (const value of [3, 'x', true, D('2024-03-15T01:02:03Z'), NaN, [1, 2]]) {
      const back = cellToFormulaValue(f, formulaValueToCell(value), context)
      expect(comparable(back)).toEqual(comparable(value))
    }
  })
})
