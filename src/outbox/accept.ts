/**
 * Accepting a write (issue 4, "Write API" and the first bullet of "Outbox"): one request's records
 * are validated against the schema and the mirror, checked by the caller's policy (the
 * `authorize` port: the API supplies it, this module knows no policies), and then — in ONE
 * transaction — written optimistically to the mirror (source `local`, so the change feed carries
 * them), queued in the outbox (one mutation per record, sharing a `request_id`) and recorded in
 * the audit log (source `api`, outcome `accepted`). The feed NOTIFYs at commit. Anything refused
 * throws before the transaction commits: nothing is queued, mirrored or audited.
 *
 * Invariants:
 * - Records are handled in request order; a record written twice in a request sees its own
 *   earlier write (as Airtable applies a batch in order). Mutations are enqueued in that order.
 * - The feed lock is taken first (store/feed.ts lock order); every record read after it is
 *   stable until commit, so the policy decides on what is written.
 * - An `Idempotency-Key` is claimed in the same transaction: a refused request leaves it free.
 * - A link cell may name a create's temporary ID: kept while the create is open (the writer
 *   holds the write until it commits), Airtable's ID once it committed (accept-mirror.ts).
 *
 * What each record becomes in the outbox (fields by field ID; `null` clears):
 * | request                     | outbox op | record                                   |
 * |-----------------------------|-----------|------------------------------------------|
 * | POST                        | create    | temporary ID (`tmp…`, protocol/mutations) |
 * | PATCH / PUT with id         | update / replace | the ID (real or temporary)        |
 * | DELETE                      | delete    | the ID                                   |
 * | upsert, matches one record  | update / replace | the matched record                |
 * | upsert, matches none        | upsert    | temporary ID, merge field IDs; PUT adds `null` for every other editable field (PUT = PATCH that clears the rest) |
 */
import { randomUUID } from 'node:crypto'
import {
  isComputedField,
  isTempRecordId,
  newId,
  newTempRecordId,
  type BaseSchema,
  type Field,
  type Fields,
  type Table,
} from '../protocol/index.ts'
import {
  claimIdempotencyKey,
  compactFields,
  findCreatesByTempIds,
  getRecords,
  lockFeed,
  type Db,
  type IdempotencyKeyRef,
  type MutationOp,
} from '../store/index.ts'
import { applyPlans, type PlannedWrite } from './accept-apply.ts'
import { matchUpsert, mergeFieldsOf, recomputeLookups, resolveLinks } from './accept-mirror.ts'
import {
  resolveField,
  rowDoesNotExistError,
  validateFields,
  WriteValidationError,
} from './validate.ts'

/** The HTTP verb's meaning: POST, PATCH, PUT, DELETE. */
export type AcceptVerb = 'create' | 'update' | 'replace' | 'delete'

/** One record of a request, as the client sent it (fields by name or ID). */
export interface AcceptRecordInput {
  id?: string | undefined
  fields?: unknown
  /** airsync extension: the values the writer last saw (see protocol/mutations.ts). */
  baseFields?: unknown
}

/** A record as the mirror holds it, fields by field ID. */
export interface RecordState {
  id: string
  createdTime: string
  fields: Fields
}

/** What the policy port decides on, per record. */
export interface WriteCheckInput {
  operation: 'create' | 'update' | 'delete'
  table: Table
  /** The record before (update, delete). */
  before: RecordState | undefined
  /** The record after (create, update), lookups over new links recomputed. */
  after: RecordState | undefined
  /** Field IDs written; a PUT writes every editable field (it clears those it does not list). */
  fieldIdsWritten: string[]
}

/** Options of {@link acceptWrites}. */
export interface AcceptOptions {
  baseId: string
  schema: BaseSchema
  table: Table
  verb: AcceptVerb
  /** In request order; more than 10 is fine (the writer splits). */
  records: readonly AcceptRecordInput[]
  /** @default false */
  typecast?: boolean
  /** Whether typecast may create select options (see validate.ts). @default true */
  createSelectOptions?: boolean
  /** performUpsert.fieldsToMergeOn (names or IDs); PATCH and PUT only. */
  fieldsToMergeOn?: readonly string[] | undefined
  /** Who: a user's `sub`, or `service`. */
  actor?: string | undefined
  actorRole?: string | undefined
  /** Fields the caller may know of; others are UNKNOWN_FIELD_NAME. @default all */
  isKnown?: (field: Field) => boolean
  /**
   * The policy: throw to refuse (nothing is queued). Called once, with every record, inside the
   * transaction (`tx`: read through it, never through another handle).
   */
  authorize?: (checks: readonly WriteCheckInput[], tx: Db) => Promise<void> | void
  /**
   * The rows the caller may update or delete (the policy's row rules, read rule included). A
   * record outside it is answered exactly as one that does not exist (ROW_DOES_NOT_EXIST), an
   * upsert matches only within it, and an upsert that matches nothing is queued as a plain
   * create (Airtable would merge it over every row). @default every row
   */
  scope?: WriteScope | undefined
  /** Claim this key (see store/idempotency.ts) in the same transaction. */
  idempotency?: (IdempotencyKeyRef & { requestHash: string }) | undefined
  /** Epoch ms for new records' createdTime. @default Date.now() */
  nowMs?: number
}

/** Which of `records` (read through `tx`) the caller may `operation`: their IDs. */
export type WriteScope = (
  operation: 'update' | 'delete',
  records: readonly RecordState[],
  tx: Db,
) => Promise<ReadonlySet<string>>

/** One accepted record: its mutation and what the request expects of it. */
export interface AcceptedRecord {
  mutationId: string
  op: MutationOp
  /** The record: real, or temporary for a create or an upsert that matched nothing. */
  recordId: string
  tempRecordId: string | undefined
  expect: 'created' | 'updated' | 'deleted'
  /** The optimistic record (undefined for a delete). */
  after: RecordState | undefined
}

/** What {@link acceptWrites} did. */
export type AcceptResult =
  | { kind: 'accepted'; requestId: string; records: AcceptedRecord[] }
  /** The key's first request was answered: send this again. */
  | { kind: 'replay'; statusCode: number; response: unknown; mutationIds: string[] }
  /** The key's first request was accepted and is not answered yet: wait for these. */
  | { kind: 'in-progress'; mutationIds: string[] }

interface Plan extends AcceptedRecord, PlannedWrite {
  check: WriteCheckInput
}

interface PlanContext extends AcceptOptions {
  db: Db
  typecast: boolean
  working: Map<string, RecordState>
  /** Temporary IDs named by the request whose creates have committed → Airtable's IDs. */
  aliases: Map<string, string>
  merge: Field[] | undefined
  nowMs: number
}

/** Accepts one request's records; see the module header. */
export async function acceptWrites(db: Db, options: AcceptOptions): Promise<AcceptResult> {
  const mutationIds = options.records.map(() => newId('mut'))
  return db.transaction(async (tx) => {
    if (options.idempotency !== undefined) {
      const claim = await claimIdempotencyKey(tx, { ...options.idempotency, mutationIds })
      if (claim.status === 'mismatch') throw idempotencyMismatch(options.idempotency.key)
      if (claim.status === 'replay') {
        const { statusCode, response, mutationIds: ids } = claim
        return { kind: 'replay', statusCode, response, mutationIds: ids }
      }
      if (claim.status === 'in-progress') {
        return { kind: 'in-progress', mutationIds: claim.mutationIds }
      }
    }
    await lockFeed(tx)
    const ctx = await planContext(tx, options)
    const plans: Plan[] = []
    for (const [index, input] of options.records.entries()) {
      plans.push(await planRecord(ctx, { input, mutationId: mutationIds[index] ?? newId('mut') }))
    }
    await options.authorize?.(
      plans.map((p) => p.check),
      tx,
    )
    const requestId = randomUUID()
    await applyPlans(tx, { options, plans, requestId })
    return { kind: 'accepted', requestId, records: plans.map(acceptedOf) }
  })
}

function idempotencyMismatch(key: string): WriteValidationError {
  return new WriteValidationError({
    type: 'INVALID_REQUEST_UNKNOWN',
    message: `Invalid request: the Idempotency-Key "${key}" was already used with a different request`,
  })
}

async function planContext(tx: Db, options: AcceptOptions): Promise<PlanContext> {
  const named = options.records.flatMap((r) => (typeof r.id === 'string' ? [r.id] : []))
  const aliases = await committedTempIds(tx, { baseId: options.baseId, ids: named })
  const ids = named.map((id) => aliases.get(id) ?? id)
  const stored = await inScope(tx, {
    options,
    records: await getRecords(tx, { baseId: options.baseId, tableId: options.table.id, ids }),
  })
  const resolve = (key: string): Field => resolveField(options.table, key, fieldOptions(options))
  return {
    ...options,
    db: tx,
    typecast: options.typecast ?? false,
    working: new Map(stored.map((r) => [r.id, { ...r }])),
    aliases,
    merge:
      options.fieldsToMergeOn === undefined
        ? undefined
        : mergeFieldsOf(options.table, options.fieldsToMergeOn, resolve),
    nowMs: options.nowMs ?? Date.now(),
  }
}

/** The records of `request` within the caller's scope for the verb (all without a scope). */
async function inScope<T extends RecordState>(
  tx: Db,
  request: { options: AcceptOptions; records: readonly T[] },
): Promise<T[]> {
  const { scope, verb } = request.options
  if (scope === undefined || request.records.length === 0) return [...request.records]
  const admitted = await scope(verb === 'delete' ? 'delete' : 'update', request.records, tx)
  return request.records.filter((record) => admitted.has(record.id))
}

/**
 * A temporary ID stays valid after its create commits: a client that queued an edit of a record
 * it created may send it after the writer swapped the ID (the mirror then knows only Airtable's).
 */
async function committedTempIds(
  tx: Db,
  options: { baseId: string; ids: readonly string[] },
): Promise<Map<string, string>> {
  const temps = options.ids.filter(isTempRecordId)
  const creates = await findCreatesByTempIds(tx, { baseId: options.baseId, tempRecordIds: temps })
  const aliases = new Map<string, string>()
  for (const create of creates) {
    const { tempRecordId, recordId } = create
    if (create.state !== 'committed' || tempRecordId === undefined) continue
    if (recordId !== undefined && !isTempRecordId(recordId)) aliases.set(tempRecordId, recordId)
  }
  return aliases
}

function fieldOptions(options: AcceptOptions): { isKnown?: (field: Field) => boolean } {
  return options.isKnown === undefined ? {} : { isKnown: options.isKnown }
}

async function planRecord(
  ctx: PlanContext,
  request: { input: AcceptRecordInput; mutationId: string },
): Promise<Plan> {
  const { input, mutationId } = request
  if (ctx.verb === 'delete') {
    const before = existing(ctx, input.id)
    ctx.working.delete(before.id)
    return {
      ...common(mutationId, 'delete', before.id),
      expect: 'deleted',
      before,
      after: undefined,
      fields: undefined,
      check: {
        operation: 'delete',
        table: ctx.table,
        before,
        after: undefined,
        fieldIdsWritten: [],
      },
    }
  }
  // Airtable checks the record exists before its cells (emulator: planUpdates).
  const target =
    ctx.verb === 'create' || (ctx.merge !== undefined && input.id === undefined)
      ? undefined
      : existing(ctx, input.id)
  const cells = validateFields(ctx.table, input.fields, {
    typecast: ctx.typecast,
    createSelectOptions: ctx.createSelectOptions ?? true,
    current: target?.fields,
    ...fieldOptions(ctx),
  })
  await resolveLinks(ctx, { table: ctx.table, cells, typecast: ctx.typecast })
  const baseFields = baseFieldsOf(ctx, input.baseFields)
  if (target !== undefined) return update(ctx, { mutationId, target, cells, baseFields })
  const matched =
    ctx.merge === undefined
      ? undefined
      : await matchUpsert(ctx, {
          table: ctx.table,
          merge: ctx.merge,
          cells,
          within: (records) => inScope(ctx.db, { options: ctx, records }),
        })
  if (matched !== undefined) {
    const target = ctx.working.get(matched) ?? (await load(ctx, matched))
    return update(ctx, { mutationId, target, cells, baseFields })
  }
  return create(ctx, { mutationId, cells, baseFields })
}

/** A record the request did not name (an upsert's match), read under the feed lock. */
async function load(ctx: PlanContext, id: string): Promise<RecordState> {
  const [record] = await getRecords(ctx.db, {
    baseId: ctx.baseId,
    tableId: ctx.table.id,
    ids: [id],
  })
  if (record === undefined) throw rowDoesNotExistError(id)
  const state = { id: record.id, createdTime: record.createdTime, fields: record.fields }
  ctx.working.set(id, state)
  return state
}

function existing(ctx: PlanContext, id: string | undefined): RecordState {
  const record = id === undefined ? undefined : ctx.working.get(ctx.aliases.get(id) ?? id)
  if (record === undefined) throw rowDoesNotExistError(id ?? 'undefined')
  return record
}

function common(mutationId: string, op: MutationOp, recordId: string) {
  return {
    mutationId,
    op,
    recordId,
    tempRecordId: undefined,
    baseFields: undefined,
    mergeFieldIds: undefined,
  }
}

async function update(
  ctx: PlanContext,
  request: {
    mutationId: string
    target: RecordState
    cells: Fields
    baseFields: Fields | undefined
  },
): Promise<Plan> {
  const { target: before, cells } = request
  const replace = ctx.verb === 'replace'
  const kept = replace ? computedCells(ctx.table, before.fields) : before.fields
  const after: RecordState = { ...before, fields: compactFields({ ...kept, ...cells }) }
  await recomputeLookups(ctx, {
    table: ctx.table,
    fields: after.fields,
    changedFieldIds: new Set(Object.keys(cells)),
  })
  ctx.working.set(after.id, after)
  return {
    ...common(request.mutationId, replace ? 'replace' : 'update', before.id),
    expect: 'updated',
    before,
    after,
    fields: replace ? compactFields(cells) : cells,
    baseFields: request.baseFields,
    check: {
      operation: 'update',
      table: ctx.table,
      before,
      after,
      fieldIdsWritten: replace ? editableFieldIds(ctx.table) : Object.keys(cells),
    },
  }
}

async function create(
  ctx: PlanContext,
  request: { mutationId: string; cells: Fields; baseFields: Fields | undefined },
): Promise<Plan> {
  const tempRecordId = newTempRecordId()
  const createdTime = new Date(Math.floor(ctx.nowMs / 1000) * 1000).toISOString()
  const after: RecordState = { id: tempRecordId, createdTime, fields: compactFields(request.cells) }
  await recomputeLookups(ctx, {
    table: ctx.table,
    fields: after.fields,
    changedFieldIds: new Set(Object.keys(request.cells)),
  })
  ctx.working.set(tempRecordId, after)
  // Under a scope Airtable's own merge could match a row outside it: send a plain create.
  const upsert = ctx.merge !== undefined && ctx.scope === undefined
  // A PUT upsert that finds a match at send time must clear the rest: say so with nulls.
  const cleared =
    upsert && ctx.verb === 'replace'
      ? Object.fromEntries(editableFieldIds(ctx.table).map((id) => [id, null]))
      : {}
  return {
    ...common(request.mutationId, upsert ? 'upsert' : 'create', tempRecordId),
    tempRecordId,
    expect: 'created',
    before: undefined,
    after,
    fields: { ...cleared, ...compactFields(request.cells) },
    baseFields: request.baseFields,
    mergeFieldIds: upsert ? ctx.merge?.map((f) => f.id) : undefined,
    check: {
      operation: 'create',
      table: ctx.table,
      before: undefined,
      after,
      fieldIdsWritten: Object.keys(request.cells),
    },
  }
}

function computedCells(table: Table, fields: Fields): Fields {
  const computed = new Set(table.fields.filter(isComputedField).map((f) => f.id))
  return Object.fromEntries(Object.entries(fields).filter(([id]) => computed.has(id)))
}

function editableFieldIds(table: Table): string[] {
  return table.fields.filter((f) => !isComputedField(f)).map((f) => f.id)
}

/** The `baseFields` extension by field ID; values are not validated (they are what was read). */
function baseFieldsOf(ctx: PlanContext, raw: unknown): Fields | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new WriteValidationError({
      type: 'INVALID_REQUEST_UNKNOWN',
      message: 'Invalid request: "baseFields" must be an object',
    })
  }
  const result: Fields = {}
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    result[resolveField(ctx.table, key, fieldOptions(ctx)).id] = value ?? null
  }
  return result
}

function acceptedOf(plan: Plan): AcceptedRecord {
  return {
    mutationId: plan.mutationId,
    op: plan.op,
    recordId: plan.recordId,
    tempRecordId: plan.tempRecordId,
    expect: plan.expect,
    after: plan.after,
  }
}
