/**
 * Record order for `sort` and view sorts in the emulator: the shared order (src/formula/cells,
 * which the API's JS path and its SQL compiler reproduce) over the emulator's stored records.
 */
import { sortByCells, type ResolvedSort } from '../../formula/index.ts'
import type { Field, SortSpec } from '../../protocol/index.ts'
import type { Model } from './model.ts'
import { linkedPrimaries } from './render-string.ts'
import type { TableState } from './table-state.ts'
import type { StoredRecord } from './types.ts'

export type { ResolvedSort } from '../../formula/index.ts'

/** Sorts `records` per `specs` (already resolved to fields); a new array, stable. */
export function sortRecords(
  model: Model,
  records: StoredRecord[],
  specs: readonly ResolvedSort[],
): StoredRecord[] {
  if (specs.length === 0) return records
  return sortByCells(records, specs, {
    cell: (record, fieldId) => record.cells[fieldId],
    links: linkedPrimaries(model),
  })
}

/** Turns spec field names/IDs into fields; `{unknown}` names the first unknown one. */
export function resolveSort(
  table: TableState,
  specs: readonly SortSpec[],
): ResolvedSort<Field>[] | { unknown: string } {
  const result: ResolvedSort<Field>[] = []
  for (const spec of specs) {
    const field = table.field(spec.field)
    if (!field) return { unknown: spec.field }
    result.push({ field, descending: spec.direction === 'desc' })
  }
  return result
}
