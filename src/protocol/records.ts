/** Record shapes on the wire (airtable-api.md §2). Cells are V1 REST values. */
import { z } from 'zod'

/** A cell value as REST returns it; its shape depends on the field type. */
export type CellValue = unknown

/** Fields keyed by name (default) or ID (`returnFieldsByFieldId`). Empty cells are omitted. */
export type Fields = Record<string, CellValue>

export const airtableRecordSchema = z.object({
  id: z.string(),
  createdTime: z.string(),
  fields: z.record(z.string(), z.unknown()),
  commentCount: z.number().optional(),
})
/** A record as Airtable returns it, generic over its fields. */
export interface AirtableRecord<TFields extends Fields = Fields> {
  id: string
  createdTime: string
  fields: TFields
  commentCount?: number
}

export const listRecordsResponseSchema = z.object({
  records: z.array(airtableRecordSchema),
  offset: z.string().optional(),
})
export interface ListRecordsResponse<TFields extends Fields = Fields> {
  records: AirtableRecord<TFields>[]
  offset?: string
}

export type SortDirection = 'asc' | 'desc'
export interface SortSpec {
  field: string
  direction?: SortDirection
}

/** The parameters of list records, as the POST `listRecords` body carries them (native types). */
export const listRecordsParamsSchema = z.looseObject({
  pageSize: z.coerce.number().int().optional(),
  maxRecords: z.coerce.number().int().optional(),
  offset: z.string().optional(),
  view: z.string().optional(),
  fields: z.array(z.string()).optional(),
  filterByFormula: z.string().optional(),
  sort: z
    .array(z.object({ field: z.string(), direction: z.enum(['asc', 'desc']).optional() }))
    .optional(),
  cellFormat: z.enum(['json', 'string']).optional(),
  timeZone: z.string().optional(),
  userLocale: z.string().optional(),
  returnFieldsByFieldId: z.union([z.boolean(), z.string(), z.number()]).optional(),
  recordMetadata: z.array(z.string()).optional(),
})
export type ListRecordsParams = z.infer<typeof listRecordsParamsSchema>

export const deletedRecordSchema = z.object({ id: z.string(), deleted: z.literal(true) })
export type DeletedRecord = z.infer<typeof deletedRecordSchema>

/** Upsert responses add the IDs created and updated (airtable-api.md §2.8). */
export interface UpsertResponse<TFields extends Fields = Fields> {
  records: AirtableRecord<TFields>[]
  createdRecords: string[]
  updatedRecords: string[]
}
