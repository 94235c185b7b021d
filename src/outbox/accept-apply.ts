/**
 * The acting half of accepting a write (accept.ts decides): in the caller's transaction, the
 * optimistic mirror writes (source `local`, so the feed carries them, attributed to each
 * mutation), the outbox rows in request order, and one audit entry per mutation (source `api`,
 * outcome `accepted`).
 */
import type { Fields } from '../protocol/index.ts'
import {
  appendAudit,
  deleteRecords,
  enqueueMutations,
  upsertRecords,
  type AuditInput,
  type Db,
  type MutationInput,
  type MutationOp,
} from '../store/index.ts'

/** A record state as accept.ts plans it (fields by field ID). */
interface PlannedRecord {
  id: string
  createdTime: string
  fields: Fields
}

/** One record's decided write. */
export interface PlannedWrite {
  mutationId: string
  op: MutationOp
  /** The record (for creates, the temporary ID). */
  recordId: string
  tempRecordId: string | undefined
  before: PlannedRecord | undefined
  /** Undefined for a delete. */
  after: PlannedRecord | undefined
  /** What the outbox sends; undefined for a delete. */
  fields: Fields | undefined
  baseFields: Fields | undefined
  mergeFieldIds: string[] | undefined
}

/** What the request says about every record. */
export interface ApplyOptions {
  baseId: string
  table: { id: string }
  typecast?: boolean | undefined
  actor?: string | undefined
  actorRole?: string | undefined
  idempotency?: { key: string } | undefined
}

/** Writes the plans (see the module header). */
export async function applyPlans(
  tx: Db,
  request: { options: ApplyOptions; plans: readonly PlannedWrite[]; requestId: string },
): Promise<void> {
  const { options, plans, requestId } = request
  const table = { baseId: options.baseId, tableId: options.table.id }
  for (const plan of plans) {
    const origin = { source: 'local' as const, actor: options.actor, mutationId: plan.mutationId }
    if (plan.after === undefined)
      await deleteRecords(tx, { ...table, ...origin, ids: [plan.recordId] })
    else await upsertRecords(tx, { ...table, ...origin, records: [plan.after], mode: 'replace' })
  }
  await enqueueMutations(
    tx,
    plans.map((plan): MutationInput => ({
      mutationId: plan.mutationId,
      baseId: options.baseId,
      tableId: options.table.id,
      recordId: plan.tempRecordId === undefined ? plan.recordId : undefined,
      tempRecordId: plan.tempRecordId,
      op: plan.op,
      fields: plan.fields,
      baseFields: plan.baseFields,
      mergeFieldIds: plan.mergeFieldIds,
      typecast: options.typecast ?? false,
      requestId,
      idempotencyKey: options.idempotency?.key,
      actor: options.actor,
    })),
  )
  await appendAudit(
    tx,
    plans.map((plan): AuditInput => ({
      ...table,
      recordId: plan.recordId,
      mutationId: plan.mutationId,
      actor: options.actor,
      actorRole: options.actorRole,
      source: 'api',
      action: plan.op,
      before: plan.before?.fields,
      after: plan.after?.fields,
      outcome: 'accepted',
      detail: { requestId },
    })),
  )
}
