/**
 * The SSE stream under the same policy as reads (issue 5): a principal is sent a change only
 * about rows their row filter admits, with only their readable cells. A row that leaves their
 * view (deleted, or changed so the filter no longer admits it) is sent as a removal, so their
 * cache drops it; a row they never saw is never mentioned, deletions included.
 */
import type { FormulaRecord } from '../formula/index.ts'
import { findField } from '../protocol/schema.ts'
import type { TableAccess } from './access.ts'
import { rowMatches } from './match.ts'

/** What to send a principal about one record change. */
export type ChangeDelivery =
  /** Send the record (through projectFields). */
  | 'upsert'
  /** Send a deletion: the principal saw the row, and no longer may (or it is gone). */
  | 'remove'
  /** Send nothing. */
  | 'skip'

export interface RecordChange {
  /** The record before the change; null for a create. */
  before: FormulaRecord | null
  /** The record after the change; null for a delete. */
  after: FormulaRecord | null
  /**
   * Field IDs or names whose cells changed; when given and none is readable, an update the
   * principal could already see is skipped (it would only tell them a hidden cell changed).
   */
  changedFields?: readonly string[]
}

/** Decides what a principal is sent about a change. */
export function deliverChange(
  access: TableAccess,
  change: RecordChange,
  options: { nowMs: number },
): ChangeDelivery {
  if (!access.canRead) return 'skip'
  const sawBefore = rowMatches(access.rowFilter, change.before, options.nowMs)
  const seesAfter = rowMatches(access.rowFilter, change.after, options.nowMs)
  if (seesAfter) {
    if (
      sawBefore &&
      change.changedFields !== undefined &&
      !touchesReadable(access, change.changedFields)
    ) {
      return 'skip'
    }
    return 'upsert'
  }
  return sawBefore ? 'remove' : 'skip'
}

function touchesReadable(access: TableAccess, fields: readonly string[]): boolean {
  const readable = access.readableFieldIds
  if (readable === 'all') return fields.length > 0
  return fields.some((name) => {
    const field = findField(access.table, name)
    return field !== undefined && readable.has(field.id)
  })
}
