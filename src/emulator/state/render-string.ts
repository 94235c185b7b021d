/**
 * `cellFormat=string` in the emulator: the shared rendering (src/formula/cells, also used by the
 * API over the mirror) with linked records' primary cells read from the emulator's own tables.
 */
import {
  cellToString as renderCell,
  type LinkedPrimaries,
  type StringFormat,
} from '../../formula/index.ts'
import type { Field } from '../../protocol/index.ts'
import type { Model } from './model.ts'

export type { StringFormat } from '../../formula/index.ts'

/** The model's tables as the shared cell helpers read linked records. */
export function linkedPrimaries(model: Model): LinkedPrimaries {
  return {
    primaryField: (tableId) => model.tableById(tableId)?.primaryField,
    primaryCell: (tableId, recordId) => {
      const table = model.tableById(tableId)
      return table?.records.get(recordId)?.cells[table.primaryField.id]
    },
  }
}

/** The text of one non-empty cell. */
export function cellToString(
  model: Model,
  target: { field: Field; cell: unknown },
  format: StringFormat,
): string {
  return renderCell(linkedPrimaries(model), target, format)
}
