/**
 * The base schema as the metadata API returns it (airtable-api.md §5, §6): tables, fields with
 * options, views. Unknown future field types must be tolerated, so `type` is any string on the
 * wire, and {@link FIELD_TYPES} lists the ones airsync understands.
 */
import { z } from 'zod'

export const FIELD_TYPES = [
  'singleLineText',
  'multilineText',
  'richText',
  'email',
  'url',
  'phoneNumber',
  'number',
  'percent',
  'currency',
  'rating',
  'duration',
  'autoNumber',
  'count',
  'checkbox',
  'singleSelect',
  'multipleSelects',
  'singleCollaborator',
  'multipleCollaborators',
  'multipleRecordLinks',
  'date',
  'dateTime',
  'createdTime',
  'lastModifiedTime',
  'createdBy',
  'lastModifiedBy',
  'formula',
  'rollup',
  'multipleLookupValues',
  'multipleAttachments',
  'barcode',
  'button',
] as const
export type FieldType = (typeof FIELD_TYPES)[number]

/** Types whose values Airtable computes; writes to them fail with INVALID_VALUE_FOR_COLUMN. */
export const COMPUTED_FIELD_TYPES: ReadonlySet<string> = new Set([
  'autoNumber',
  'count',
  'createdTime',
  'lastModifiedTime',
  'createdBy',
  'lastModifiedBy',
  'formula',
  'rollup',
  'multipleLookupValues',
  'button',
])

export const choiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  color: z.string().optional(),
})
export type Choice = z.infer<typeof choiceSchema>

/** Field options are type-specific; the known keys are typed, the rest pass through. */
export const fieldOptionsSchema = z.looseObject({
  choices: z.array(choiceSchema).optional(),
  precision: z.number().optional(),
  symbol: z.string().optional(),
  max: z.number().optional(),
  icon: z.string().optional(),
  color: z.string().optional(),
  dateFormat: z.object({ name: z.string(), format: z.string() }).optional(),
  timeFormat: z.object({ name: z.string(), format: z.string() }).optional(),
  timeZone: z.string().optional(),
  durationFormat: z.string().optional(),
  linkedTableId: z.string().optional(),
  inverseLinkFieldId: z.string().optional(),
  isReversed: z.boolean().optional(),
  prefersSingleRecordLink: z.boolean().optional(),
  formula: z.string().optional(),
  isValid: z.boolean().optional(),
  referencedFieldIds: z.array(z.string()).optional(),
  recordLinkFieldId: z.string().optional(),
  fieldIdInLinkedTable: z.string().optional(),
  /** Rollup aggregation, e.g. `SUM(values)`; an emulator extension where Airtable hides it. */
  aggregation: z.string().optional(),
  get result() {
    return z.object({ type: z.string(), options: fieldOptionsSchema.optional() }).optional()
  },
})
export type FieldOptions = z.infer<typeof fieldOptionsSchema>

export const fieldSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  description: z.string().optional(),
  options: fieldOptionsSchema.optional(),
})
export type Field = z.infer<typeof fieldSchema>

export const VIEW_TYPES = [
  'grid',
  'form',
  'calendar',
  'gallery',
  'kanban',
  'timeline',
  'block',
] as const
export const viewSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  visibleFieldIds: z.array(z.string()).optional(),
})
export type View = z.infer<typeof viewSchema>

export const tableSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  primaryFieldId: z.string(),
  fields: z.array(fieldSchema),
  views: z.array(viewSchema),
})
export type Table = z.infer<typeof tableSchema>

/** `GET /v0/meta/bases/{baseId}/tables` */
export const baseSchemaResponseSchema = z.object({ tables: z.array(tableSchema) })
export type BaseSchema = z.infer<typeof baseSchemaResponseSchema>

/** `GET /v0/meta/bases` */
export const listBasesResponseSchema = z.object({
  bases: z.array(z.object({ id: z.string(), name: z.string(), permissionLevel: z.string() })),
  offset: z.string().optional(),
})
export type ListBasesResponse = z.infer<typeof listBasesResponseSchema>

/** Finds a table by ID or exact name (IDs win; names are matched case-sensitively). */
export function findTable(schema: BaseSchema, idOrName: string): Table | undefined {
  return (
    schema.tables.find((t) => t.id === idOrName) ?? schema.tables.find((t) => t.name === idOrName)
  )
}

/** Finds a field of a table by ID or exact name. */
export function findField(table: Table, idOrName: string): Field | undefined {
  return (
    table.fields.find((f) => f.id === idOrName) ?? table.fields.find((f) => f.name === idOrName)
  )
}

/** True when Airtable computes the field's value. */
export function isComputedField(field: Field): boolean {
  return COMPUTED_FIELD_TYPES.has(field.type)
}
