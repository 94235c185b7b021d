/**
 * The JS sort of the read path: Airtable's record order (src/formula/cells/sort.ts, the same code
 * the emulator sorts with) over mirror records, linked primary cells read from {@link LinkedCells}.
 * Used when the sort cannot run in SQL (src/formula/compile-sort.ts says which) or the filter
 * leaves a JS residual; ties keep the input order, which the caller makes creation order.
 */
import { sortByCells, type ResolvedSort as CellSort } from '../formula/index.ts'
import type { Field } from '../protocol/index.ts'
import type { MirrorRecord } from '../store/index.ts'
import type { LinkedCells } from './links.ts'

/** A sort resolved to a field of the table. */
export type ResolvedSort = CellSort<Field>

/** Returns `records` sorted per `specs` (a new array; stable). */
export function sortRecords(
  records: readonly MirrorRecord[],
  specs: readonly ResolvedSort[],
  linked: LinkedCells,
): MirrorRecord[] {
  return sortByCells(records, specs, {
    cell: (record, fieldId) => record.fields[fieldId],
    links: linked,
  })
}
