/**
 * Records for the wire (airtable-api.md §2.1, §2.2): `{id, createdTime, fields}` with fields
 * keyed by name or (returnFieldsByFieldId) by ID, limited to `fields[]`, in V1 JSON or
 * `cellFormat=string`. Empty cells are never stored, so they are never rendered. A Renderer is
 * prepared once per request (field resolution, checks) and applied per record.
 */
import type { AirtableRecord, Field } from '../../protocol/index.ts'
import { invalidRequest, unknownField } from './errors.ts'
import type { Model } from './model.ts'
import { cellToString } from './render-string.ts'
import type { TableState } from './table-state.ts'
import type { RenderOptions, StoredRecord } from './types.ts'

/** Shapes one stored record; cells are shared with the store, so treat them as read-only. */
export type Renderer = (record: StoredRecord) => AirtableRecord

/**
 * Prepares a renderer. Unknown `fields[]` entries fail with UNKNOWN_FIELD_NAME;
 * `cellFormat=string` without `timeZone` and `userLocale` fails with INVALID_REQUEST_UNKNOWN
 * (Airtable requires both; its exact error is undocumented [?]).
 */
export function prepareRenderer(
  model: Model,
  table: TableState,
  options: RenderOptions = {},
): Renderer {
  let fields: readonly Field[] = table.fields
  if (options.fields !== undefined && options.fields.length > 0) {
    const wanted = new Set(
      options.fields.map((name) => {
        const field = table.field(name)
        if (!field) throw unknownField(name)
        return field.id
      }),
    )
    fields = table.fields.filter((f) => wanted.has(f.id))
  }
  const byId = options.returnFieldsByFieldId === true
  const keys = fields.map((f) => (byId ? f.id : f.name))
  if (options.cellFormat === 'string') {
    if (!options.timeZone || !options.userLocale) {
      throw invalidRequest('cellFormat "string" requires the timeZone and userLocale parameters')
    }
    const format = { timeZone: options.timeZone, locale: options.userLocale }
    return (record) => {
      const out: Record<string, unknown> = {}
      fields.forEach((field, i) => {
        const cell = record.cells[field.id]
        if (cell === undefined) return
        const text = cellToString(model, { field, cell }, format)
        if (text !== '') out[keys[i] ?? field.id] = text
      })
      return { id: record.id, createdTime: record.createdTime, fields: out }
    }
  }
  return (record) => {
    const out: Record<string, unknown> = {}
    fields.forEach((field, i) => {
      const cell = record.cells[field.id]
      if (cell !== undefined) out[keys[i] ?? field.id] = cell
    })
    return { id: record.id, createdTime: record.createdTime, fields: out }
  }
}
