/**
 * Turns one base transaction into the payload one webhook sees, or `undefined` when the
 * webhook's filters leave nothing (airtable-api.md §7.2, §7.5). Pure: the base's current state is
 * read through {@link PayloadContext}, view membership is handed in by the caller.
 *
 * Uncertain placements ([?] in the reference), chosen here:
 * - with a view scope, record changes appear only under `changedViewsById`, not at table level;
 * - `watchDataInFieldIds` keeps a changed record when one of its changed cells is watched, a
 *   created record when it has a value in a watched field; destroyed records are always kept;
 * - `current` lists every changed cell of a kept record (cleared cells as `null`);
 * - `unchanged` carries the included fields that did not change and are not empty.
 */
import type { Table } from '../../protocol/schema.ts'
import type { BaseTransaction, TableChange } from '../state/types.ts'
import type {
  ActionMetadata,
  PayloadCreatedTable,
  PayloadTableChange,
  WebhookPayload,
} from './payload-types.ts'
import {
  buildRecordChanges,
  buildViewRecordChanges,
  type PayloadContext,
  type ResolvedScope,
  type Rules,
} from './record-changes.ts'
import type { WebhookSpecification } from './spec.ts'

export type { ResolvedScope } from './record-changes.ts'

/** Permission level reported for the acting user; the emulator has no roles. [?] */
const USER_PERMISSION_LEVEL = 'create'

/** `actionMetadata` of a payload: users are named for client and publicApi only. */
export function actionMetadataOf(tx: BaseTransaction): ActionMetadata {
  const { user, source } = tx
  if (user === undefined || (source !== 'client' && source !== 'publicApi')) return { source }
  return {
    source,
    sourceMetadata: {
      user: {
        id: user.id,
        email: user.email,
        permissionLevel: USER_PERMISSION_LEVEL,
        name: user.name,
      },
    },
  }
}

/** Builds the payload for `tx`, or `undefined` when nothing the filters watch changed. */
export function buildPayload(
  tx: BaseTransaction,
  spec: WebhookSpecification,
  env: { ctx: PayloadContext; scope: ResolvedScope },
): WebhookPayload | undefined {
  const { filters } = spec.options
  if (filters.fromSources !== undefined && !filters.fromSources.includes(tx.source))
    return undefined
  const changeTypes = filters.changeTypes
  const rules: Rules = {
    spec: spec.options,
    ctx: env.ctx,
    allows: (c) => changeTypes === undefined || changeTypes.includes(c),
  }
  const { scope } = env
  const changedTablesById: Record<string, PayloadTableChange> = {}
  for (const [tableId, change] of tx.tables) {
    if (scope.kind !== 'base' && scope.tableId !== tableId) continue
    const built = buildTableChange({ tableId, change }, rules, scope)
    if (built !== undefined) changedTablesById[tableId] = built
  }
  const payload: WebhookPayload = {
    timestamp: tx.timestamp,
    baseTransactionNumber: tx.baseTransactionNumber,
    payloadFormat: 'v0',
    actionMetadata: actionMetadataOf(tx),
  }
  let hasContent = false
  if (Object.keys(changedTablesById).length > 0) {
    payload.changedTablesById = changedTablesById
    hasContent = true
  }
  if (scope.kind === 'base' && rules.allows('add')) {
    const created: Record<string, PayloadCreatedTable> = {}
    for (const [tableId, table] of tx.createdTables) {
      const built = buildCreatedTable(table, rules)
      if (built !== undefined) created[tableId] = built
    }
    if (Object.keys(created).length > 0) {
      payload.createdTablesById = created
      hasContent = true
    }
  }
  if (scope.kind === 'base' && rules.allows('remove') && tx.destroyedTableIds.length > 0) {
    payload.destroyedTableIds = [...tx.destroyedTableIds]
    hasContent = true
  }
  return hasContent ? payload : undefined
}

function buildCreatedTable(table: Table, rules: Rules): PayloadCreatedTable | undefined {
  const { dataTypes } = rules.spec.filters
  const out: PayloadCreatedTable = {}
  if (dataTypes.includes('tableMetadata')) {
    out.metadata = { name: table.name, description: table.description ?? null }
  }
  if (dataTypes.includes('tableFields') && table.fields.length > 0) {
    out.fieldsById = Object.fromEntries(
      table.fields.map((f) => [f.id, { name: f.name, type: f.type }]),
    )
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function buildTableChange(
  target: { tableId: string; change: TableChange },
  rules: Rules,
  scope: ResolvedScope,
): PayloadTableChange | undefined {
  const { tableId, change } = target
  const { dataTypes } = rules.spec.filters
  const out: PayloadTableChange = {}
  if (dataTypes.includes('tableMetadata') && change.changedMetadata && rules.allows('update')) {
    const { current, previous } = change.changedMetadata
    out.changedMetadata = {
      current: { name: current.name, description: current.description ?? null },
      previous: { name: previous.name, description: previous.description ?? null },
    }
  }
  if (dataTypes.includes('tableFields')) Object.assign(out, buildFieldChanges(change, rules))
  if (dataTypes.includes('tableData')) {
    if (scope.kind === 'view') {
      const inView = buildViewRecordChanges(target, rules, scope)
      if (inView !== undefined) out.changedViewsById = { [scope.viewId]: inView }
    } else {
      Object.assign(out, buildRecordChanges(tableId, change, rules))
    }
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function buildFieldChanges(change: TableChange, rules: Rules): PayloadTableChange {
  const { watchSchemasOfFieldIds: watched } = rules.spec.filters
  const withPrevious = rules.spec.includes?.includePreviousFieldDefinitions === true
  const isWatched = (id: string): boolean => watched === undefined || watched.includes(id)
  const out: PayloadTableChange = {}
  if (rules.allows('add') && change.createdFields.size > 0) {
    out.createdFieldsById = Object.fromEntries(
      [...change.createdFields].map(([id, f]) => [id, { name: f.name, type: f.type }]),
    )
  }
  if (rules.allows('update')) {
    const changed = [...change.changedFields].filter(([id]) => isWatched(id))
    if (changed.length > 0) {
      out.changedFieldsById = Object.fromEntries(
        changed.map(([id, c]) => [
          id,
          withPrevious
            ? { current: { ...c.current }, previous: { ...c.previous } }
            : { current: { ...c.current } },
        ]),
      )
    }
  }
  if (rules.allows('remove')) {
    const destroyed = change.destroyedFieldIds.filter(isWatched)
    if (destroyed.length > 0) out.destroyedFieldIds = destroyed
  }
  return out
}
