/**
 * Batch planning: which requests to send next, from a base's coalesced mutations.
 *
 * A plan is one *round*: requests that may be sent at once (concurrently, to keep the base at
 * its 5 requests/s while each takes hundreds of milliseconds). Invariants (property-tested):
 * - a request holds at most `maxRecordsPerRequest` (10) records, all of one table and one kind,
 *   with the same `typecast` (and the same merge fields, for upserts);
 * - a record appears at most once in a round, and only its *earliest* pending entry, and not while
 *   an earlier entry of it is in flight: two mutations of one record are never reordered, whatever
 *   order the round's requests complete in;
 * - tables take turns: requests are dealt round-robin by table, starting after the table served
 *   last (`afterTableId`), so a flood in one table does not starve the others;
 * - no request names a temporary ID, as its record or in a link cell: Airtable does not know them.
 *   An entry whose link cells name the temporary ID of a create among the entries waits for it
 *   (and fences its record); one naming any other temporary ID is unresolved.
 * Kinds: `create` (a create of a table without merge fields), `upsert` (performUpsert: `upsert`
 * mutations, and creates with merge fields — their own or the table's — so a create whose outcome
 * is unknown can be repeated safely), `update` (PATCH), `replace` (PUT), `delete`.
 */
import { isAirtableId } from '../protocol/index.ts'
import type { CoalescedMutation } from './coalesce.ts'
import { tempLinksOf } from './temp-links.ts'

/** Airtable's per-request record limit (airtable-api.md §2). */
export const MAX_RECORDS_PER_REQUEST = 10

/** The Airtable call a request makes. */
export type RequestKind = 'create' | 'upsert' | 'update' | 'replace' | 'delete'

/** One request to Airtable. */
export interface PlannedRequest {
  tableId: string
  kind: RequestKind
  typecast: boolean
  /** performUpsert's fieldsToMergeOn (field IDs); upserts only. */
  mergeFieldIds: readonly string[] | undefined
  /** In position order; at most `maxRecordsPerRequest`. */
  mutations: CoalescedMutation[]
}

/** Options of {@link planRound}. */
export interface PlanOptions {
  /** @default MAX_RECORDS_PER_REQUEST (10) */
  maxRecordsPerRequest?: number
  /** How many requests this round may hold (the limiter's budget). @default Infinity */
  maxRequests?: number
  /** The table served last in the previous round; this round starts with the next table. */
  afterTableId?: string | undefined
  /** Tables' declared merge fields (field IDs): their creates go through upsert. */
  mergeFieldIdsByTable?: Readonly<Record<string, readonly string[]>>
  /**
   * Whether a record ID is a temporary one (a create's, not yet resolved to Airtable's).
   * @default not an Airtable record ID (`rec` + 14 characters)
   */
  isTemporaryId?: (recordId: string) => boolean
  /** The base's link fields (field IDs), whose cells may name temporary IDs. @default every array cell */
  linkFieldIds?: ReadonlySet<string> | undefined
}

/** A round of requests and what did not make it. */
export interface Plan {
  requests: PlannedRequest[]
  /** Pass as `afterTableId` next round. */
  lastTableId: string | undefined
  /**
   * Entries that wait: an earlier entry of their record, or the create a link cell names, is
   * pending or in flight.
   */
  waiting: number
  /**
   * Entries naming a temporary record ID — as their record, or in a link cell — with no create
   * among the entries (it was cancelled or failed, or the caller did not substitute the real ID):
   * unsendable, for the caller to settle.
   */
  unresolved: CoalescedMutation[]
}

/** Plans the next round from coalesced mutations in position order. Pure. */
export function planRound(
  mutations: readonly CoalescedMutation[],
  options: PlanOptions = {},
): Plan {
  const maxRecords = options.maxRecordsPerRequest ?? MAX_RECORDS_PER_REQUEST
  const isTemporary = options.isTemporaryId ?? ((id: string) => !isAirtableId(id, 'rec'))
  const busy = new Set(mutations.filter((m) => m.inFlight).map((m) => m.key))
  const openTemps = new Set(
    mutations.flatMap((m) =>
      (m.op === 'create' || m.op === 'upsert') && m.tempRecordId !== undefined
        ? [m.tempRecordId]
        : [],
    ),
  )
  const groups = new Map<string, Group>()
  const unresolved: CoalescedMutation[] = []
  let waiting = 0
  for (const mutation of mutations) {
    if (mutation.inFlight) continue
    if (busy.has(mutation.key)) {
      waiting += 1
      continue
    }
    // Whatever happens to it, later entries of this record wait for it.
    busy.add(mutation.key)
    if (
      mutation.op !== 'create' &&
      mutation.op !== 'upsert' &&
      isTemporary(mutation.recordId ?? '')
    ) {
      unresolved.push(mutation)
      continue
    }
    const links = tempLinksOf(mutation.fields, options.linkFieldIds)
    if (links.some((id) => openTemps.has(id))) {
      waiting += 1
      continue
    }
    if (links.length > 0) {
      unresolved.push(mutation)
      continue
    }
    const shape = shapeOf(mutation, options.mergeFieldIdsByTable)
    const id = `${mutation.tableId}|${shape.kind}|${String(shape.typecast)}|${JSON.stringify(shape.mergeFieldIds ?? [])}`
    const group = groups.get(id) ?? { shape, members: [], upsertValues: new Set<string>() }
    groups.set(id, group)
    if (shape.kind === 'upsert') {
      // Two records with the same merge values in one upsert would both match one record [?]:
      // the second waits a round and then updates what the first created.
      const values = JSON.stringify(
        (shape.mergeFieldIds ?? []).map((f) => mutation.fields[f] ?? null),
      )
      if (group.upsertValues.has(values)) {
        waiting += 1
        continue
      }
      group.upsertValues.add(values)
    }
    group.members.push(mutation)
  }
  const { requests, lastTableId } = deal(requestsByTable(groups, maxRecords), options)
  return { requests, lastTableId, waiting, unresolved }
}

type Shape = Omit<PlannedRequest, 'mutations'>
interface Group {
  shape: Shape
  members: CoalescedMutation[]
  upsertValues: Set<string>
}

function shapeOf(
  mutation: CoalescedMutation,
  mergeFieldIdsByTable: PlanOptions['mergeFieldIdsByTable'],
): Shape {
  const base = { tableId: mutation.tableId, typecast: mutation.typecast, mergeFieldIds: undefined }
  switch (mutation.op) {
    case 'create': {
      const mergeFieldIds = mutation.mergeFieldIds ?? mergeFieldIdsByTable?.[mutation.tableId]
      return mergeFieldIds === undefined || mergeFieldIds.length === 0
        ? { ...base, kind: 'create' }
        : { ...base, kind: 'upsert', mergeFieldIds }
    }
    case 'upsert':
      return {
        ...base,
        kind: 'upsert',
        mergeFieldIds: mutation.mergeFieldIds ?? mergeFieldIdsByTable?.[mutation.tableId],
      }
    case 'update':
    case 'replace':
    case 'delete':
      return { ...base, kind: mutation.op }
  }
}

/** Each table's requests, groups in order of their oldest entry, chunked to the record limit. */
function requestsByTable(
  groups: ReadonlyMap<string, Group>,
  maxRecords: number,
): Map<string, PlannedRequest[]> {
  const ordered = [...groups.values()].sort(
    (a, b) => (a.members[0]?.position ?? 0) - (b.members[0]?.position ?? 0),
  )
  const byTable = new Map<string, PlannedRequest[]>()
  for (const group of ordered) {
    const list = byTable.get(group.shape.tableId) ?? []
    byTable.set(group.shape.tableId, list)
    for (let i = 0; i < group.members.length; i += maxRecords) {
      list.push({ ...group.shape, mutations: group.members.slice(i, i + maxRecords) })
    }
  }
  return byTable
}

/** Deals requests round-robin by table (sorted IDs), starting after `afterTableId`. */
function deal(
  byTable: ReadonlyMap<string, PlannedRequest[]>,
  options: PlanOptions,
): { requests: PlannedRequest[]; lastTableId: string | undefined } {
  const max = options.maxRequests ?? Number.POSITIVE_INFINITY
  const tables = [...byTable.keys()].sort()
  const after = options.afterTableId
  const start = after === undefined ? 0 : tables.findIndex((t) => t > after)
  const rotation = start <= 0 ? tables : [...tables.slice(start), ...tables.slice(0, start)]
  const queues = rotation.map((table) => [...(byTable.get(table) ?? [])])
  const requests: PlannedRequest[] = []
  let lastTableId = after
  while (requests.length < max && queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift()
      if (next === undefined || requests.length >= max) continue
      requests.push(next)
      lastTableId = next.tableId
    }
  }
  return { requests, lastTableId }
}
