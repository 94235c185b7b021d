/**
 * Mirror records for the wire (airtable-api.md §2.1, §2.2): `{id, createdTime, fields}` with
 * fields keyed by name or (returnFieldsByFieldId) by ID, limited to `fields[]` and to what the
 * caller may read, in V1 JSON or `cellFormat=string`. Empty cells are never sent. A renderer is
 * prepared once per request (field resolution against the caller's visible table) and applied
 * per record.
 */
import { cellToString, isEmptyCell } from '../formula/index.ts'
import type { ListParams } from '../protocol/index.ts'
import { findField, type AirtableRecord, type Field, type Table } from '../protocol/index.ts'
import type { MirrorRecord } from '../store/index.ts'
import { invalidRequest, unknownField } from './errors.ts'
import type { LinkedCells } from './links.ts'

/** `recordMetadata[]=commentCount`: the mirror has no comments. [?] 0 or absent. */
export type CommentCountMode = 'zero' | 'omit'

/** Shapes one mirror record. */
export type Renderer = (record: MirrorRecord) => AirtableRecord

/** The fields a request renders: `fields[]` (checked against the visible table) or all visible. */
export function renderedFields(visible: Table, names: readonly string[] | undefined): Field[] {
  if (names === undefined || names.length === 0) return visible.fields
  const wanted = new Set(
    names.map((name) => {
      const field = findField(visible, name)
      if (field === undefined) throw unknownField(name)
      return field.id
    }),
  )
  return visible.fields.filter((f) => wanted.has(f.id))
}

/**
 * Prepares a renderer over `fields` (from {@link renderedFields}). `linked` must hold the
 * primary cells of linked records for `cellFormat=string`.
 */
export function prepareRenderer(
  fields: readonly Field[],
  params: Pick<
    ListParams,
    'cellFormat' | 'timeZone' | 'userLocale' | 'returnFieldsByFieldId' | 'recordMetadata'
  >,
  options: { linked: LinkedCells; commentCount: CommentCountMode },
): Renderer {
  const keys = fields.map((f) => (params.returnFieldsByFieldId ? f.id : f.name))
  const withComments =
    options.commentCount === 'zero' && params.recordMetadata.includes('commentCount')
  const shape = (record: MirrorRecord, out: Record<string, unknown>): AirtableRecord =>
    withComments
      ? { id: record.id, createdTime: record.createdTime, fields: out, commentCount: 0 }
      : { id: record.id, createdTime: record.createdTime, fields: out }
  if (params.cellFormat === 'string') {
    if (params.timeZone === undefined || params.userLocale === undefined) {
      throw invalidRequest('cellFormat "string" requires timeZone and userLocale')
    }
    const format = { timeZone: params.timeZone, locale: params.userLocale }
    return (record) => {
      const out: Record<string, unknown> = {}
      fields.forEach((field, i) => {
        const cell = record.fields[field.id]
        if (isEmptyCell(cell)) return
        const text = cellToString(options.linked, { field, cell }, format)
        if (text !== '') out[keys[i] ?? field.id] = text
      })
      return shape(record, out)
    }
  }
  return (record) => {
    const out: Record<string, unknown> = {}
    fields.forEach((field, i) => {
      const cell = record.fields[field.id]
      if (!isEmptyCell(cell)) out[keys[i] ?? field.id] = cell
    })
    return shape(record, out)
  }
}
