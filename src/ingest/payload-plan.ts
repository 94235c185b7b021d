/**
 * Webhook payloads → the mirror operations they stand for (airtable-api.md §7.5), in order. Pure:
 * the ingester (payload-ingester.ts) applies the operations in one transaction per page.
 *
 * Per payload, in this order: tables created (with any records they carry), then per changed
 * table its created records (whole records, with createdTime), changed records (the changed cells
 * plus the `unchanged` ones the webhook includes: a merge, `null` clears), destroyed records and
 * destroyed fields; last, destroyed tables. Airtable splits one action into several payloads, so
 * applying payloads in cursor order replays the base's history.
 */
import type { Fields, WebhookPayload } from '../protocol/index.ts'
import { cellsToV1, type FieldLookup } from './cells-v1.ts'

/** One mirror operation, attributed to whoever made the change in Airtable. */
export type IngestOp = IngestOpBody & { actor: string | undefined; action: AirtableAction }

/** Who made a change and when, as the payload reports it (for the audit log). */
export interface AirtableAction {
  /** ISO time of the payload. */
  timestamp: string
  baseTransactionNumber: number
  /** `actionMetadata.source`: `client`, `publicApi`, `automation`, … (undefined: not sent). */
  source: string | undefined
  /** The collaborator or token owner, for `client` and `publicApi`. */
  user: { id: string; email?: string; name?: string } | undefined
}

/** What an operation does. */
export type IngestOpBody =
  /** Whole records (created in Airtable): replace. */
  | {
      kind: 'create'
      tableId: string
      records: { id: string; createdTime: string; fields: Fields }[]
    }
  /** Changed cells of records (merge; `null` clears). Records the mirror lacks are fetched. */
  | { kind: 'change'; tableId: string; records: { id: string; fields: Fields }[] }
  | { kind: 'destroy'; tableId: string; recordIds: string[] }
  /** Fields deleted: their cells leave every record of the table. */
  | { kind: 'drop-fields'; tableId: string; fieldIds: string[] }
  /** Tables deleted: every record leaves the mirror. */
  | { kind: 'drop-table'; tableId: string }

/** Why a payload cannot be applied: the webhook reported an error and is broken (§7.2). */
export interface PayloadErrorReport {
  code: string
  baseTransactionNumber: number
}

/** What a page of payloads asks of the mirror. */
export interface IngestPlan {
  ops: IngestOp[]
  /** Tables whose records change (their view orders go stale). */
  touchedTableIds: Set<string>
  /** Fields or tables were created, changed or destroyed: the stored schema must be refreshed. */
  schemaChanged: boolean
  /** Set when a payload is an error payload; nothing after it is planned. */
  error: PayloadErrorReport | undefined
}

/** True when a payload changes the schema (fields, table metadata, tables). */
export function changesSchema(payload: WebhookPayload): boolean {
  if (payload.createdTablesById !== undefined || payload.destroyedTableIds !== undefined) {
    return true
  }
  return Object.values(payload.changedTablesById ?? {}).some(
    (t) =>
      t.changedMetadata !== undefined ||
      t.createdFieldsById !== undefined ||
      t.changedFieldsById !== undefined ||
      t.destroyedFieldIds !== undefined,
  )
}

/** Plans `payloads` (in cursor order) against the base's fields as `lookup` knows them. */
export function planPayloads(payloads: readonly WebhookPayload[], lookup: FieldLookup): IngestPlan {
  const plan: IngestPlan = {
    ops: [],
    touchedTableIds: new Set(),
    schemaChanged: false,
    error: undefined,
  }
  for (const payload of payloads) {
    if (payload.error === true) {
      plan.error = {
        code: payload.code ?? 'UNKNOWN',
        baseTransactionNumber: payload.baseTransactionNumber,
      }
      break
    }
    if (changesSchema(payload)) plan.schemaChanged = true
    planOne(payload, lookup, plan)
  }
  return plan
}

/**
 * Who a payload's change is attributed to in the feed: `airtable:<user ID>` for a collaborator's
 * or token's edit, `airtable:<source>` for automations, forms, sync and the like.
 */
export function actorOf(payload: WebhookPayload): string | undefined {
  const meta = payload.actionMetadata
  if (meta === undefined) return undefined
  const user = meta.sourceMetadata?.user
  return user === undefined ? `airtable:${meta.source}` : `airtable:${user.id}`
}

/** The payload's who and when, for the audit log. */
export function actionOf(payload: WebhookPayload): AirtableAction {
  const user = payload.actionMetadata?.sourceMetadata?.user
  return {
    timestamp: payload.timestamp,
    baseTransactionNumber: payload.baseTransactionNumber,
    source: payload.actionMetadata?.source,
    user:
      user === undefined
        ? undefined
        : {
            id: user.id,
            ...(user.email !== undefined && { email: user.email }),
            ...(user.name !== undefined && { name: user.name }),
          },
  }
}

function planOne(payload: WebhookPayload, lookup: FieldLookup, plan: IngestPlan): void {
  const actor = actorOf(payload)
  const action = actionOf(payload)
  const push = (body: IngestOpBody): void => {
    const op: IngestOp = { ...body, actor, action }
    plan.ops.push(op)
    if (op.kind !== 'drop-fields') plan.touchedTableIds.add(op.tableId)
  }
  for (const [tableId, created] of Object.entries(payload.createdTablesById ?? {})) {
    const records = createdRecords(tableId, created.recordsById, lookup)
    if (records.length > 0) push({ kind: 'create', tableId, records })
  }
  for (const [tableId, change] of Object.entries(payload.changedTablesById ?? {})) {
    const created = createdRecords(tableId, change.createdRecordsById, lookup)
    if (created.length > 0) push({ kind: 'create', tableId, records: created })
    const changed = Object.entries(change.changedRecordsById ?? {}).map(([id, c]) => ({
      id,
      // `unchanged` first: a cell cannot be in both, but `current` is the authority if it were.
      fields: cellsToV1(
        { ...c.unchanged?.cellValuesByFieldId, ...c.current.cellValuesByFieldId },
        { tableId, lookup },
      ),
    }))
    if (changed.length > 0) push({ kind: 'change', tableId, records: changed })
    const destroyed = change.destroyedRecordIds ?? []
    if (destroyed.length > 0) push({ kind: 'destroy', tableId, recordIds: [...destroyed] })
    const fieldIds = change.destroyedFieldIds ?? []
    if (fieldIds.length > 0) push({ kind: 'drop-fields', tableId, fieldIds: [...fieldIds] })
  }
  for (const tableId of payload.destroyedTableIds ?? []) push({ kind: 'drop-table', tableId })
}

function createdRecords(
  tableId: string,
  byId:
    | Record<string, { createdTime: string; cellValuesByFieldId: Record<string, unknown> }>
    | undefined,
  lookup: FieldLookup,
): { id: string; createdTime: string; fields: Fields }[] {
  return Object.entries(byId ?? {}).map(([id, record]) => ({
    id,
    createdTime: record.createdTime,
    fields: cellsToV1(record.cellValuesByFieldId, { tableId, lookup }),
  }))
}
