/**
 * The record part of a payload: created, changed and destroyed records of one table, at table
 * level or as seen through a view (records entering or leaving it are created/destroyed there).
 * See build-payload.ts for the placement choices.
 */
import type { TableChange } from '../state/types.ts'
import { cellsToV2, type V2Context } from './cell-v2.ts'
import type {
  PayloadChangedRecord,
  PayloadCreatedRecord,
  PayloadRecordChanges,
} from './payload-types.ts'
import type { ChangeType, WebhookSpecification } from './spec.ts'

/** Where the webhook looks, resolved from `recordChangeScope`. */
export type ResolvedScope =
  | { kind: 'base' }
  | { kind: 'table'; tableId: string }
  | {
      kind: 'view'
      tableId: string
      viewId: string
      /** Records in the view before and after the transaction. */
      before: ReadonlySet<string>
      after: ReadonlySet<string>
    }

/** The base as payloads read it: V2 conversion plus records' creation times. */
export interface PayloadContext extends V2Context {
  createdTime(tableId: string, recordId: string): string | undefined
}

/** The webhook's options plus the base, as the builders need them. */
export interface Rules {
  spec: WebhookSpecification['options']
  ctx: PayloadContext
  allows(change: ChangeType): boolean
}

type Changed = TableChange['changedRecords'] extends Map<string, infer C> ? C : never

function watches(rules: Rules, fieldId: string): boolean {
  const watched = rules.spec.filters.watchDataInFieldIds
  return watched === undefined || watched.includes(fieldId)
}

function changedFieldIds(c: Changed): string[] {
  return [...new Set([...Object.keys(c.current), ...Object.keys(c.previous)])]
}

function createdEntry(
  tableId: string,
  created: { createdTime: string; cells: Record<string, unknown> },
  ctx: V2Context,
): PayloadCreatedRecord {
  return {
    createdTime: created.createdTime,
    cellValuesByFieldId: cellsToV2(created.cells, { ctx, tableId, cells: created.cells }),
  }
}

function keepsCreated(rules: Rules, cells: Record<string, unknown>): boolean {
  return Object.keys(cells).some((id) => watches(rules, id))
}

function changedEntry(tableId: string, c: Changed, rules: Rules): PayloadChangedRecord | undefined {
  const fieldIds = changedFieldIds(c)
  if (!fieldIds.some((id) => watches(rules, id))) return undefined
  const { ctx } = rules
  const current: Record<string, unknown> = {}
  for (const id of fieldIds) current[id] = c.current[id] ?? null
  const entry: PayloadChangedRecord = {
    current: { cellValuesByFieldId: cellsToV2(current, { ctx, tableId, cells: c.all }) },
  }
  const includes = rules.spec.includes
  if (includes?.includePreviousCellValues === true) {
    // Lookups follow the links the record had before, so rebuild the previous cells.
    const before: Record<string, unknown> = { ...c.all }
    const previous: Record<string, unknown> = {}
    for (const id of fieldIds) {
      previous[id] = c.previous[id] ?? null
      if (c.previous[id] === undefined) delete before[id]
      else before[id] = c.previous[id]
    }
    entry.previous = { cellValuesByFieldId: cellsToV2(previous, { ctx, tableId, cells: before }) }
  }
  const include = includes?.includeCellValuesInFieldIds
  if (include !== undefined) {
    const unchanged: Record<string, unknown> = {}
    const wanted = include === 'all' ? Object.keys(c.all) : include
    for (const id of wanted) {
      if (fieldIds.includes(id) || c.all[id] === undefined) continue
      unchanged[id] = c.all[id]
    }
    if (Object.keys(unchanged).length > 0) {
      entry.unchanged = {
        cellValuesByFieldId: cellsToV2(unchanged, { ctx, tableId, cells: c.all }),
      }
    }
  }
  return entry
}

function collect(out: PayloadRecordChanges): PayloadRecordChanges | undefined {
  const result: PayloadRecordChanges = {}
  if (out.createdRecordsById && Object.keys(out.createdRecordsById).length > 0) {
    result.createdRecordsById = out.createdRecordsById
  }
  if (out.changedRecordsById && Object.keys(out.changedRecordsById).length > 0) {
    result.changedRecordsById = out.changedRecordsById
  }
  if (out.destroyedRecordIds && out.destroyedRecordIds.length > 0) {
    result.destroyedRecordIds = out.destroyedRecordIds
  }
  return Object.keys(result).length > 0 ? result : undefined
}

/** Record changes of a table, for a base or table scope. */
export function buildRecordChanges(
  tableId: string,
  change: TableChange,
  rules: Rules,
): PayloadRecordChanges | undefined {
  const created: Record<string, PayloadCreatedRecord> = {}
  const changed: Record<string, PayloadChangedRecord> = {}
  const destroyed: string[] = []
  if (rules.allows('add')) {
    for (const [id, rec] of change.createdRecords) {
      if (keepsCreated(rules, rec.cells)) created[id] = createdEntry(tableId, rec, rules.ctx)
    }
  }
  if (rules.allows('update')) {
    for (const [id, c] of change.changedRecords) {
      const entry = changedEntry(tableId, c, rules)
      if (entry !== undefined) changed[id] = entry
    }
  }
  if (rules.allows('remove')) destroyed.push(...change.destroyedRecordIds)
  return collect({
    createdRecordsById: created,
    changedRecordsById: changed,
    destroyedRecordIds: destroyed,
  })
}

/** Record changes as seen through a view: entering = created, leaving = destroyed. */
export function buildViewRecordChanges(
  target: { tableId: string; change: TableChange },
  rules: Rules,
  scope: Extract<ResolvedScope, { kind: 'view' }>,
): PayloadRecordChanges | undefined {
  const { tableId, change } = target
  const { before, after } = scope
  const created: Record<string, PayloadCreatedRecord> = {}
  const changed: Record<string, PayloadChangedRecord> = {}
  const destroyed: string[] = []
  for (const [id, rec] of change.createdRecords) {
    if (after.has(id) && rules.allows('add') && keepsCreated(rules, rec.cells)) {
      created[id] = createdEntry(tableId, rec, rules.ctx)
    }
  }
  for (const [id, c] of change.changedRecords) {
    const wasIn = before.has(id)
    const isIn = after.has(id)
    if (wasIn && isIn && rules.allows('update')) {
      const entry = changedEntry(tableId, c, rules)
      if (entry !== undefined) changed[id] = entry
    } else if (!wasIn && isIn && rules.allows('add')) {
      const createdTime = rules.ctx.createdTime(tableId, id) ?? ''
      created[id] = createdEntry(tableId, { createdTime, cells: c.all }, rules.ctx)
    } else if (wasIn && !isIn && rules.allows('remove')) {
      destroyed.push(id)
    }
  }
  if (rules.allows('remove')) {
    destroyed.push(...change.destroyedRecordIds.filter((id) => before.has(id)))
  }
  return collect({
    createdRecordsById: created,
    changedRecordsById: changed,
    destroyedRecordIds: destroyed,
  })
}
