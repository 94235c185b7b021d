/**
 * REST ("V1") cell values → webhook ("V2") cell values (airtable-api.md §5, last column):
 * selects become `{id,name,color}`, links `[{id,name}]` with the linked record's primary text,
 * lookups `{valuesByLinkedRecordId, linkedRecordIds}`; everything else passes through.
 */
import type { Field, Table } from '../../protocol/schema.ts'

/** Read access to the base as it is now, for names of linked records and looked-up values. */
export interface V2Context {
  table(tableId: string): Table | undefined
  /** A record's current V1 cells, or undefined when the record does not exist. */
  cells(tableId: string, recordId: string): Record<string, unknown> | undefined
}

/** The display text of a record: its primary cell as text, '' when empty or unknown. */
export function primaryText(ctx: V2Context, tableId: string, recordId: string): string {
  const table = ctx.table(tableId)
  const cells = ctx.cells(tableId, recordId)
  if (table === undefined || cells === undefined) return ''
  return cellText(cells[table.primaryFieldId])
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.map(cellText).join(', ')
  if (typeof value === 'object' && 'name' in value && typeof value.name === 'string')
    return value.name
  return JSON.stringify(value)
}

/** One element of a select/link cell (or of a lookup of one) in V2 form. */
function elementToV2(field: Field, element: unknown, ctx: V2Context): unknown {
  switch (field.type) {
    case 'singleSelect':
    case 'multipleSelects': {
      if (typeof element !== 'string') return element
      const choice = field.options?.choices?.find((c) => c.name === element)
      // A choice deleted since the write has no ID any more; the name is all we know.
      if (choice === undefined) return { id: '', name: element }
      return choice.color === undefined
        ? { id: choice.id, name: choice.name }
        : { id: choice.id, name: choice.name, color: choice.color }
    }
    case 'multipleRecordLinks': {
      const linkedTableId = field.options?.linkedTableId
      if (typeof element !== 'string' || linkedTableId === undefined) return element
      return { id: element, name: primaryText(ctx, linkedTableId, element) }
    }
    default:
      return element
  }
}

/** Where a cell lives: the base, its table and its record's cells (lookups read the links). */
export interface CellOwner {
  ctx: V2Context
  tableId: string
  cells: Record<string, unknown>
}

/**
 * Converts a V1 cell of `field` to V2. `owner.cells` supplies the link IDs a lookup follows; for
 * previous values pass the previous cells so the linked IDs are the old ones.
 */
export function cellToV2(field: Field, value: unknown, owner: CellOwner): unknown {
  const { ctx } = owner
  if (value === undefined || value === null) return null
  switch (field.type) {
    case 'singleSelect':
      return elementToV2(field, value, ctx)
    case 'multipleSelects':
    case 'multipleRecordLinks':
      return Array.isArray(value) ? value.map((e) => elementToV2(field, e, ctx)) : value
    case 'multipleLookupValues':
      return lookupToV2(field, value, owner)
    default:
      return value
  }
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

/**
 * A lookup's V1 value is the flat list of looked-up values; V2 groups them by linked record. The
 * grouping is taken from the linked records' current cells; when their counts add up to the V1
 * list (the usual case, and always for current values) the V1 values themselves are split, so a
 * previous value stays the previous one.
 */
function lookupToV2(field: Field, value: unknown, owner: CellOwner): unknown {
  const { ctx } = owner
  const linkFieldId = field.options?.recordLinkFieldId
  const targetFieldId = field.options?.fieldIdInLinkedTable
  const table = ctx.table(owner.tableId)
  const linkField = table?.fields.find((f) => f.id === linkFieldId)
  const linkedTableId = linkField?.options?.linkedTableId
  if (linkFieldId === undefined || targetFieldId === undefined || linkedTableId === undefined) {
    return value
  }
  const linkedRecordIds = asArray(owner.cells[linkFieldId]).filter((id) => typeof id === 'string')
  const targetField = ctx.table(linkedTableId)?.fields.find((f) => f.id === targetFieldId)
  const currentGroups = linkedRecordIds.map((id) =>
    asArray(ctx.cells(linkedTableId, id)?.[targetFieldId]),
  )
  const flat = asArray(value)
  const total = currentGroups.reduce((n, g) => n + g.length, 0)
  let offset = 0
  const valuesByLinkedRecordId: Record<string, unknown[]> = {}
  linkedRecordIds.forEach((id, i) => {
    const group = currentGroups[i] ?? []
    const raw = total === flat.length ? flat.slice(offset, offset + group.length) : group
    offset += group.length
    valuesByLinkedRecordId[id] =
      targetField === undefined ? raw : raw.map((e) => elementToV2(targetField, e, ctx))
  })
  return { valuesByLinkedRecordId, linkedRecordIds }
}

/**
 * Converts a map of V1 cells (field ID → value) to V2; `owner.cells` are the record's cells the
 * lookups follow (usually a superset of `cells`).
 */
export function cellsToV2(
  cells: Record<string, unknown>,
  owner: CellOwner,
): Record<string, unknown> {
  const table = owner.ctx.table(owner.tableId)
  const out: Record<string, unknown> = {}
  for (const [fieldId, value] of Object.entries(cells)) {
    const field = table?.fields.find((f) => f.id === fieldId)
    out[fieldId] = field === undefined ? (value ?? null) : cellToV2(field, value, owner)
  }
  return out
}
