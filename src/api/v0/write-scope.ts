/**
 * Which rows a writer may touch, so that no write answer depends on a row the caller cannot
 * reach: an update or delete (by ID, or an upsert's match) sees only the rows the caller may
 * both read and `update`/`delete` under their policy; any other row is answered as one that does
 * not exist (422 ROW_DOES_NOT_EXIST, airtable-api.md §2.7), whether it is missing, hidden from the
 * caller, or seen but outside their write rule. An operation the role may not perform at all is
 * refused before any record is looked at, with the same 403 for every ID.
 */
import { andFilters, NOT_PERMITTED_MESSAGE, PolicyError } from '../../policy/index.ts'
import type { Node } from '../../formula/index.ts'
import type { TableAccess } from '../../policy/index.ts'
import type { RecordState, WriteScope } from '../../outbox/index.ts'
import type { Db } from '../../store/index.ts'
import { LinkedCells, loadLinkedCells } from '../links.ts'
import { admits, linkFieldsOf } from '../select.ts'
import type { WriteBody } from './write-body.ts'
import type { WriteTarget } from './write-policy.ts'

/**
 * The caller's scope for acceptWrites, or undefined when they may update and delete every row
 * (then an upsert merges over every row, as Airtable does).
 */
export function writeScope(
  target: WriteTarget,
  options: { nowMs: number; baseId: string },
): WriteScope | undefined {
  const { access } = target
  const unrestricted =
    access.rowFilter === null &&
    access.update.rowFilter === null &&
    access.delete.rowFilter === null
  if (unrestricted) return undefined
  return async (operation, records, tx) => {
    const filter = andFilters(access.rowFilter, access[operation].rowFilter)
    const ids = new Set<string>()
    if (filter === null) {
      for (const record of records) ids.add(record.id)
      return ids
    }
    const linked = await linkedFor(tx, { target, records, filter, baseId: options.baseId })
    for (const record of records) {
      const row = { ...record, lastSeq: 0 }
      if (admits(filter, { table: target.table, record: row, linked, nowMs: options.nowMs })) {
        ids.add(record.id)
      }
    }
    return ids
  }
}

async function linkedFor(
  tx: Db,
  request: {
    target: WriteTarget
    records: readonly RecordState[]
    filter: Node
    baseId: string
  },
): Promise<LinkedCells> {
  const linked = new LinkedCells(request.target.schema)
  const fields = linkFieldsOf(request.target.table, request.filter)
  if (fields.length > 0) {
    await loadLinkedCells(tx, {
      baseId: request.baseId,
      fields,
      records: request.records.map((r) => ({ ...r, lastSeq: 0 })),
      linked,
    })
  }
  return linked
}

/**
 * Refuses, before any record is read, a request whose operation the role may not perform on
 * this table at all: 403 INVALID_PERMISSIONS with Airtable's message, the same for every ID.
 * An upsert needs create or update (each record then meets the rule of what it becomes).
 */
export function checkOperation(access: TableAccess, body: WriteBody): void {
  const allowed =
    body.verb === 'create'
      ? access.canCreate
      : body.verb === 'delete'
        ? access.canDelete
        : body.fieldsToMergeOn === undefined
          ? access.canUpdate
          : access.canUpdate || access.canCreate
  if (allowed) return
  throw new PolicyError({
    type: 'INVALID_PERMISSIONS',
    message:
      body.verb === 'create'
        ? `You are not permitted to create records in table ${access.table.name} (${access.table.id})`
        : NOT_PERMITTED_MESSAGE,
  })
}
