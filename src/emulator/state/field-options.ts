/**
 * Turns a FieldInput into a stored Field (airtable-api.md §6): checks name and type, assigns IDs
 * to select choices, fills the options Airtable always returns, and resolves the options that name
 * other fields (formula text → `{fldID}` references, lookups, rollups, counts, lastModifiedTime).
 * Two passes because a table being created may refer to its own later fields: `baseField` needs
 * nothing but the input; `resolveFieldOptions` needs the field's table to hold every field.
 */
import type { Field, FieldOptions } from '../../protocol/index.ts'
import { FIELD_TYPES, isAirtableId, newId } from '../../protocol/index.ts'
import { FormulaError, isValidTimeZone, scalarText } from '../../formula/index.ts'
import { EmulatorError } from './types.ts'
import type { FieldInput } from './types.ts'
import { invalidRequest } from './errors.ts'
import {
  fieldFormula,
  formulaWithFieldIds,
  referencedFieldIds,
  rollupFormula,
} from './formula-context.ts'
import { inferFormulaResult } from './formula-result.ts'
import type { Model } from './model.ts'
import type { TableState } from './table-state.ts'

/** Description length cap (airtable-api.md §3). */
const MAX_DESCRIPTION_CHARS = 20_000

/** Link-field options that are emulator extensions, read at creation and never stored. */
export const LINK_EXTENSION_KEYS = ['createInverse', 'inverseLinkFieldName'] as const

/** 422 for an empty or duplicate field name (names are unique case-insensitively). */
export function checkFieldName(table: TableState, name: unknown, except?: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : ''
  const clash = table.fields.some(
    (f) => f.id !== except && f.name.toLowerCase() === trimmed.toLowerCase(),
  )
  if (trimmed === '' || clash) {
    throw new EmulatorError({
      type: 'DUPLICATE_OR_EMPTY_FIELD_NAME',
      message:
        trimmed === ''
          ? 'Field name cannot be empty'
          : `Field name "${trimmed}" already exists in this table`,
    })
  }
  return trimmed
}

/** 422 for a description over 20,000 characters. */
export function checkDescription(description: unknown): string | undefined {
  if (description === undefined || description === null) return undefined
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION_CHARS) {
    throw invalidRequest('Description must be a string of at most 20000 characters')
  }
  return description
}

/** A fresh or given (validated, unused) ID with the prefix. */
export function chooseId(
  model: Model,
  given: string | undefined,
  prefix: 'fld' | 'tbl' | 'viw',
): string {
  if (given === undefined) return newId(prefix)
  const used = model.tables.some(
    (t) =>
      t.id === given || t.fields.some((f) => f.id === given) || t.views.some((v) => v.id === given),
  )
  if (!isAirtableId(given, prefix) || used) throw invalidRequest(`Invalid or duplicate id ${given}`)
  return given
}

/** Pass 1: name, type, id, description and the options that need no other field. */
export function baseField(model: Model, table: TableState, input: FieldInput): Field {
  const name = checkFieldName(table, input.name)
  if (!(FIELD_TYPES as readonly string[]).includes(input.type)) {
    throw new EmulatorError({
      type: 'INVALID_FIELD_TYPE',
      message: `Unsupported field type: ${String(input.type)}`,
    })
  }
  const field: Field = { id: chooseId(model, input.id, 'fld'), name, type: input.type }
  const description = checkDescription(input.description)
  if (description !== undefined) field.description = description
  const options = staticOptions(input.type, { ...(input.options ?? {}) })
  if (options) field.options = options
  return field
}

/** Options that depend on nothing else: select choice IDs, defaults Airtable always returns. */
export function staticOptions(
  type: string,
  options: Record<string, unknown>,
): FieldOptions | undefined {
  switch (type) {
    case 'singleSelect':
    case 'multipleSelects': {
      const raw = Array.isArray(options['choices']) ? (options['choices'] as unknown[]) : []
      const choices = raw.map((c) => {
        const choice = typeof c === 'string' ? { name: c } : (c as Record<string, unknown>)
        if (typeof choice['name'] !== 'string' || choice['name'] === '')
          throw invalidRequest('Select choices need a name')
        const out: { id: string; name: string; color?: string } = {
          id: typeof choice['id'] === 'string' ? choice['id'] : newId('sel'),
          name: choice['name'],
        }
        if (typeof choice['color'] === 'string') out.color = choice['color']
        return out
      })
      return { ...options, choices }
    }
    case 'checkbox':
      return { icon: 'check', color: 'greenBright', ...options }
    case 'rating':
      return { icon: 'star', color: 'yellowBright', max: 5, ...options }
    case 'date':
      return { dateFormat: { name: 'local', format: 'l' }, ...options }
    case 'dateTime': {
      const zone = options['timeZone']
      if (
        zone !== undefined &&
        zone !== 'utc' &&
        zone !== 'client' &&
        (typeof zone !== 'string' || !isValidTimeZone(zone))
      ) {
        throw invalidRequest(`Invalid time zone ${scalarText(zone)}`)
      }
      return {
        dateFormat: { name: 'local', format: 'l' },
        timeFormat: { name: '12hour', format: 'h:mma' },
        timeZone: 'utc',
        ...options,
      }
    }
    case 'createdTime':
      return { result: { type: 'dateTime' }, ...options }
    default:
      return Object.keys(options).length > 0 ? options : undefined
  }
}

/**
 * Pass 2, once `table` holds the field: links need an existing linked table; formula, lookup,
 * rollup, count and lastModifiedTime options are resolved to field IDs and checked.
 */
export function resolveFieldOptions(model: Model, table: TableState, field: Field): Field {
  const options: FieldOptions = { ...(field.options ?? {}) }
  const linkedTable = (id: unknown): TableState => {
    const linked =
      typeof id === 'string'
        ? (model.tableById(id) ?? (id === table.id ? table : undefined))
        : undefined
    if (!linked) throw invalidRequest(`Unknown linkedTableId ${String(id)}`)
    return linked
  }
  const linkField = (): { link: Field; linked: TableState } => {
    const link = table.field(String(options.recordLinkFieldId))
    if (link?.type !== 'multipleRecordLinks')
      throw invalidRequest('recordLinkFieldId must name a link field of this table')
    options.recordLinkFieldId = link.id
    return { link, linked: linkedTable(link.options?.linkedTableId) }
  }
  switch (field.type) {
    case 'multipleRecordLinks':
      options.linkedTableId = linkedTable(options.linkedTableId).id
      options.isReversed ??= false
      options.prefersSingleRecordLink ??= false
      for (const key of LINK_EXTENSION_KEYS) delete options[key]
      break
    case 'formula': {
      if (typeof options.formula !== 'string')
        throw invalidRequest('A formula field needs options.formula')
      const node = checked(() => fieldFormula(table, field, options.formula ?? ''))
      options.referencedFieldIds = referencedFieldIds(table, node)
      if (options.referencedFieldIds.includes(field.id))
        throw invalidRequest('A formula cannot reference its own field')
      options.formula = safeIdFormula(table, field, options.formula)
      options.isValid = true
      // A given result wins (seeds may know better); otherwise infer it as Airtable shows it.
      if (options.result === undefined) {
        const result = inferFormulaResult(table, fieldFormula(table, field, options.formula))
        if (result) options.result = result
      }
      break
    }
    case 'multipleLookupValues':
    case 'rollup': {
      const { linked } = linkField()
      const target = linked.field(String(options.fieldIdInLinkedTable))
      if (!target)
        throw invalidRequest('fieldIdInLinkedTable must name a field of the linked table')
      options.fieldIdInLinkedTable = target.id
      options.isValid = true
      if (field.type === 'rollup') {
        options.referencedFieldIds = [target.id]
        options.aggregation ??= 'ARRAYJOIN(values)'
        const aggregation = options.aggregation
        const node = checked(() => rollupFormula(table, field, aggregation))
        // Airtable always sends a rollup's `result`; text when the formula's type depends on data [?].
        options.result ??= inferRollupResult(aggregation, target) ??
          inferFormulaResult(table, node) ?? { type: 'singleLineText' }
      } else {
        options.result = target.options
          ? { type: target.type, options: target.options }
          : { type: target.type }
      }
      break
    }
    case 'count':
      linkField()
      options.isValid = true
      break
    case 'lastModifiedTime':
      options.referencedFieldIds = (options.referencedFieldIds ?? []).map((ref) => {
        const target = table.field(ref)
        if (!target) throw invalidRequest(`Unknown field ${ref} in referencedFieldIds`)
        return target.id
      })
      options.result ??= { type: 'dateTime' }
      options.isValid = true
      break
    default:
      return field
  }
  return { ...field, options }
}

const NUMBER_ROLLUPS = new Set(['SUM', 'AVERAGE', 'COUNT', 'COUNTA', 'COUNTALL'])
const KEEP_TYPE_ROLLUPS = new Set(['MAX', 'MIN'])
const KEEP_TYPES = new Set(['number', 'currency', 'percent', 'duration', 'date', 'dateTime'])

/**
 * The `result` Airtable shows for a rollup of the plain form `FN(values)` (get-base-schema): a
 * number for sums, averages and counts, the target's type for MAX/MIN over numbers and dates,
 * text for ARRAYJOIN/CONCATENATE; undefined when unsure (any other formula).
 */
function inferRollupResult(aggregation: string, target: Field): FieldOptions['result'] {
  const name = /^\s*([A-Za-z_]+)\s*\(\s*values\s*\)\s*$/.exec(aggregation)?.[1]?.toUpperCase()
  if (name === undefined) return undefined
  if (NUMBER_ROLLUPS.has(name)) return { type: 'number' }
  if (KEEP_TYPE_ROLLUPS.has(name)) {
    if (!KEEP_TYPES.has(target.type)) return { type: 'number' }
    return target.options ? { type: target.type, options: target.options } : { type: target.type }
  }
  if (name === 'ARRAYJOIN' || name === 'CONCATENATE') return { type: 'singleLineText' }
  return undefined
}

/** Runs a formula check, turning FormulaError into a 422 (the real type is unknown [?]). */
function checked<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof FormulaError) throw invalidRequest(`Invalid formula: ${error.message}`)
    throw error
  }
}

/**
 * Rewrites references to `{fldID}` and keeps the result only if it checks and references the
 * same fields (guards against AST spans that do not cover the reference text exactly).
 */
function safeIdFormula(table: TableState, field: Field, text: string): string {
  const node = fieldFormula(table, field, text)
  const rewritten = formulaWithFieldIds(table, text, node)
  try {
    const again = fieldFormula(table, field, rewritten)
    const same = referencedFieldIds(table, again).join() === referencedFieldIds(table, node).join()
    return same ? rewritten : text
  } catch {
    return text
  }
}
