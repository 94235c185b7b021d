/**
 * The policy model: per table (by name), per role, which rows and fields a user may read, and
 * which rows they may create, update or delete and which fields they may write. Declarative and
 * zod-validated; row rules are Airtable formulas over the record that may call the claim
 * functions of claims.ts.
 *
 * Everything not granted is denied: a table or role without a rule reads and writes nothing.
 * The service key is not subject to policies (see access.ts).
 */
import { z } from 'zod'
import { ROLES } from './roles.ts'

/**
 * Which rows: `'all'`, `'none'`, or formula text over the record, e.g. `{Email} = USER_EMAIL()`.
 * A row qualifies when the formula is truthy for it (errors count as false). The words `all`
 * and `none` are reserved: a formula that is one bare field called "all" is written `{all}`.
 */
export const rowRuleSchema = z.union([
  z.literal('all'),
  z.literal('none'),
  z.string().trim().min(1, 'a row rule is "all", "none" or formula text'),
])
export type RowRule = z.infer<typeof rowRuleSchema>

/** Which fields, by name or ID: `'all'` or a list. Names unknown to the schema grant nothing. */
export const fieldRuleSchema = z.union([z.literal('all'), z.array(z.string().min(1))])
export type FieldRule = z.infer<typeof fieldRuleSchema>

export const readRuleSchema = z.strictObject({ rows: rowRuleSchema, fields: fieldRuleSchema })
export type ReadRule = z.infer<typeof readRuleSchema>

/** One value a {@link writeRuleSchema} `values` list allows (a cell as the mirror holds it). */
export const writeValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()])
export type WriteValue = z.infer<typeof writeValueSchema>

/**
 * Writes. `create` is checked against the record as it will be; `update` against the record
 * before and after the change (so a row cannot be moved out of the writer's reach); `delete`
 * against the record before. `fields` lists the cells the role may write on create and update.
 */
export const writeRuleSchema = z.strictObject({
  create: rowRuleSchema.default('none'),
  update: rowRuleSchema.default('none'),
  delete: rowRuleSchema.default('none'),
  fields: fieldRuleSchema.default([]),
  /**
   * Per field (name or ID), the only values the role may write there; a field not named takes
   * any value its type allows. A select's value is its option name (every item of a multiple
   * select must be listed); `null` allows clearing the cell.
   * @example { 'Booking Status': ['Completed'] }
   */
  values: z.record(z.string().min(1), z.array(writeValueSchema)).default({}),
  /**
   * Whether `typecast` may create new select options, i.e. change the base's schema (Airtable
   * needs creator rights for it). Refused, the write fails as it would without typecast.
   * @default false
   */
  createSelectOptions: z.boolean().default(false),
  /** Why the role may write this, when it differs from the rule's reason. */
  reason: z.string().min(1).optional(),
})
export type WriteRule = z.infer<typeof writeRuleSchema>
export type WriteRuleInput = z.input<typeof writeRuleSchema>

/** One role's rule on one table; `reason` is required so every grant says why it exists. */
export const roleRuleSchema = z.strictObject({
  reason: z.string().min(1),
  read: readRuleSchema,
  write: writeRuleSchema.optional(),
})
export type RoleRule = z.infer<typeof roleRuleSchema>
export type RoleRuleInput = z.input<typeof roleRuleSchema>

/** A table's rules by role; a missing role is denied everything. */
export const tableRulesSchema = z.partialRecord(z.enum(ROLES), roleRuleSchema)
export type TableRules = z.infer<typeof tableRulesSchema>

export const policyDocumentSchema = z.strictObject({
  /** Rules by table name (or ID). */
  tables: z.record(z.string().min(1), tableRulesSchema),
  /**
   * Rules for every table not named in `tables`, and for roles a named table leaves out (e.g.
   * admin reads everything, including tables added to the base later).
   */
  defaults: tableRulesSchema.optional(),
})
export type PolicyDocument = z.infer<typeof policyDocumentSchema>
export type PolicyDocumentInput = z.input<typeof policyDocumentSchema>

/** Validates a policy document (throws zod's error naming the bad path). */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  return policyDocumentSchema.parse(input)
}
