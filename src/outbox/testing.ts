/**
 * Test helpers for the outbox's pure core: a pending-mutation builder and a tiny model of a
 * table's records that applies mutations the way Airtable does (PATCH merges, PUT replaces,
 * `null` and blanks clear). No test framework imports here.
 */
import type { Fields } from '../protocol/index.ts'
import type { MutationOp } from '../store/index.ts'
import { isEmptyCell } from '../formula/index.ts'
import type { PendingMutation } from './coalesce.ts'

let position = 0

/** A queued mutation with sensible defaults; positions increase with each call. */
export function pending(
  init: Partial<PendingMutation> & { op: MutationOp; mutationId: string },
): PendingMutation {
  position += 1
  return {
    position,
    tableId: 'tblA',
    recordId: undefined,
    tempRecordId: undefined,
    fields: undefined,
    baseFields: undefined,
    mergeFieldIds: undefined,
    typecast: false,
    state: 'queued',
    createdAt: new Date(Date.UTC(2024, 0, 1) + position * 1000).toISOString(),
    ...init,
  }
}

/** Records by key (`tableId/id`); a missing key is a record that does not exist. */
export type RecordModel = Map<string, Fields>

/** What the model needs of a mutation. */
export interface ModelMutation {
  key: string
  op: MutationOp
  fields: Fields | undefined
}

/** Applies one mutation to the model; a write to a missing record does nothing (Airtable 404s). */
export function applyToModel(model: RecordModel, mutation: ModelMutation): void {
  const current = model.get(mutation.key)
  const fields = mutation.fields ?? {}
  switch (mutation.op) {
    case 'create':
      model.set(mutation.key, withoutBlanks(fields))
      return
    case 'upsert':
      model.set(mutation.key, withoutBlanks({ ...(current ?? {}), ...fields }))
      return
    case 'update':
      if (current !== undefined) model.set(mutation.key, withoutBlanks({ ...current, ...fields }))
      return
    case 'replace':
      if (current !== undefined) model.set(mutation.key, withoutBlanks(fields))
      return
    case 'delete':
      model.delete(mutation.key)
      return
  }
}

function withoutBlanks(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => !isEmptyCell(value)))
}
