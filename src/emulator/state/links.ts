/**
 * Link symmetry (airtable-api.md §5 notes, §9.11): a link field with `inverseLinkFieldId` has a
 * twin in the linked table, and the two always agree: A.link contains B exactly when B.inverse
 * contains A. Writes call `syncInverse` after changing a link cell; deletes call `unlinkRecord`
 * so no cell anywhere keeps pointing at a destroyed record.
 */
import { linkIds } from '../../formula/index.ts'
import type { Field } from '../../protocol/index.ts'
import type { Model } from './model.ts'
import type { TableState } from './table-state.ts'
import type { Tx } from './transaction.ts'

/** Updates the inverse cells of the records added to / removed from `recordId`'s link cell. */
export function syncInverse(
  model: Model,
  tx: Tx,
  change: { field: Field; recordId: string; before: unknown; after: unknown },
): void {
  const inverseId = change.field.options?.inverseLinkFieldId
  const linked = model.tableById(change.field.options?.linkedTableId ?? '')
  if (inverseId === undefined || !linked?.field(inverseId)) return
  const before = new Set(linkIds(change.before))
  const after = new Set(linkIds(change.after))
  for (const id of before) {
    if (after.has(id) || !linked.records.has(id)) continue
    const cell = linkIds(linked.records.get(id)?.cells[inverseId])
    tx.setCell(linked, id, { fieldId: inverseId, value: cell.filter((x) => x !== change.recordId) })
  }
  for (const id of after) {
    if (before.has(id) || !linked.records.has(id)) continue
    const cell = linkIds(linked.records.get(id)?.cells[inverseId])
    if (!cell.includes(change.recordId)) {
      tx.setCell(linked, id, { fieldId: inverseId, value: [...cell, change.recordId] })
    }
  }
}

/**
 * Removes `recordId` (about to be destroyed) from every link cell that points at it, in any
 * table: through the record's own inverse cells where links are paired, by scanning otherwise.
 */
export function unlinkRecord(
  model: Model,
  tx: Tx,
  target: { table: TableState; recordId: string },
): void {
  const { table, recordId } = target
  const record = table.records.get(recordId)
  if (!record) return
  for (const other of model.tables) {
    for (const link of other.fields) {
      if (link.type !== 'multipleRecordLinks' || link.options?.linkedTableId !== table.id) continue
      const inverseId = link.options.inverseLinkFieldId
      const linkers =
        inverseId !== undefined && table.field(inverseId)
          ? linkIds(record.cells[inverseId])
          : [...other.records.values()]
              .filter((r) => linkIds(r.cells[link.id]).includes(recordId))
              .map((r) => r.id)
      for (const linkerId of linkers) {
        const cell = linkIds(other.records.get(linkerId)?.cells[link.id])
        if (cell.includes(recordId)) {
          tx.setCell(other, linkerId, {
            fieldId: link.id,
            value: cell.filter((x) => x !== recordId),
          })
        }
      }
    }
  }
}
