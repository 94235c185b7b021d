/**
 * Webhook ("V2") cell values → the REST ("V1") values the mirror stores (airtable-api.md §5, last
 * column): selects `{id,name,color?}` → the name, links `[{id,name}]` → the IDs, lookups
 * `{valuesByLinkedRecordId, linkedRecordIds}` → the flat list in link order, collaborators lose
 * `permissionLevel`/`profilePicUrl`; everything else passes through. Pure.
 *
 * Invariants:
 * - An empty value (`null`, `''`, `[]`, `false`) becomes `null`: Airtable never stores one and REST
 *   omits it, so in a merge it clears the mirror's cell.
 * - A field unknown to the schema (created since the schema was read) is converted by shape alone,
 *   so a V2 select or link still lands as its V1 value.
 */
import { isEmptyCell } from '../formula/index.ts'
import type { BaseSchema, Field, Fields, Table } from '../protocol/index.ts'

const COLLABORATOR_TYPES: ReadonlySet<string> = new Set([
  'singleCollaborator',
  'multipleCollaborators',
  'createdBy',
  'lastModifiedBy',
])

/** Finds fields by ID across the base. */
export interface FieldLookup {
  field(tableId: string, fieldId: string): Field | undefined
  table(tableId: string): Table | undefined
}

/** A {@link FieldLookup} over a schema (undefined: every field unknown). */
export function fieldLookupOf(schema: BaseSchema | undefined): FieldLookup {
  const tables = new Map((schema?.tables ?? []).map((t) => [t.id, t]))
  const fields = new Map<string, Field>()
  for (const table of tables.values()) {
    for (const field of table.fields) fields.set(`${table.id}/${field.id}`, field)
  }
  return {
    field: (tableId, fieldId) => fields.get(`${tableId}/${fieldId}`),
    table: (tableId) => tables.get(tableId),
  }
}

/** Converts V2 cells of one table (field ID → value) to V1; empty values become `null`. */
export function cellsToV1(cells: Readonly<Record<string, unknown>>, at: CellPlace): Fields {
  const out: Fields = {}
  for (const [fieldId, value] of Object.entries(cells)) {
    const converted = cellToV1(at.lookup.field(at.tableId, fieldId), value, at)
    out[fieldId] = isEmptyCell(converted) ? null : converted
  }
  return out
}

/** Where a cell lives: its table, and the base's fields. */
export interface CellPlace {
  tableId: string
  lookup: FieldLookup
}

/** One V2 cell of a field of `at.tableId` to V1; `field` undefined converts by shape. */
export function cellToV1(field: Field | undefined, value: unknown, at: CellPlace): unknown {
  if (value === null || value === undefined) return null
  if (field === undefined) return byShape(value)
  switch (field.type) {
    case 'singleSelect':
    case 'externalSyncSource':
      return choiceName(value)
    case 'multipleSelects':
      return Array.isArray(value) ? value.map(choiceName) : value
    case 'multipleRecordLinks':
      return Array.isArray(value) ? value.map(linkId) : value
    case 'multipleLookupValues':
      return lookupToV1(field, value, at)
    default:
      if (COLLABORATOR_TYPES.has(field.type)) {
        return Array.isArray(value) ? value.map(collaborator) : collaborator(value)
      }
      return value
  }
}

/** A lookup's V2 groups flattened in link order; elements converted by the looked-up field. */
function lookupToV1(field: Field, value: unknown, at: CellPlace): unknown {
  if (!isRecord(value) || !isRecord(value['valuesByLinkedRecordId'])) return byShape(value)
  const groups = value['valuesByLinkedRecordId']
  const order = Array.isArray(value['linkedRecordIds'])
    ? value['linkedRecordIds'].filter((id): id is string => typeof id === 'string')
    : Object.keys(groups)
  const target = lookedUpField(field, at)
  const flat: unknown[] = []
  for (const id of order) {
    const group = groups[id]
    if (!Array.isArray(group)) continue
    for (const element of group) flat.push(elementToV1(target, element, at))
  }
  return flat
}

/** The field a lookup reads in the linked table, when the schema knows it. */
function lookedUpField(field: Field, at: CellPlace): Field | undefined {
  const linkFieldId = field.options?.recordLinkFieldId
  const targetFieldId = field.options?.fieldIdInLinkedTable
  if (linkFieldId === undefined || targetFieldId === undefined) return undefined
  const linkedTableId = at.lookup.field(at.tableId, linkFieldId)?.options?.linkedTableId
  return linkedTableId === undefined ? undefined : at.lookup.field(linkedTableId, targetFieldId)
}

/** One looked-up element: selects by name, links by ID, collaborators trimmed. */
function elementToV1(field: Field | undefined, element: unknown, at: CellPlace): unknown {
  if (field === undefined || field.type === 'multipleLookupValues') return byShape(element)
  if (Array.isArray(element)) return element.map((e) => elementToV1(field, e, at))
  switch (field.type) {
    case 'singleSelect':
    case 'multipleSelects':
    case 'externalSyncSource':
      return choiceName(element)
    case 'multipleRecordLinks':
      return linkId(element)
    default:
      return COLLABORATOR_TYPES.has(field.type) ? collaborator(element) : element
  }
}

/** Conversion when the field type is unknown: recognisable V2 shapes by their IDs. */
function byShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(byShape)
  if (!isRecord(value)) return value
  const id = value['id']
  if (typeof id === 'string' && typeof value['name'] === 'string') {
    if (id.startsWith('sel')) return value['name']
    if (id.startsWith('rec')) return id
  }
  if (isRecord(value['valuesByLinkedRecordId'])) {
    const groups = value['valuesByLinkedRecordId']
    return Object.values(groups).flatMap((g) => (Array.isArray(g) ? g.map(byShape) : []))
  }
  return value
}

function choiceName(value: unknown): unknown {
  return isRecord(value) && typeof value['name'] === 'string' ? value['name'] : value
}

function linkId(value: unknown): unknown {
  return isRecord(value) && typeof value['id'] === 'string' ? value['id'] : value
}

function collaborator(value: unknown): unknown {
  if (!isRecord(value)) return value
  const rest = { ...value }
  delete rest['permissionLevel']
  delete rest['profilePicUrl']
  return rest
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
