import { expect, test } from 'vitest'
import { parseFormula } from '../formula/index.ts'
import type { Table } from '../protocol/schema.ts'
import { keyedFieldsOf } from './keyed-fields.ts'

const TABLE: Table = {
  id: 'tblSessions',
  name: 'Sessions',
  primaryFieldId: 'fldRef',
  fields: [
    { id: 'fldRef', name: 'Ref', type: 'singleLineText' },
    {
      id: 'fldMail',
      name: 'Member Email',
      type: 'multipleLookupValues',
      options: { result: { type: 'email' } },
    },
    {
      id: 'fldNums',
      name: 'Amounts',
      type: 'multipleLookupValues',
      options: { result: { type: 'number' } },
    },
    { id: 'fldStatus', name: 'Status', type: 'singleSelect', options: { choices: [] } },
    { id: 'fldDone', name: 'Done', type: 'checkbox', options: {} },
  ],
  views: [],
}

test.each([
  ['{Member Email} = USER_EMAIL()', [{ fieldId: 'fldMail', kind: 'list' }]],
  ['AND({Status} = "Active", {Done})', [{ fieldId: 'fldStatus', kind: 'text' }]],
  [
    'OR("x" = {Ref}, {Ref} = USER_CLAIM("team"))',
    [
      { fieldId: 'fldRef', kind: 'text' },
      { fieldId: 'fldRef', kind: 'text' },
    ],
  ],
  ['{Amounts} = "3"', []],
  ['{Done}', []],
  ['{Ref} = {Status}', []],
  ['FIND(USER_EMAIL(), ARRAYJOIN({Member Email}))', []],
])('%s keys %j', (formula, keys) => {
  const found = keyedFieldsOf(TABLE, parseFormula(formula))
  expect(found).toEqual(keys.map((k) => ({ tableId: 'tblSessions', ...k })))
})
