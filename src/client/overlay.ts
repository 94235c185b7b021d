/**
 * This device's pending writes laid over server data (pure): what the app shows is the cached
 * server answer with every queued, unsettled write applied in order — updates merged, deletes
 * removed, creates added where the list's query admits them. Rolling back a refused write is
 * therefore just dropping it from the queue; a server event can never resurrect an old value
 * under a pending edit, because the edit is re-applied on top.
 *
 * IDs: `aliases` maps a temporary ID to its newest known ID (the server's `tmp…`, then
 * Airtable's `rec…`); a create whose record the server data already holds is not added twice.
 */
import type { AirtableRecord } from '../protocol/index.ts'
import { mergeFields, project, upsertIntoList, type ListShape } from './list-patch.ts'
import type { QueuedWrite } from './storage.ts'

/** Resolves a record ID through the alias chain. */
export function resolveId(id: string, aliases: ReadonlyMap<string, string>): string {
  let current = id
  for (let hops = 0; hops < 4; hops++) {
    const next = aliases.get(current)
    if (next === undefined || next === current) return current
    current = next
  }
  return current
}

/** A list with the pending writes of its table applied. */
export function overlayList(
  records: readonly AirtableRecord[],
  writes: readonly QueuedWrite[],
  context: { shape: ListShape; aliases: ReadonlyMap<string, string> },
): AirtableRecord[] {
  let out = [...records]
  const { shape, aliases } = context
  // A projected list lacks the fields a filter may read: edits patch in place, no re-check.
  const patchShape: ListShape = shape.fields === undefined ? shape : { ...shape, query: undefined }
  for (const write of writes) {
    for (const item of write.records) {
      const id = resolveId(item.id, aliases)
      const index = out.findIndex((r) => r.id === id || r.id === item.id)
      const current = out[index]
      if (write.op === 'delete') {
        if (index !== -1) out = out.filter((_, i) => i !== index)
        continue
      }
      if (write.op === 'create') {
        if (current !== undefined) continue
        const created = { id, createdTime: '', fields: item.fields ?? {} }
        out = upsertIntoList(out, created, shape) ?? out
        continue
      }
      if (current === undefined) continue
      const merged = mergeFields(current.fields, project(item.fields ?? {}, shape.fields))
      out = upsertIntoList(out, { ...current, fields: merged }, patchShape) ?? out
    }
  }
  return out
}

/** One record with the pending writes applied; undefined when deleted (or not created). */
export function overlayRecord(
  record: AirtableRecord | undefined,
  recordId: string,
  context: { writes: readonly QueuedWrite[]; aliases: ReadonlyMap<string, string> },
): AirtableRecord | undefined {
  let out = record
  const id = resolveId(recordId, context.aliases)
  for (const write of context.writes) {
    for (const item of write.records) {
      if (resolveId(item.id, context.aliases) !== id && item.id !== recordId) continue
      if (write.op === 'delete') out = undefined
      else if (write.op === 'create') out ??= { id, createdTime: '', fields: item.fields ?? {} }
      else if (out !== undefined)
        out = { ...out, fields: mergeFields(out.fields, item.fields ?? {}) }
    }
  }
  return out
}
