/**
 * Field visibility on reads. Chosen behaviour: a field hidden from the caller behaves exactly as
 * if it did not exist — it is dropped from records, and naming it in `fields[]`, `sort` or
 * `filterByFormula` gets the same 422 a nonexistent field gets (UNKNOWN_FIELD_NAME /
 * INVALID_FILTER_BY_FORMULA), never a 403 that would confirm the field exists. So a member
 * cannot learn a hidden value by filtering (`FIND("@", {Email})`) or by sorting on it.
 *
 * The simplest way to get identical errors is to validate the caller's request against
 * {@link visibleTable}; {@link checkReadRequest} does the same checks directly.
 */
import type { Node } from '../formula/ast.ts'
import { invalidFormulaMessage } from '../protocol/errors.ts'
import type { AirtableRecord, Fields, SortSpec } from '../protocol/records.ts'
import { findField } from '../protocol/schema.ts'
import type { Table } from '../protocol/schema.ts'
import type { TableAccess } from './access.ts'
import { PolicyError } from './errors.ts'
import { referencedFields } from './formula-ast.ts'

/** True when the caller may read the field (given by ID or name); unknown fields are not. */
export function isFieldReadable(access: TableAccess, fieldIdOrName: string): boolean {
  const field = findField(access.table, fieldIdOrName)
  if (field === undefined) return false
  return access.readableFieldIds === 'all' || access.readableFieldIds.has(field.id)
}

/**
 * The record with only the cells the caller may read. Keys may be field names or IDs
 * (`returnFieldsByFieldId`); keys matching no field are dropped too.
 */
export function projectFields<TFields extends Fields>(
  record: AirtableRecord<TFields>,
  access: TableAccess,
): AirtableRecord<Partial<TFields>> {
  if (access.readableFieldIds === 'all') return record
  const fields: Fields = {}
  for (const [key, value] of Object.entries(record.fields)) {
    if (isFieldReadable(access, key)) fields[key] = value
  }
  return { ...record, fields: fields as Partial<TFields> }
}

/**
 * The table as the caller may see it: hidden fields removed (also from views' visible field
 * lists). The primary field ID is kept even when hidden, since the meta API always names one.
 */
export function visibleTable(access: TableAccess): Table {
  const readable = access.readableFieldIds
  if (readable === 'all') return access.table
  const { table } = access
  return {
    ...table,
    fields: table.fields.filter((f) => readable.has(f.id)),
    views: table.views.map((view) =>
      view.visibleFieldIds === undefined
        ? view
        : { ...view, visibleFieldIds: view.visibleFieldIds.filter((id) => readable.has(id)) },
    ),
  }
}

/** Of the given names (or IDs), those that exist in the table but are hidden from the caller. */
export function hiddenFields(access: TableAccess, names: readonly string[]): string[] {
  return names.filter(
    (name) => findField(access.table, name) !== undefined && !isFieldReadable(access, name),
  )
}

export interface ReadRequestFields {
  /** `fields[]` */
  fields?: readonly string[]
  sort?: readonly SortSpec[]
  /** The caller's parsed `filterByFormula`. */
  formula?: Node
}

export interface CheckReadOptions {
  /**
   * Error type for a sort on an unknown field: Airtable's exact type is not documented [?]
   * (airtable-api.md §4.3), so it follows the emulator's choice. @default 'UNKNOWN_FIELD_NAME'
   */
  sortErrorType?: 'UNKNOWN_FIELD_NAME' | 'INVALID_SORT'
}

/**
 * Throws the error a nonexistent field would get when the request names a hidden one.
 * Fields that do not exist at all are left to the API's usual validation.
 */
export function checkReadRequest(
  access: TableAccess,
  request: ReadRequestFields,
  options: CheckReadOptions = {},
): void {
  const [field] = hiddenFields(access, request.fields ?? [])
  if (field !== undefined) {
    throw new PolicyError({ type: 'UNKNOWN_FIELD_NAME', message: `Unknown field name: "${field}"` })
  }
  const [sortField] = hiddenFields(
    access,
    (request.sort ?? []).map((s) => s.field),
  )
  if (sortField !== undefined) {
    throw new PolicyError({
      type: options.sortErrorType ?? 'UNKNOWN_FIELD_NAME',
      message: `Unknown field name: "${sortField}"`,
    })
  }
  if (request.formula !== undefined) {
    const hidden = hiddenFields(access, referencedFields(request.formula))
    if (hidden.length > 0) {
      throw new PolicyError({
        type: 'INVALID_FILTER_BY_FORMULA',
        // Lower-cased, as Airtable (and formula/check.ts) write unknown names.
        message: invalidFormulaMessage(
          `Unknown field names: ${hidden.map((name) => name.toLowerCase()).join(', ')}`,
        ),
      })
    }
  }
}
