/**
 * Upsert (airtable-api.md §2.8): records with `id` are plain updates (the id must exist); records
 * without `id` are matched on `fieldsToMergeOn` (1–3 editable fields of allowed types): no match
 * creates, one match updates (PATCH merges, PUT replaces), more than one fails the whole request.
 * A record without `id` lacking a merge value fails too. The error type for misuse is undocumented
 * [?]; we use INVALID_UPSERT (behaviour.upsertMergeFieldTypes widens the allowed types).
 */
import type { Field } from '../../protocol/index.ts'
import { isComputedField } from '../../protocol/index.ts'
import { cellEqual } from './cells/equal.ts'
import { invalidUpsert, unknownField } from './errors.ts'
import type { CellPlan, PlanContext } from './writes.ts'
import { existingRecord, planCells } from './writes.ts'
import type { RecordInput } from './types.ts'

/** One step of an upsert plan, in request order. */
export type UpsertStep =
  { kind: 'create'; plan: CellPlan } | { kind: 'update'; recordId: string; plan: CellPlan }

/** Resolves and checks `fieldsToMergeOn`. */
export function mergeFields(ctx: PlanContext, names: readonly string[]): Field[] {
  const list: unknown = names
  if (!Array.isArray(list) || names.length < 1 || names.length > 3) {
    throw invalidUpsert('fieldsToMergeOn must list between 1 and 3 fields')
  }
  return names.map((name) => {
    const field = typeof name === 'string' ? ctx.table.field(name) : undefined
    if (!field) throw unknownField(String(name))
    if (isComputedField(field) || !ctx.model.behaviour.upsertMergeFieldTypes.includes(field.type)) {
      throw invalidUpsert(
        `Field "${field.name}" of type ${field.type} cannot be used in fieldsToMergeOn`,
      )
    }
    return field
  })
}

/** Validates every record and decides, per record, create or update. */
export function planUpsert(
  ctx: PlanContext,
  inputs: readonly RecordInput[],
  merge: readonly Field[],
): UpsertStep[] {
  return inputs.map((input) => {
    if (input.id !== undefined) {
      const record = existingRecord(ctx.table, input.id)
      return { kind: 'update', recordId: record.id, plan: planCells(ctx, input.fields, record) }
    }
    const plan = planCells(ctx, input.fields)
    for (const field of merge) {
      if (plan.get(field.id) === undefined) {
        throw invalidUpsert(`Record is missing a value for the merge field "${field.name}"`)
      }
    }
    const matches: string[] = []
    for (const record of ctx.table.records.values()) {
      if (merge.every((f) => cellEqual(record.cells[f.id], plan.get(f.id)))) matches.push(record.id)
      if (matches.length > 1) {
        throw invalidUpsert(
          `Cannot update more than one record with the same value(s) for fieldsToMergeOn: ${merge.map((f) => f.name).join(', ')}`,
        )
      }
    }
    const match = matches[0]
    if (match === undefined) return { kind: 'create', plan }
    // An update plan must see the matched record's cells (attachments kept by id).
    const record = existingRecord(ctx.table, match)
    return { kind: 'update', recordId: match, plan: planCells(ctx, input.fields, record) }
  })
}
