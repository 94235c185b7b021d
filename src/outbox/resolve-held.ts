/**
 * Settling a held conflict (`manual` policy): a person chose, through
 * `POST /v1/conflicts/{id}/resolve` or the CLI. One transaction: the conflict row is resolved,
 * the held mutations are re-queued with the chosen values (no base any more: the choice is
 * final, so they are written as they are) or dropped, the mirror shows the choice, and each
 * mutation gets its audit and feed entries — the feed's NOTIFY wakes the writer.
 */
import type { Fields } from '../protocol/index.ts'
import {
  getConflict,
  listHeldMutations,
  lockFeed,
  resolveConflict,
  updateMutation,
  upsertRecords,
  type Db,
  type StoredMutation,
} from '../store/index.ts'
import { systemClock } from '../shared/index.ts'
import { applyTransitions, type Transition, type WriterLogger } from './writer-apply.ts'

/** What a person chose for a held conflict. `by` is who (a user's `sub`, `service`). */
export type HeldConflictResolution =
  /** Write the app's values. */
  | { choose: 'local'; by: string }
  /** Keep Airtable's values of the conflicting fields; the other written fields still go. */
  | { choose: 'remote'; by: string }
  /** Write these values (by field ID) for the conflicting fields. */
  | { choose: 'values'; values: Fields; by: string }
  /** Give up the whole mutation. */
  | { choose: 'drop'; by: string }

/** What {@link resolveHeldConflict} did. */
export type HeldConflictOutcome = 'requeued' | 'discarded' | 'dropped' | 'not-open'

const quiet: WriterLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/**
 * Settles held conflict `id`: re-queues its mutations with the chosen values, or drops them.
 * @returns `not-open` when there is no such open conflict (settled already, or unknown)
 */
export async function resolveHeldConflict(
  db: Db,
  id: string,
  resolution: HeldConflictResolution,
): Promise<HeldConflictOutcome> {
  return db.transaction(async (tx) => {
    await lockFeed(tx)
    const conflict = await getConflict(tx, id)
    if (conflict?.status !== 'open') return 'not-open'
    const held = await listHeldMutations(tx, id)
    const atMs = systemClock.now()
    const conflictFields = new Set(conflict.fieldIds)
    const chosen = chosenValues(resolution, {
      local: conflict.localValues,
      remote: conflict.remoteValues,
    })
    const transitions: Transition[] = []
    let outcome: HeldConflictOutcome = resolution.choose === 'drop' ? 'dropped' : 'discarded'
    for (const mutation of held) {
      if (resolution.choose === 'drop') {
        transitions.push({ mutationId: mutation.mutationId, action: drop(resolution.by, atMs) })
        continue
      }
      const fields = rewrite(mutation, {
        chosen,
        conflictFields,
        remote: resolution.choose === 'remote',
      })
      await updateMutation(tx, mutation.mutationId, { fields, baseFields: null })
      const send = resolution.choose !== 'remote' || Object.keys(fields).length > 0
      if (send) outcome = 'requeued'
      transitions.push({
        mutationId: mutation.mutationId,
        action: {
          type: 'resolve',
          conflictId: id,
          outcome: send ? 'send' : 'discard',
          by: resolution.by,
          atMs,
        },
        auditDetail: { choose: resolution.choose },
      })
    }
    await resolveConflict(tx, {
      id,
      resolution: resolution.choose,
      resolvedValues: chosen,
      resolvedBy: resolution.by,
    })
    await applyTransitions(tx, { baseId: conflict.baseId, logger: quiet }, transitions)
    // The mirror shows what will be in Airtable: the chosen values (Airtable's, when dropped).
    const shown = resolution.choose === 'drop' ? conflict.remoteValues : chosen
    await upsertRecords(tx, {
      baseId: conflict.baseId,
      tableId: conflict.tableId,
      records: [{ id: conflict.recordId, fields: shown }],
      mode: 'merge',
      source: 'local',
      actor: resolution.by,
      mutationId: conflict.mutationId,
    })
    return outcome
  })
}

function drop(by: string, atMs: number): Transition['action'] {
  return { type: 'drop', by, atMs }
}

function chosenValues(
  resolution: HeldConflictResolution,
  values: { local: Fields; remote: Fields },
): Fields {
  switch (resolution.choose) {
    case 'local':
      return values.local
    case 'remote':
    case 'drop':
      return values.remote
    case 'values':
      return Object.fromEntries(
        Object.keys(values.local).map((fieldId) => [fieldId, resolution.values[fieldId] ?? null]),
      )
  }
}

/** A held mutation's fields after the choice: conflicting fields replaced or (remote) left out. */
function rewrite(
  mutation: StoredMutation,
  how: { chosen: Fields; conflictFields: ReadonlySet<string>; remote: boolean },
): Fields {
  const fields: Fields = {}
  for (const [fieldId, value] of Object.entries(mutation.fields ?? {})) {
    if (!how.conflictFields.has(fieldId)) fields[fieldId] = value
    else if (!how.remote) fields[fieldId] = how.chosen[fieldId] ?? null
  }
  return fields
}
