/**
 * Test fixtures for state/ tests: a small two-table base (People ↔ Sessions) with every kind of
 * field, on a manual clock, plus helpers to catch EmulatorErrors and collect transactions.
 */
import { ManualClock } from '../../shared/index.ts'
import { EmulatedBase } from './base.ts'
import type { BaseBehaviour } from './model.ts'
import type { BaseTransaction, StoredRecord, WriteOptions } from './types.ts'
import { EmulatorError } from './types.ts'

/** Options for API writes in tests. */
export const API: WriteOptions = { source: 'publicApi' }

/** A base with People and Sessions, linked both ways, with computed fields on both sides. */
export function makeBase(behaviour: Partial<BaseBehaviour> = {}): {
  base: EmulatedBase
  clock: ManualClock
  transactions: BaseTransaction[]
} {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0))
  const base = new EmulatedBase({ id: 'appTestBase000001', name: 'Test', clock, behaviour })
  base.createTable(
    {
      id: 'tblPeople00000001',
      name: 'People',
      fields: [
        { id: 'fldName0000000001', name: 'Name', type: 'singleLineText' },
        { name: 'Email', type: 'email' },
        { name: 'Age', type: 'number', options: { precision: 0 } },
        { name: 'Active', type: 'checkbox' },
        {
          name: 'Status',
          type: 'singleSelect',
          options: { choices: [{ name: 'Pending' }, { name: 'Verified' }, { name: 'Rejected' }] },
        },
        { name: 'Tags', type: 'multipleSelects', options: { choices: ['a', 'b', 'c'] } },
        { name: 'Born', type: 'date' },
        { name: 'Seen', type: 'dateTime', options: { timeZone: 'America/New_York' } },
        { name: 'Score', type: 'percent', options: { precision: 0 } },
        { name: 'Notes', type: 'multilineText' },
      ],
    },
    API,
  )
  base.createTable(
    {
      id: 'tblSessions000001',
      name: 'Sessions',
      fields: [
        { name: 'Ref', type: 'singleLineText' },
        {
          name: 'Person',
          type: 'multipleRecordLinks',
          options: { linkedTableId: 'tblPeople00000001', inverseLinkFieldName: 'Sessions' },
        },
        { name: 'Amount', type: 'currency', options: { precision: 2, symbol: '$' } },
        { name: 'When', type: 'dateTime', options: { timeZone: 'utc' } },
        {
          name: 'Person Name',
          type: 'multipleLookupValues',
          options: { recordLinkFieldId: 'Person', fieldIdInLinkedTable: 'Name' },
        },
        { name: 'Created', type: 'createdTime' },
        { name: 'Modified', type: 'lastModifiedTime' },
        { name: 'No', type: 'autoNumber' },
      ],
    },
    API,
  )
  base.createField(
    'People',
    { name: 'Session Count', type: 'count', options: { recordLinkFieldId: 'Sessions' } },
    API,
  )
  base.createField(
    'People',
    {
      name: 'Total',
      type: 'rollup',
      options: {
        recordLinkFieldId: 'Sessions',
        fieldIdInLinkedTable: 'Amount',
        aggregation: 'SUM(values)',
      },
    },
    API,
  )
  base.createField(
    'People',
    { name: 'Label', type: 'formula', options: { formula: '{Name} & " (" & {Age} & ")"' } },
    API,
  )
  const transactions: BaseTransaction[] = []
  base.subscribe((tx) => transactions.push(tx))
  return { base, clock, transactions }
}

/** The EmulatorError `run` throws (fails the test if it throws nothing or something else). */
export function errorOf(run: () => unknown): EmulatorError {
  try {
    run()
  } catch (error) {
    if (error instanceof EmulatorError) return error
    throw error
  }
  throw new Error('expected an EmulatorError, nothing was thrown')
}

/** A record's cells keyed by field name (for readable assertions). */
export function byName(
  base: EmulatedBase,
  table: string,
  record: StoredRecord,
): Record<string, unknown> {
  return base.renderer(table)(record).fields
}
