/**
 * The writer's Airtable side: one planned request sent through the shared client (priority
 * `write`, fields by ID), and batched reads of current records (`OR(RECORD_ID()=…)`, ≤ 100 per
 * call) for conflict checks and reverts.
 *
 * A request Airtable refuses as a whole (422, 403, …) may be refused for one bad record: it is
 * split and each record sent alone, so only the bad ones fail. Answers come back per entry, in
 * the request's order (Airtable answers creates, updates and upserts in request order).
 */
import {
  AirtableError,
  classifyError,
  type AirtableClient,
  type CallOptions,
} from '../airtable/index.ts'
import { isAirtableId, type AirtableRecord } from '../protocol/index.ts'
import type { Clock } from '../shared/index.ts'
import type { PlannedRequest } from './batch.ts'
import type { CoalescedMutation } from './coalesce.ts'
import { formulaString } from './reconcile.ts'

/** How one entry of a request ended. */
export type EntryOutcome =
  | { entry: CoalescedMutation; ok: true; record: AirtableRecord | undefined; latencyMs: number }
  | { entry: CoalescedMutation; ok: false; error: AirtableError; latencyMs: number }

/** What sending needs. */
export interface SendContext {
  airtable: AirtableClient
  baseId: string
  clock: Clock
  signal?: AbortSignal | undefined
}

/** Records per `OR(RECORD_ID()=…)` read. */
const MAX_IDS_PER_READ = 100

/** Sends a planned request; splits a refused multi-record request into single-record ones. */
export async function sendRequest(
  ctx: SendContext,
  request: PlannedRequest,
): Promise<EntryOutcome[]> {
  const startedMs = ctx.clock.now()
  try {
    const records = await sendOnce(ctx, request)
    const latencyMs = ctx.clock.now() - startedMs
    return request.mutations.map((entry, i) => ({
      entry,
      ok: true,
      record: records[i],
      latencyMs,
    }))
  } catch (caught) {
    if (!(caught instanceof AirtableError)) throw caught
    const latencyMs = ctx.clock.now() - startedMs
    if (classifyError(caught) === 'fatal' && request.mutations.length > 1) {
      const parts = await Promise.all(
        request.mutations.map((entry) => sendRequest(ctx, { ...request, mutations: [entry] })),
      )
      return parts.flat()
    }
    return request.mutations.map((entry) => ({ entry, ok: false, error: caught, latencyMs }))
  }
}

async function sendOnce(
  ctx: SendContext,
  request: PlannedRequest,
): Promise<(AirtableRecord | undefined)[]> {
  const table = ctx.airtable.table(ctx.baseId, request.tableId)
  const call: CallOptions = { priority: 'write', ...(ctx.signal && { signal: ctx.signal }) }
  const flags = { ...call, typecast: request.typecast, returnFieldsByFieldId: true }
  const entries = request.mutations
  switch (request.kind) {
    case 'create':
      return table.create(
        entries.map((e) => ({ fields: e.fields })),
        flags,
      )
    case 'update':
    case 'replace':
      return table.update(
        entries.map((e) => ({ id: e.recordId ?? '', fields: e.fields })),
        { ...flags, destructive: request.kind === 'replace' },
      )
    case 'upsert': {
      const response = await table.upsert(
        entries.map((e) => ({ fields: e.fields })),
        { ...flags, fieldsToMergeOn: [...(request.mergeFieldIds ?? [])] },
      )
      return response.records
    }
    case 'delete':
      await table.delete(
        entries.map((e) => e.recordId ?? ''),
        call,
      )
      return entries.map(() => undefined)
  }
}

/**
 * Airtable's current records of a table by ID (fields by ID), reading ≤ 100 per request.
 * IDs that are not Airtable record IDs are skipped; records Airtable does not have are absent.
 */
export async function fetchRecords(
  ctx: SendContext,
  target: { tableId: string; recordIds: readonly string[] },
): Promise<Map<string, AirtableRecord>> {
  const ids = [...new Set(target.recordIds)].filter((id) => isAirtableId(id, 'rec'))
  const table = ctx.airtable.table(ctx.baseId, target.tableId)
  const found = new Map<string, AirtableRecord>()
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_READ) {
    const chunk = ids.slice(i, i + MAX_IDS_PER_READ)
    const filterByFormula = `OR(${chunk.map((id) => `RECORD_ID()=${formulaString(id)}`).join(',')})`
    const records = await table.all(
      { filterByFormula, returnFieldsByFieldId: true, pageSize: 100 },
      { priority: 'write', ...(ctx.signal && { signal: ctx.signal }) },
    )
    for (const record of records) found.set(record.id, record)
  }
  return found
}
