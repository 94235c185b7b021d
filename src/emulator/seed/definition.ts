/**
 * The declarative base definition: what `--base FILE` reads and what the built-in seeds are
 * written in. Everything names things by NAME (tables, fields, linked tables, looked-up fields);
 * IDs are optional and, when omitted, derived from the base's `seed` so the same file always
 * gives the same IDs.
 *
 * @example
 * {
 *   "name": "Shop", "seed": "shop-1",
 *   "tables": [
 *     { "name": "Customers",
 *       "fields": [ { "name": "Name", "type": "singleLineText" },
 *                   { "name": "Orders", "type": "count", "options": { "linkField": "Order list" } } ] },
 *     { "name": "Orders",
 *       "fields": [ { "name": "Ref", "type": "singleLineText" },
 *                   { "name": "Customer", "type": "multipleRecordLinks",
 *                     "options": { "linkedTable": "Customers", "inverseField": "Order list" } },
 *                   { "name": "Customer Name", "type": "multipleLookupValues",
 *                     "options": { "linkField": "Customer", "lookupField": "Name" } },
 *                   { "name": "Total", "type": "currency", "options": { "precision": 2, "symbol": "$" } } ],
 *       "views": [ { "name": "Big", "filterByFormula": "{Total} > 100", "sort": [ { "field": "Total", "direction": "desc" } ] } ],
 *       "records": [ { "fields": { "Ref": "A-1", "Customer": ["Ada"], "Total": 120 } } ] } ] }
 *
 * Field options, by type (all other options pass through to the field, e.g. `precision`):
 * - selects: `choices` — names, or `{ id?, name, color? }`;
 * - `multipleRecordLinks`: `linkedTable` (name), `inverseField?` (name of the field on the other
 *   side; created unless that table declares it), `prefersSingleRecordLink?`;
 * - `multipleLookupValues`: `linkField` (a link field of this table), `lookupField` (a field of
 *   the linked table); `rollup`: the same plus `aggregation` (e.g. `SUM(values)`); `count`:
 *   `linkField`;
 * - `formula`: `formula` (field names in braces); `lastModifiedTime`: `fields?` (names watched).
 * Record cells are keyed by field name; a link cell lists linked records by their definition
 * `id` or by their primary field's text. A complete file: examples/shop.json.
 *
 * Fields are created in dependency order (plain fields, then links, then lookups/rollups/counts,
 * then formulas), so the schema lists them in that order, not the file's.
 */
import { z } from 'zod'
import { FIELD_TYPES, VIEW_TYPES } from '../../protocol/schema.ts'

const idOf = (prefix: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}[A-Za-z0-9]{14}$`),
      `must be "${prefix}" followed by 14 letters or digits`,
    )

const choiceSchema = z.union([
  z.string().min(1),
  z.object({ id: idOf('sel').optional(), name: z.string().min(1), color: z.string().optional() }),
])

/** Options of a field in a definition; the named references are resolved by the loader. */
export const fieldOptionsDefinitionSchema = z.looseObject({
  choices: z.array(choiceSchema).optional(),
  linkedTable: z.string().min(1).optional(),
  inverseField: z.string().min(1).optional(),
  linkField: z.string().min(1).optional(),
  lookupField: z.string().min(1).optional(),
  aggregation: z.string().min(1).optional(),
  formula: z.string().min(1).optional(),
  fields: z.array(z.string()).optional(),
})

export const fieldDefinitionSchema = z.object({
  id: idOf('fld').optional(),
  name: z.string().trim().min(1, 'a field needs a name'),
  type: z.enum(FIELD_TYPES, {
    error: (issue) => `unknown field type ${JSON.stringify(issue.input)}`,
  }),
  description: z.string().optional(),
  options: fieldOptionsDefinitionSchema.optional(),
})
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>

export const viewDefinitionSchema = z.object({
  id: idOf('viw').optional(),
  name: z.string().trim().min(1, 'a view needs a name'),
  type: z.enum(VIEW_TYPES).optional(),
  filterByFormula: z.string().optional(),
  sort: z
    .array(z.object({ field: z.string(), direction: z.enum(['asc', 'desc']).optional() }))
    .optional(),
})
export type ViewDefinitionInput = z.infer<typeof viewDefinitionSchema>

export const recordDefinitionSchema = z.object({
  id: idOf('rec').optional(),
  /** ISO-8601; the record is created at that moment (createdTime fields follow). */
  createdTime: z.iso.datetime().optional(),
  fields: z.record(z.string(), z.unknown()),
})
export type RecordDefinition = z.infer<typeof recordDefinitionSchema>

export const tableDefinitionSchema = z.object({
  id: idOf('tbl').optional(),
  name: z.string().trim().min(1, 'a table needs a name'),
  description: z.string().optional(),
  /** The first field is the primary field. */
  fields: z.array(fieldDefinitionSchema).min(1, 'a table needs at least one field'),
  /** "Grid view" always exists; list it here only to give it an ID. */
  views: z.array(viewDefinitionSchema).optional(),
  records: z.array(recordDefinitionSchema).optional(),
})
export type TableDefinition = z.infer<typeof tableDefinitionSchema>

export const baseDefinitionSchema = z.object({
  id: idOf('app').optional(),
  name: z.string().trim().min(1, 'a base needs a name'),
  /** Source of the derived IDs; defaults to the base name. */
  seed: z.string().optional(),
  tables: z.array(tableDefinitionSchema),
})
/** A base definition as written (input of the loader). */
export type BaseDefinition = z.input<typeof baseDefinitionSchema>
/** A base definition after validation. */
export type ParsedBaseDefinition = z.infer<typeof baseDefinitionSchema>
