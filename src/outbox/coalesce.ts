/**
 * Coalescing: consecutive unsent mutations of one record become one request's worth of work.
 *
 * Invariants (proved by the property test in coalesce.test.ts):
 * - Applying the coalesced mutations one by one leaves every record as applying the originals
 *   one by one would (final state preserved).
 * - Per-record order is kept: a mutation only merges into the *latest* entry of its record, and
 *   never into one already sent (`sending`, or reconciling, which the store keeps as `sending`):
 *   a mutation in flight fences its record.
 * - Every input mutation ends up in exactly one entry's `mutationIds` or in `cancelled`.
 *
 * Rules, earlier `a` then later `b` of the same record, both unsent and with the same `typecast`:
 * | a \ b   | update           | replace       | delete               |
 * |---------|------------------|---------------|----------------------|
 * | create  | create a∪b       | create b      | both cancelled       |
 * | update  | update a∪b       | replace b     | delete               |
 * | replace | replace a∪b      | replace b     | delete               |
 * | upsert  | upsert a∪b       | —             | —                    |
 * `a∪b` is PATCH merging (b's values win, `null` clears). Upserts with the same merge fields and
 * values merge too. A create that goes through upsert (it has merge fields) may hit an existing
 * record, so it is neither cancelled by a delete nor folded with a replace. A `delete` absorbs
 * nothing after it. "create b" for a PUT is exact but for field defaults, which Airtable's REST
 * create does not apply either [?].
 *
 * Members of a merged entry ride along: they are sent, committed or failed together, so each
 * writer learns what happened to its own mutation.
 *
 * A mutation whose link cells name a temporary ID (temp-links.ts) is never merged into an
 * earlier entry: it waits for that create (batch.ts) without holding up what came before it, and
 * a create never takes in a link to a later create — two creates never wait for each other.
 */
import type { Fields } from '../protocol/index.ts'
import type { MutationOp, StoredMutation } from '../store/index.ts'
import { tempLinksOf } from './temp-links.ts'

/** What coalescing reads of a pending mutation (a {@link StoredMutation} fits). */
export type PendingMutation = Pick<
  StoredMutation,
  | 'mutationId'
  | 'position'
  | 'tableId'
  | 'recordId'
  | 'tempRecordId'
  | 'op'
  | 'fields'
  | 'baseFields'
  | 'mergeFieldIds'
  | 'typecast'
  | 'state'
  | 'createdAt'
>

/** One request's worth of work for one record. */
export interface CoalescedMutation {
  /** Identifies the record: `tableId` + record ID, temporary ID or upsert merge values. */
  key: string
  /** The mutations it carries, in order; all share its outcome. */
  mutationIds: string[]
  /** The first member's position: entries are in position order. */
  position: number
  tableId: string
  recordId: string | undefined
  tempRecordId: string | undefined
  op: MutationOp
  /** Fields by ID (empty for a delete). */
  fields: Fields
  /** What the writers last saw, per field: the earliest member's view of each field. */
  baseFields: Fields | undefined
  mergeFieldIds: readonly string[] | undefined
  typecast: boolean
  /** When each field was last edited (epoch ms of the member that wrote it), for latest-wins. */
  fieldEditedAtMs: Record<string, number>
  /** Already sent: fences its record, never merged into, not to be batched again. */
  inFlight: boolean
}

/** The outcome of {@link coalesce}. */
export interface CoalesceResult {
  /** Position order. */
  mutations: CoalescedMutation[]
  /** Mutations that need no request: a create and a later delete of it, with all between. */
  cancelled: { mutationId: string; by: string }[]
}

/** Coalesces a base's pending mutations, given in position order. Pure. */
export function coalesce(pending: readonly PendingMutation[]): CoalesceResult {
  const entries: (CoalescedMutation | undefined)[] = []
  const latestByKey = new Map<string, number>()
  const cancelled: { mutationId: string; by: string }[] = []
  for (const mutation of pending) {
    const entry = entryOf(mutation)
    const index = latestByKey.get(entry.key)
    const previous = index === undefined ? undefined : entries[index]
    const merged = previous === undefined ? undefined : merge(previous, entry)
    if (index !== undefined && merged === 'cancel' && previous !== undefined) {
      const deleteId = entry.mutationIds[0] ?? ''
      const createId = previous.mutationIds[0] ?? ''
      for (const id of previous.mutationIds) cancelled.push({ mutationId: id, by: deleteId })
      cancelled.push({ mutationId: deleteId, by: createId })
      entries[index] = undefined
      latestByKey.delete(entry.key)
    } else if (index !== undefined && merged !== undefined && merged !== 'cancel') {
      entries[index] = merged
    } else {
      latestByKey.set(entry.key, entries.length)
      entries.push(entry)
    }
  }
  return { mutations: entries.filter((e) => e !== undefined), cancelled }
}

/** The record key of a mutation (see {@link CoalescedMutation.key}). */
export function recordKeyOf(mutation: PendingMutation): string {
  const id = mutation.recordId ?? mutation.tempRecordId
  if (id !== undefined) return `${mutation.tableId}/${id}`
  if (mutation.mergeFieldIds !== undefined) {
    const values = mutation.mergeFieldIds.map((fieldId) => mutation.fields?.[fieldId] ?? null)
    return `${mutation.tableId}/upsert:${JSON.stringify([...mutation.mergeFieldIds])}=${JSON.stringify(values)}`
  }
  // Nothing identifies the record (a create without a temporary ID): it stands alone.
  return `${mutation.tableId}/mutation:${mutation.mutationId}`
}

function entryOf(mutation: PendingMutation): CoalescedMutation {
  const fields = mutation.op === 'delete' ? {} : { ...(mutation.fields ?? {}) }
  const editedAtMs = Date.parse(mutation.createdAt)
  return {
    key: recordKeyOf(mutation),
    mutationIds: [mutation.mutationId],
    position: mutation.position,
    tableId: mutation.tableId,
    recordId: mutation.recordId,
    tempRecordId: mutation.tempRecordId,
    op: mutation.op,
    fields,
    baseFields: mutation.baseFields === undefined ? undefined : { ...mutation.baseFields },
    mergeFieldIds: mutation.mergeFieldIds,
    typecast: mutation.typecast ?? false,
    fieldEditedAtMs: Object.fromEntries(Object.keys(fields).map((id) => [id, editedAtMs])),
    inFlight: mutation.state !== 'queued',
  }
}

type MergeShape = 'union' | 'later' | 'cancel' | undefined

/** Which rule of the module header's table applies to `a` then `b`. */
function shapeOf(a: CoalescedMutation, b: CoalescedMutation): MergeShape {
  const viaUpsert = a.mergeFieldIds !== undefined
  switch (a.op) {
    case 'create':
      if (b.op === 'update') return 'union'
      if (b.op === 'replace') return viaUpsert ? undefined : 'later'
      if (b.op === 'delete') return viaUpsert ? undefined : 'cancel'
      return undefined
    case 'update':
    case 'replace':
      if (b.op === 'update') return 'union'
      if (b.op === 'replace' || b.op === 'delete') return 'later'
      return undefined
    case 'upsert':
      if (b.op === 'update') return 'union'
      return b.op === 'upsert' && sameList(a.mergeFieldIds, b.mergeFieldIds) ? 'union' : undefined
    case 'delete':
      return undefined
  }
}

function merge(
  a: CoalescedMutation,
  b: CoalescedMutation,
): CoalescedMutation | 'cancel' | undefined {
  if (a.inFlight || b.inFlight || a.typecast !== b.typecast) return undefined
  if (tempLinksOf(b.fields).length > 0) return undefined
  const shape = shapeOf(a, b)
  if (shape === undefined || shape === 'cancel') return shape
  const union = shape === 'union'
  return {
    ...a,
    mutationIds: [...a.mutationIds, ...b.mutationIds],
    // A union keeps the earlier op (create, upsert, replace or update); otherwise see shapeOp.
    op: union ? a.op : shapeOp(a, b),
    recordId: a.recordId ?? b.recordId,
    fields: union ? { ...a.fields, ...b.fields } : { ...b.fields },
    baseFields: mergeBase(a.baseFields, b.baseFields),
    fieldEditedAtMs: union
      ? { ...a.fieldEditedAtMs, ...b.fieldEditedAtMs }
      : { ...b.fieldEditedAtMs },
  }
}

/** The op of a non-union merge: create∪replace stays a create, else the later op. */
function shapeOp(a: CoalescedMutation, b: CoalescedMutation): MutationOp {
  return a.op === 'create' ? 'create' : b.op
}

/** The earliest view of each field wins: that is what the first writer saw before any of this. */
function mergeBase(a: Fields | undefined, b: Fields | undefined): Fields | undefined {
  if (a === undefined) return b === undefined ? undefined : { ...b }
  return { ...(b ?? {}), ...a }
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? [])
}
