/**
 * Field references → typed SQL over `r.fields` (jsonb keyed by field ID, REST V1 cells), with
 * cells.ts's rules: a cell without its type's shape reads as blank; checkbox is true or blank;
 * a date is midnight UTC; a multi-select is its names joined with `", "`. Types whose formula
 * value SQL cannot build (links, lookups, rollups, formulas, collaborators…) are unsupported.
 */
import type { SqlParams } from './fragment.ts'
import { unsupported, type Expr, type SqlField } from './types.ts'

const TEXT_TYPES = new Set([
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

const DAY_MS = 86_400_000
const DATE = '^([1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
const DATE_TIME =
  '^([1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(?:\\.([0-9]{3}))?Z$'

/** The SQL of a field's formula value. */
export function fieldExpr(params: SqlParams, field: SqlField): Expr {
  const cell = `(r.fields -> ${params.text(field.id)})`
  const scalar = `(${cell} #>> ${params.add('{}', 'text[]')})`
  const isType = (jsonType: string): string => `jsonb_typeof(${cell}) = ${params.text(jsonType)}`
  if (TEXT_TYPES.has(field.type)) {
    return { type: 'text', sql: `(CASE WHEN ${isType('string')} THEN ${scalar} END)` }
  }
  if (NUMBER_TYPES.has(field.type)) {
    return { type: 'number', sql: `(CASE WHEN ${isType('number')} THEN ${scalar}::float8 END)` }
  }
  switch (field.type) {
    case 'checkbox':
      return { type: 'bool', sql: `(CASE WHEN ${cell} = to_jsonb(true) THEN true END)` }
    case 'multipleSelects':
      return multipleSelects(params, cell, isType('array'))
    case 'date':
      return dateCell(params, scalar, { isString: isType('string'), withTime: false })
    case 'dateTime':
    case 'createdTime':
    case 'lastModifiedTime':
      return dateCell(params, scalar, { isString: isType('string'), withTime: true })
    default:
      return unsupported(`field type ${field.type}`)
  }
}

/** Names joined with `", "` in cell order; non-string items skipped; empty → blank. */
function multipleSelects(params: SqlParams, cell: string, isArray: string): Expr {
  const items = `(SELECT string_agg(e.value #>> ${params.add('{}', 'text[]')}, ${params.text(', ')} ORDER BY e.ordinality) FROM jsonb_array_elements(${cell}) WITH ORDINALITY AS e(value, ordinality) WHERE jsonb_typeof(e.value) = ${params.text('string')})`
  return { type: 'list', sql: `(CASE WHEN ${isArray} THEN ${items} END)` }
}

/**
 * ISO cells → epoch ms by arithmetic (no cast that could raise). Text the strict patterns do not
 * cover (other ISO forms JS's Date.parse accepts) is unsure, so JS decides those rows.
 */
function dateCell(
  params: SqlParams,
  scalar: string,
  { isString, withTime }: { isString: string; withTime: boolean },
): Expr {
  const pattern = params.text(withTime ? DATE_TIME : DATE)
  const text = `(CASE WHEN ${isString} THEN ${scalar} END)`
  const parts = `regexp_match(${text}, ${pattern})`
  const part = (i: number): string => `(${parts})[${i}]::int`
  const days = `((make_date(${part(1)}, ${part(2)}, 1) - make_date(1970, 1, 1)) + ${part(3)} - 1)`
  let ms = `(${days}::float8 * ${DAY_MS})`
  if (withTime) {
    ms = `(${ms} + ${part(4)} * 3600000 + ${part(5)} * 60000 + ${part(6)} * 1000 + COALESCE(${part(7)}, 0))`
  }
  return {
    type: 'datetime',
    sql: `(CASE WHEN ${text} ~ ${pattern} THEN ${ms} END)`,
    unsure: `(${text} IS NOT NULL AND NOT ${text} ~ ${pattern})`,
  }
}
