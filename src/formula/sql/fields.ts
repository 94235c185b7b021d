/**
 * Field references → typed SQL over `r.fields` (jsonb keyed by field ID, REST V1 cells), with
 * cells.ts's rules through the `airsync_*` support functions (support.ts): a cell without its
 * type's shape reads as blank; checkbox is true or blank; a date is midnight UTC; multi-selects
 * and text lookups are lists (jsonb arrays of strings); formulas and rollups read by their result
 * type, with any other cell shape (errors, special values) unsure. Links (their formula value is
 * the linked records' primary text, which the row does not hold), collaborators, attachments and
 * nested lookups are unsupported: JS evaluates them.
 *
 * Costly reads (date parsing, list checks, computed cells) are bound once per compiled conjunct
 * (CompileContext.bind), so a date cell is parsed once per row however often the formula reads
 * it; plain text, number and checkbox reads stay inline.
 */
import { nan } from './coerce.ts'
import { unsupported, type CompileContext, type Expr, type SqlField } from './types.ts'

/** Field types whose cell is a string read as text. */
export const TEXT_TYPES: ReadonlySet<string> = new Set([
  'singleLineText',
  'multilineText',
  'richText',
  'email',
  'url',
  'phoneNumber',
  'singleSelect',
])
const NUMBER_TYPES = new Set([
  'number',
  'percent',
  'currency',
  'rating',
  'duration',
  'autoNumber',
  'count',
])
const DATE_TYPES = new Set(['date', 'dateTime', 'createdTime', 'lastModifiedTime'])

/** `sql` bound to a name evaluated once per row when the context binds, else `sql` itself. */
export function bound(ctx: CompileContext, sql: string): string {
  return ctx.bind === undefined ? sql : ctx.bind(sql)
}

/** The SQL of a field's formula value. */
export function fieldExpr(ctx: CompileContext, field: SqlField): Expr {
  const cell = `(r.fields -> ${ctx.params.text(field.id)})`
  // Plain reads are cheaper inline than through a per-row sub-select.
  if (TEXT_TYPES.has(field.type)) return { type: 'text', sql: `airsync_text${cell}` }
  if (NUMBER_TYPES.has(field.type)) return { type: 'number', sql: `airsync_number${cell}` }
  if (DATE_TYPES.has(field.type)) return dateCell(ctx, cell)
  switch (field.type) {
    case 'checkbox':
      return { type: 'bool', sql: `(CASE WHEN ${cell} = to_jsonb(true) THEN true END)` }
    case 'multipleSelects':
      return listCell(ctx, cell)
    case 'multipleLookupValues':
      if (!TEXT_TYPES.has(field.options?.result?.type ?? '')) return unsupported('lookup type')
      return listCell(ctx, cell)
    case 'formula':
    case 'rollup':
      return computedCell(ctx, cell, field.options?.result?.type)
    default:
      return unsupported(`field type ${field.type}`)
  }
}

/** ISO cells → epoch ms; other text (forms only JS's Date.parse reads) is unsure. */
function dateCell(ctx: CompileContext, cell: string): Expr {
  const ms = bound(ctx, `airsync_iso_ms${cell}`)
  const sentinel = nan(ctx.params)
  return { type: 'datetime', sql: `NULLIF(${ms}, ${sentinel})`, unsure: `(${ms} = ${sentinel})` }
}

function listCell(ctx: CompileContext, cell: string): Expr {
  const raw = bound(ctx, cell)
  return { type: 'list', sql: `airsync_list(${raw})`, unsure: `airsync_list_unsure(${raw})` }
}

/** A formula or rollup cell: numbers (or text) by the result type; other shapes are unsure. */
function computedCell(ctx: CompileContext, cell: string, resultType: string | undefined): Expr {
  const raw = bound(ctx, cell)
  const p = ctx.params
  if (resultType === undefined || NUMBER_TYPES.has(resultType)) {
    const unsure = `(${raw} IS NOT NULL AND jsonb_typeof(${raw}) <> ${p.text('number')})`
    return { type: 'number', sql: `airsync_number(${raw})`, unsure }
  }
  if (TEXT_TYPES.has(resultType)) {
    const unsure = `(${raw} IS NOT NULL AND jsonb_typeof(${raw}) <> ${p.text('string')})`
    return { type: 'text', sql: `airsync_text(${raw})`, unsure }
  }
  return unsupported(`computed field of type ${resultType}`)
}
