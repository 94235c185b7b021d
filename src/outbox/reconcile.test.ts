import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  evaluate,
  isTruthy,
  parseFormula,
  type FormulaRecord,
  type FormulaValue,
} from '../formula/index.ts'
import type { AirtableRecord, Field } from '../protocol/index.ts'
import {
  buildReconcileSearch,
  decideReconcile,
  formulaFieldName,
  formulaString,
  storedEqual,
} from './reconcile.ts'

const NOW = Date.UTC(2024, 2, 15, 12)

function recordOf(values: Record<string, FormulaValue>, createdTimeMs = NOW): FormulaRecord {
  return {
    id: 'recTEST0000000001',
    createdTimeMs,
    field: (name) => values[name] ?? null,
    lastModifiedTimeMs: () => null,
  }
}
const run = (formula: string, record: FormulaRecord = recordOf({})): FormulaValue =>
  evaluate(parseFormula(formula), { record, nowMs: NOW })

describe('formula literals', () => {
  test.each([
    '',
    'plain',
    'say "hi"',
    "it's",
    'back\\slash',
    '\\"',
    'a\\nb',
    'new\nline',
    '") & TRUE() & ("',
  ])('formulaString(%j) evaluates to itself', (text) => {
    expect(run(formulaString(text))).toBe(text)
  })

  test('property: any string round-trips through parseFormula and evaluate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 60 }), (text) => {
        expect(run(formulaString(text))).toBe(text)
      }),
      { numRuns: 300 },
    )
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(run(formulaString(text))).toBe(text)
      }),
      { numRuns: 300 },
    )
  })

  test('property: any field name round-trips as a braced reference', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), (name) => {
        expect(run(formulaFieldName(name), recordOf({ [name]: 'found' }))).toBe('found')
      }),
      { numRuns: 500 },
    )
  })
})

const schema: Field[] = [
  { id: 'fldName', name: 'Full "Name"', type: 'singleLineText' },
  { id: 'fldKind', name: 'Kind {x}', type: 'singleSelect' },
  { id: 'fldCount', name: 'Count', type: 'number' },
  { id: 'fldDone', name: 'Done', type: 'checkbox' },
  { id: 'fldWhen', name: 'When', type: 'dateTime' },
  { id: 'fldTags', name: 'Tags', type: 'multipleSelects' },
]

describe('buildReconcileSearch', () => {
  test('time bound plus the values Airtable stores verbatim; others left to the check', () => {
    const search = buildReconcileSearch({
      fields: {
        fldName: 'Ann',
        fldKind: 'A',
        fldCount: 3,
        fldDone: true,
        fldWhen: '2024-03-15T10:00:00Z',
        fldTags: ['x'],
      },
      schema,
      firstSentAtMs: NOW,
      clockSlackMs: 60_000,
    })
    expect(search).toEqual({
      filterByFormula:
        'AND(IS_AFTER(CREATED_TIME(), DATETIME_PARSE("2024-03-15T11:59:00.000Z")), {Full "Name"} = "Ann", {Kind {x\\}} = "A", {Count} = 3, {Done})',
      returnFieldsByFieldId: true,
      sinceMs: NOW - 60_000,
    })
  })

  test('typecast creates filter on time only (values may have been converted)', () => {
    const search = buildReconcileSearch({
      fields: { fldName: 'Ann' },
      schema,
      firstSentAtMs: NOW,
      typecast: true,
    })
    expect(search.filterByFormula).toBe(
      'AND(IS_AFTER(CREATED_TIME(), DATETIME_PARSE("2024-03-15T11:55:00.000Z")))',
    )
  })

  test('property: the filter admits exactly the records with the written text, created after', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (written, other) => {
          const { filterByFormula } = buildReconcileSearch({
            fields: { fldName: written },
            schema,
            firstSentAtMs: NOW,
          })
          const matches = (value: string, createdTimeMs: number): boolean =>
            isTruthy(run(filterByFormula, recordOf({ 'Full "Name"': value }, createdTimeMs)))
          expect(matches(written, NOW + 1000)).toBe(true)
          expect(matches(written, NOW - 3_600_000)).toBe(false)
          if (other !== written) expect(matches(other, NOW + 1000)).toBe(false)
        },
      ),
      { numRuns: 500 },
    )
  })
})

function candidate(
  id: string,
  createdTimeMs: number,
  fields: AirtableRecord['fields'],
): AirtableRecord {
  return { id, createdTime: new Date(createdTimeMs).toISOString(), fields }
}

describe('decideReconcile', () => {
  const fields = { fldName: 'Ann', fldWhen: '2024-03-15T10:00:00Z', fldTags: ['x', 'y'] }
  const same = { fldName: 'Ann', fldWhen: '2024-03-15T10:00:00.000Z', fldTags: ['y', 'x'] }
  const decide = (candidates: AirtableRecord[], claimed: string[] = []) =>
    decideReconcile({
      candidates,
      fields,
      schema,
      sinceMs: NOW,
      claimedRecordIds: new Set(claimed),
    })

  test('no candidate: send again', () => {
    expect(decide([])).toEqual({ action: 'resend' })
  })

  test('one match, normalised the way Airtable stores it: adopt', () => {
    expect(decide([candidate('recA', NOW + 10, same)])).toEqual({
      action: 'adopt',
      recordId: 'recA',
      duplicates: [],
    })
  })

  test('different values, or created before the first attempt: not ours', () => {
    expect(decide([candidate('recA', NOW + 10, { ...same, fldName: 'Bob' })])).toEqual({
      action: 'resend',
    })
    expect(decide([candidate('recA', NOW - 10, same)])).toEqual({ action: 'resend' })
  })

  test('several: the oldest, the rest reported; one already adopted is skipped', () => {
    const list = [
      candidate('recB', NOW + 20, same),
      candidate('recA', NOW + 10, same),
      candidate('recC', NOW + 30, same),
    ]
    expect(decide(list)).toEqual({
      action: 'adopt',
      recordId: 'recA',
      duplicates: ['recB', 'recC'],
    })
    expect(decide(list, ['recA'])).toEqual({
      action: 'adopt',
      recordId: 'recB',
      duplicates: ['recC'],
    })
  })
})

test.each<[string, unknown, unknown, boolean]>([
  ['date', '2024-03-15', '2024-03-15', true],
  ['dateTime', '2024-03-15T10:00:00Z', '2024-03-15T10:00:00.000Z', true],
  ['number', 0.1 + 0.2, 0.3, true],
  ['number', 1, 2, false],
  ['multipleRecordLinks', ['rec1', 'rec2'], ['rec2', 'rec1'], true],
  [
    'multipleAttachments',
    [{ url: 'https://x/a.png' }],
    [{ id: 'att1', url: 'https://dl/a.png' }],
    true,
  ],
  ['singleCollaborator', { email: 'A@b.co' }, { id: 'usr1', email: 'a@b.co' }, true],
  ['multipleCollaborators', [{ id: 'usr1' }], [{ id: 'usr2' }], false],
  ['singleLineText', 'a', 'a ', false],
  ['checkbox', false, undefined, true],
])('storedEqual(%s, %j, %j) is %s', (...[type, written, stored, equal]) => {
  expect(storedEqual(type, written, stored)).toBe(equal)
})
