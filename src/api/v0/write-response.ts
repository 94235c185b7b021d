/**
 * The answer to a write, from its settled mutations (request order), in Airtable's shapes
 * (airtable-api.md §2.6–2.9): the bare record or `{records}` (`createdRecords`/`updatedRecords`
 * added for upserts), `{id, deleted}` for deletes, records projected to what the caller may read
 * and keyed by name or ID (`returnFieldsByFieldId`). A failed mutation answers Airtable's error
 * envelope with its status (the first failure in request order). A mutation held in a `manual`
 * conflict answers 202, as does a wait that timed out: `{mutations:[{id, recordId, state}]}`
 * (protocol/mutations.ts) — the write is accepted and will be settled later.
 *
 * Upserts: whether Airtable created or updated is inferred [?]: a record whose `createdTime` is
 * not before the mutation was accepted (to the second) was created by it.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import {
  airtableRecordSchema,
  errorBody,
  findField,
  type AcceptedWrite,
  type AirtableRecord,
  type Fields,
} from '../../protocol/index.ts'
import type { StoredMutation } from '../../store/index.ts'
import { prepareRenderer } from '../render.ts'
import { LinkedCells } from '../links.ts'
import type { WriteBody } from './write-body.ts'
import type { WriteTarget } from './write-policy.ts'
import { visibleTable } from '../../policy/index.ts'

/** Status and JSON body. */
export interface WriteReply {
  status: ContentfulStatusCode
  body: unknown
}

/** The 202 answer: every mutation's ID, record and state. */
export function acceptedReply(mutations: readonly StoredMutation[]): WriteReply {
  const body: AcceptedWrite = {
    mutations: mutations.map((m) => {
      const recordId = m.recordId ?? m.tempRecordId
      return recordId === undefined
        ? { id: m.mutationId, state: m.state }
        : { id: m.mutationId, recordId, state: m.state }
    }),
  }
  return { status: 202, body }
}

/** The answer once every mutation is settled (see the module header). */
export function settledReply(
  target: WriteTarget,
  request: { body: WriteBody; mutations: readonly StoredMutation[] },
): WriteReply {
  const { body, mutations } = request
  const failed = mutations.find((m) => m.state === 'failed')
  if (failed !== undefined) return failureReply(failed)
  if (mutations.some((m) => m.state !== 'committed')) return acceptedReply(mutations)
  if (body.verb === 'delete') {
    const records = mutations.map((m) => ({ id: recordIdOf(m), deleted: true as const }))
    return { status: 200, body: body.kind === 'single' ? records[0] : { records } }
  }
  const render = prepareRenderer(
    visibleTable(target.access).fields,
    {
      cellFormat: 'json',
      returnFieldsByFieldId: body.returnFieldsByFieldId,
      recordMetadata: [],
    },
    { linked: new LinkedCells(target.schema), commentCount: 'omit' },
  )
  const records = mutations.map((m) => render({ ...committedRecord(target, m), lastSeq: 0 }))
  if (body.kind === 'single') return { status: 200, body: records[0] }
  if (body.fieldsToMergeOn === undefined) return { status: 200, body: { records } }
  const createdRecords: string[] = []
  const updatedRecords: string[] = []
  mutations.forEach((m, i) => {
    const id = records[i]?.id ?? recordIdOf(m)
    const list = createdByUpsert(m, records[i]) ? createdRecords : updatedRecords
    if (!list.includes(id)) list.push(id)
  })
  return { status: 200, body: { createdRecords, updatedRecords, records } }
}

function failureReply(mutation: StoredMutation): WriteReply {
  const error = mutation.lastError as { type?: unknown; message?: unknown; status?: unknown }
  const type = typeof error.type === 'string' ? error.type : 'SERVER_ERROR'
  const status = typeof error.status === 'number' && error.status >= 400 ? error.status : 500
  const message = typeof error.message === 'string' ? error.message : undefined
  return { status: status as ContentfulStatusCode, body: errorBody(type, message) }
}

function recordIdOf(mutation: StoredMutation): string {
  return mutation.recordId ?? mutation.tempRecordId ?? ''
}

/**
 * Airtable's record from the committed mutation, fields by field ID whatever the writer kept
 * (names or IDs). A mutation settled without its own answer (folded into another, or cancelled
 * with a later delete) is shown as it was written.
 */
function committedRecord(target: WriteTarget, mutation: StoredMutation): AirtableRecord {
  const parsed = airtableRecordSchema.safeParse(mutation.result)
  if (parsed.success) {
    const fields: Fields = {}
    for (const [key, value] of Object.entries(parsed.data.fields)) {
      const field = findField(target.table, key)
      if (field !== undefined) fields[field.id] = value
    }
    return { id: parsed.data.id, createdTime: parsed.data.createdTime, fields }
  }
  const written = Object.fromEntries(
    Object.entries(mutation.fields ?? {}).filter(([, value]) => value !== null),
  )
  return { id: recordIdOf(mutation), createdTime: mutation.createdAt, fields: written }
}

function createdByUpsert(mutation: StoredMutation, record: AirtableRecord | undefined): boolean {
  if (mutation.op === 'create') return true
  if (mutation.op !== 'upsert' || record === undefined) return false
  const acceptedSecondMs = Math.floor(Date.parse(mutation.createdAt) / 1000) * 1000
  return Date.parse(record.createdTime) >= acceptedSecondMs
}
