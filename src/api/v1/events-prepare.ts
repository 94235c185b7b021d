/**
 * One change feed entry, prepared once for every stream that may receive it: its records as the
 * formula evaluator sees them (for the row filters) and its event texts, rendered once per set
 * of readable fields (so a thousand members cost one JSON.stringify, not a thousand). What one
 * viewer receives is decided per viewer by policy/stream.ts `deliverChange`.
 *
 * Link fields: a row filter that reads a link sees the linked records' primary text, loaded
 * here for the link fields any role's row filter on the table reads (rules are the same for
 * every user of a role, only claims differ), so the answer never depends on who is connected.
 */
import {
  deliverChange,
  ROLES,
  type PolicyEngine,
  type FieldSet,
  type Principal,
  type TableAccess,
} from '../../policy/index.ts'
import {
  findField,
  mutationChangeDataSchema,
  type BaseSchema,
  type Field,
  type MutationEvent,
  type RecordEvent,
  type Table,
} from '../../protocol/index.ts'
import type { FormulaRecord } from '../../formula/index.ts'
import { formulaRecord, type ChangeEntry, type Db, type MirrorRecord } from '../../store/index.ts'
import { LinkedCells, loadLinkedCells } from '../links.ts'
import { prepareRenderer } from '../render.ts'
import { linkFieldsOf } from '../select.ts'
import { formatSseEvent } from '../sse.ts'

/** The schema and policies a batch is judged by, and NOW() for row filters. */
export interface StreamView {
  baseId: string
  schema: BaseSchema
  engine: PolicyEngine
  nowMs: number
}

/** One stream's reader: who they are and their access per table (cached by the stream). */
export interface StreamViewer {
  readonly principal: Principal
  access(table: Table): TableAccess
}

/** A feed entry ready to fan out. */
export interface PreparedChange {
  readonly seq: number
  readonly tableId: string
  /** The SSE event (UTF-8) this viewer is sent, or undefined when they are sent nothing. */
  textFor(viewer: StreamViewer): Uint8Array | undefined
}

const FINAL_MUTATION_STATES = {
  committed: 'mutation.committed',
  failed: 'mutation.failed',
  conflict: 'mutation.conflict',
} as const satisfies Record<string, MutationEvent['type']>

/** Prepares an entry; loads linked primary cells when some row filter on its table needs them. */
export async function prepareChange(
  db: Db,
  entry: ChangeEntry,
  view: StreamView,
): Promise<PreparedChange> {
  if (entry.kind === 'mutation') return prepareMutation(entry)
  const table = view.schema.tables.find((t) => t.id === entry.tableId)
  if (table === undefined || entry.recordId === undefined) return skipAll(entry)
  const recordId = entry.recordId
  const rows = [entry.before, entry.after].map((fields) =>
    fields === undefined
      ? undefined
      : { id: recordId, createdTime: entry.at, fields, lastSeq: entry.seq },
  )
  const linked = new LinkedCells(view.schema)
  const linkFields = policyLinkFields(view.engine, table)
  if (linkFields.length > 0) {
    const records = rows.filter((r): r is MirrorRecord => r !== undefined)
    await loadLinkedCells(db, { baseId: view.baseId, fields: linkFields, records, linked })
  }
  const context = linked.cellContext()
  const asFormula = (row: MirrorRecord | undefined): FormulaRecord | null =>
    row === undefined
      ? null
      : formulaRecord(row, {
          field: (name) => findField(table, name),
          linkedPrimaryText: (tableId, id) => context.linkedPrimaryText(tableId, id),
        })
  const change = {
    before: asFormula(rows[0]),
    after: asFormula(rows[1]),
    ...(entry.kind === 'updated' &&
      entry.changedFieldIds !== undefined && { changedFields: entry.changedFieldIds }),
  }
  const texts = new Map<FieldSet, Uint8Array>()
  let removed: Uint8Array | undefined
  const judge = (access: TableAccess): Uint8Array | undefined => {
    switch (deliverChange(access, change, { nowMs: view.nowMs })) {
      case 'skip':
        return undefined
      case 'remove':
        removed ??= eventText({ ...recordEventBase(entry, table), type: 'record.deleted' })
        return removed
      case 'upsert': {
        let text = texts.get(access.readableFieldIds)
        if (text === undefined) {
          text = eventText(upsertEvent(entry, { access, linked, row: rows[1] }))
          texts.set(access.readableFieldIds, text)
        }
        return text
      }
    }
  }
  // The verdict, by row filter (node identity) and readable fields: deliverChange reads nothing
  // else of the access, and an AST is immutable. A role's rule without claims is one node shared
  // by every user of the role, so it is judged once; a rule with claims is bound per user
  // (bindClaims makes a new node), so it is judged per user.
  const verdicts = new Map<TableAccess['rowFilter'], Map<FieldSet, Uint8Array | undefined>>()
  return {
    seq: entry.seq,
    tableId: entry.tableId,
    textFor(viewer) {
      const access = viewer.access(table)
      if (!access.canRead) return undefined
      let byFields = verdicts.get(access.rowFilter)
      if (byFields === undefined) {
        byFields = new Map()
        verdicts.set(access.rowFilter, byFields)
      }
      if (byFields.has(access.readableFieldIds)) return byFields.get(access.readableFieldIds)
      const text = judge(access)
      byFields.set(access.readableFieldIds, text)
      return text
    },
  }
}

function recordEventBase(entry: ChangeEntry, table: Table): RecordEvent {
  return {
    type: 'record.deleted',
    seq: entry.seq,
    baseId: entry.baseId,
    tableId: table.id,
    tableName: table.name,
    recordId: entry.recordId ?? '',
    fields: {},
    source: entry.source,
    at: entry.at,
  }
}

function upsertEvent(
  entry: ChangeEntry,
  input: { access: TableAccess; linked: LinkedCells; row: MirrorRecord | undefined },
): RecordEvent {
  const { access } = input
  const readable = access.table.fields.filter(
    (f) => access.readableFieldIds === 'all' || access.readableFieldIds.has(f.id),
  )
  const render = prepareRenderer(
    readable,
    { cellFormat: 'json', returnFieldsByFieldId: false, recordMetadata: [] },
    { linked: input.linked, commentCount: 'omit' },
  )
  const fields = input.row === undefined ? {} : render(input.row).fields
  const base = recordEventBase(entry, access.table)
  if (entry.kind === 'created') return { ...base, type: 'record.created', fields }
  const changed = new Set(entry.changedFieldIds ?? [])
  return {
    ...base,
    type: 'record.updated',
    fields,
    ...(entry.changedFieldIds !== undefined && {
      changedFields: readable.filter((f) => changed.has(f.id)).map((f) => f.name),
    }),
  }
}

/** Mutation outcomes go to their actor, admins and the service key; other states to nobody. */
function prepareMutation(entry: ChangeEntry): PreparedChange {
  const parsed = mutationChangeDataSchema.safeParse(entry.data)
  const type = parsed.success
    ? FINAL_MUTATION_STATES[parsed.data.state as keyof typeof FINAL_MUTATION_STATES]
    : undefined
  if (!parsed.success || type === undefined || entry.mutationId === undefined) {
    return skipAll(entry)
  }
  const recordId = parsed.data.recordId ?? entry.recordId
  const error = parsed.data.error
  const event: MutationEvent = {
    type,
    seq: entry.seq,
    mutationId: entry.mutationId,
    tableId: entry.tableId,
    ...(recordId !== undefined && { recordId }),
    ...(parsed.data.tempRecordId !== undefined && { tempRecordId: parsed.data.tempRecordId }),
    ...(error !== undefined && { error: { type: error.type, message: error.message } }),
    at: entry.at,
  }
  const text = eventText(event)
  return {
    seq: entry.seq,
    tableId: entry.tableId,
    textFor: (viewer) => (seesMutationsOf(viewer.principal, entry.actor) ? text : undefined),
  }
}

/**
 * True when `principal` may follow mutations by `actor`. Actors are recorded as `user:<sub>`
 * (the API's rate-limit key) or the bare `sub`; both are accepted.
 */
export function seesMutationsOf(principal: Principal, actor: string | undefined): boolean {
  if (principal.kind === 'service' || principal.role === 'admin') return true
  return actor !== undefined && (actor === principal.sub || actor === `user:${principal.sub}`)
}

function skipAll(entry: ChangeEntry): PreparedChange {
  return { seq: entry.seq, tableId: entry.tableId, textFor: () => undefined }
}

const encoder = new TextEncoder()

/** Encoded once: the same bytes are queued on every stream that gets the event. */
function eventText(event: RecordEvent | MutationEvent): Uint8Array {
  return encoder.encode(
    formatSseEvent({ id: event.seq, event: event.type, data: JSON.stringify(event) }),
  )
}

const linkFieldCache = new WeakMap<PolicyEngine, Map<string, Field[]>>()

/** Link fields of `table` read by any role's row filter (cached per engine). */
function policyLinkFields(engine: PolicyEngine, table: Table): Field[] {
  let byTable = linkFieldCache.get(engine)
  if (byTable === undefined) {
    byTable = new Map()
    linkFieldCache.set(engine, byTable)
  }
  let fields = byTable.get(table.id)
  if (fields === undefined) {
    const found = new Map<string, Field>()
    for (const role of ROLES) {
      // Claims only replace USER_*() calls by constants: any user of the role reads the same fields.
      const probe: Principal = { kind: 'user', sub: '', email: '', role, claims: {} }
      const access = engine.policyFor(probe, table.id)
      if (!access.canRead) continue
      for (const field of linkFieldsOf(table, access.rowFilter)) found.set(field.id, field)
    }
    fields = [...found.values()]
    byTable.set(table.id, fields)
  }
  return fields
}
