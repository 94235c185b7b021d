/**
 * The emulator's side of a cell write: Airtable's rules (formula/cells/write/, shared with the
 * server's outbox so both refuse the same values with the same 422s) over the base, which answers
 * what the rules leave to state. Select choices that typecast must create are collected in the
 * context and added by the caller once the whole request has validated; a link must name a record
 * of the linked table (with typecast, maybe by its primary-field text [?]); new attachments and
 * email-only collaborators get Airtable's IDs (airtable-ids.ts).
 */
import { CellWriteError, normalizeCell as normalizeSharedCell } from '../../../formula/index.ts'
import type { Field } from '../../../protocol/index.ts'
import { fromCellWriteError, rowDoesNotExist } from '../errors.ts'
import type { Model } from '../model.ts'
import { withAirtableIds } from './airtable-ids.ts'

/** What validation needs besides the field and the value. */
export interface NormalizeContext {
  model: Model
  typecast: boolean
  /** Select choices to create because of typecast, by field ID, in first-seen order. */
  newChoices: Map<string, string[]>
  /** The record's current cell for this field (attachments are kept by `id`). */
  current: unknown
}

/**
 * The cell to store for `raw` written to `field` (undefined = empty); throws Airtable's error
 * (an EmulatorError) for values the field cannot take. See the module header.
 */
export function normalizeCell(field: Field, raw: unknown, ctx: NormalizeContext): unknown {
  try {
    const cell = normalizeSharedCell(field, raw, {
      typecast: ctx.typecast,
      current: ctx.current,
      onNewChoice: (name) => {
        const pending = ctx.newChoices.get(field.id) ?? []
        if (!pending.includes(name)) pending.push(name)
        ctx.newChoices.set(field.id, pending)
      },
      resolveLink: (item) => linkTarget(field, item, ctx),
    })
    return withAirtableIds(field, cell)
  } catch (error) {
    throw error instanceof CellWriteError ? fromCellWriteError(error) : error
  }
}

/**
 * The record of the linked table that `item` names: its ID, or (typecast, behaviour switch [?])
 * the first record whose primary cell's text is exactly `item`; ROW_DOES_NOT_EXIST otherwise.
 */
function linkTarget(field: Field, item: string, ctx: NormalizeContext): string {
  const linked = ctx.model.tableById(field.options?.linkedTableId ?? '')
  if (!linked) throw rowDoesNotExist(item)
  if (linked.records.has(item)) return item
  if (ctx.typecast && ctx.model.behaviour.typecastLinksByPrimaryText) {
    const primary = linked.primaryField
    for (const record of linked.records.values()) {
      const cell = record.cells[primary.id]
      if ((typeof cell === 'string' || typeof cell === 'number') && String(cell) === item) {
        return record.id
      }
    }
  }
  throw rowDoesNotExist(item)
}
