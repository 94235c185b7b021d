/**
 * A small base for the HTTP layer's tests (seed/ builds the real ones): a Tasks table with text,
 * number, select, checkbox, a formula, and links to People; a view "Open" (not done, by priority).
 */
import type { Clock } from '../shared/clock.ts'
import { EmulatedBase } from './state/index.ts'

export const TEST_BASE_ID = 'appTestBase000001'

export interface TestBaseOptions {
  clock?: Clock
  /** Number of Tasks rows. @default 0 */
  rows?: number
}

/** Builds the test base; rows are `Task 1…n` with Priority n % 5 and Done on every third. */
export function buildTestBase(options: TestBaseOptions = {}): EmulatedBase {
  const base = new EmulatedBase({
    id: TEST_BASE_ID,
    name: 'Test base',
    ...(options.clock !== undefined && { clock: options.clock }),
  })
  const by = { source: 'system' as const }
  const people = base.createTable(
    {
      name: 'People',
      fields: [
        { name: 'Name', type: 'singleLineText' },
        { name: 'Email', type: 'email' },
      ],
    },
    by,
  )
  base.createTable(
    {
      name: 'Tasks',
      fields: [
        { name: 'Name', type: 'singleLineText' },
        { name: 'Priority', type: 'number', options: { precision: 0 } },
        {
          name: 'Status',
          type: 'singleSelect',
          options: { choices: [{ name: 'Todo' }, { name: 'Doing' }, { name: 'Done' }] },
        },
        { name: 'Done', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
        { name: 'Notes', type: 'multilineText' },
        { name: 'Owner', type: 'multipleRecordLinks', options: { linkedTableId: people.id } },
      ],
    },
    by,
  )
  base.createField(
    'Tasks',
    { name: 'Label', type: 'formula', options: { formula: "{Name} & ' (' & {Priority} & ')'" } },
    by,
  )
  base.addView('Tasks', {
    name: 'Open',
    filterByFormula: 'NOT({Done})',
    sort: [{ field: 'Priority', direction: 'desc' }],
  })
  const rows = options.rows ?? 0
  for (let start = 0; start < rows; start += 100) {
    const inputs = Array.from({ length: Math.min(100, rows - start) }, (_, k) => {
      const i = start + k + 1
      return {
        fields: {
          Name: `Task ${i}`,
          Priority: i % 5,
          Status: i % 3 === 0 ? 'Done' : 'Todo',
          Done: i % 3 === 0,
        },
      }
    })
    base.create('Tasks', inputs, by)
  }
  return base
}
