/**
 * Record functions (airtable-formula.md §9.6): the record's id and times, from the FormulaRecord
 * the caller supplies. LAST_MODIFIED_TIME takes field references, passed by name.
 */
import { dateTime } from '../values.ts'
import { eager, type FormulaFunction } from './registry.ts'

export const RECORD_FUNCTIONS: readonly FormulaFunction[] = [
  eager('RECORD_ID', [0, 0], (_, context) => context.record.id),
  eager('CREATED_TIME', [0, 0], (_, context) => dateTime(context.record.createdTimeMs)),
  {
    kind: 'fields',
    name: 'LAST_MODIFIED_TIME',
    minArgs: 0,
    maxArgs: Infinity,
    call: (names, context) => {
      const ms = context.record.lastModifiedTimeMs(names.length === 0 ? undefined : names)
      return ms === null ? null : dateTime(ms)
    },
  },
]
