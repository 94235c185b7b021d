/**
 * Writes under the caller's policy (src/policy/write-check.ts), the same policy as reads:
 * - a table the caller may neither read nor write is 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND,
 *   exactly like a table that does not exist;
 * - a field that exists but the caller may not write is 403 INVALID_PERMISSIONS, as issue 4 asks
 *   ("a member's write to … a forbidden field is refused (403)"): with Airtable's message naming
 *   the field when they may read it (`Verification Status`), with the generic message when it is
 *   hidden from them (`Stripe Customer ID`), so the refusal never names a field they cannot see.
 *   (Reads treat hidden fields as absent; a writer names the field, so a 403 tells them only that
 *   it exists.) A field that does not exist is 422 UNKNOWN_FIELD_NAME;
 * - row rules run on the record before (update, delete) and after (create, update) the write,
 *   links seen as their primary text and lookups over new links recomputed (accept.ts); a refusal
 *   is 403 INVALID_PERMISSIONS and nothing is queued (the check runs inside the accepting
 *   transaction, which it aborts).
 * A PUT clears every editable field it does not list, so it writes them all: a caller who may
 * not write every editable field may not PUT.
 */
import type { FormulaRecord } from '../../formula/index.ts'
import type { Field, Table } from '../../protocol/index.ts'
import type { RecordState, WriteCheckInput } from '../../outbox/index.ts'
import {
  NOT_PERMITTED_MESSAGE,
  PolicyError,
  decideWrite,
  type Principal,
  type TableAccess,
} from '../../policy/index.ts'
import { findTable, type BaseSchema } from '../../protocol/index.ts'
import type { Db } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { modelNotFound } from '../errors.ts'
import { LinkedCells, loadLinkedCells } from '../links.ts'
import { MirrorFormulaRecord } from '../select.ts'

/** A table as one caller may write it. */
export interface WriteTarget {
  schema: BaseSchema
  table: Table
  access: TableAccess
  /** Whether validation accepts the field name: every field of the table (see the header). */
  isKnown: (field: Field) => boolean
  /** Whether the caller may see a field (read or write it); refusals name only these. */
  isVisible: (field: Field) => boolean
}

/** Resolves `baseId` + table for a writer (see the module header for the 403s). */
export function writeTarget(
  ctx: ApiContext,
  request: { principal: Principal; baseId: string; table: string },
): WriteTarget {
  if (request.baseId !== ctx.options.baseId) throw modelNotFound()
  const { schema, engine } = ctx.current()
  const table = findTable(schema, request.table)
  if (table === undefined) throw modelNotFound()
  const access = engine.policyFor(request.principal, table.id)
  if (!access.canRead && !access.canCreate && !access.canUpdate && !access.canDelete) {
    throw modelNotFound()
  }
  const { readableFieldIds: readable, writableFieldIds: writable } = access
  const isVisible = (field: Field): boolean =>
    readable === 'all' || writable === 'all' || readable.has(field.id) || writable.has(field.id)
  return { schema, table, access, isKnown: () => true, isVisible }
}

/** The `authorize` port of acceptWrites for this caller. */
export function authorizer(
  target: WriteTarget,
  options: { nowMs: number; baseId: string },
): (checks: readonly WriteCheckInput[], tx: Db) => Promise<void> {
  return async (checks, tx) => {
    const { access } = target
    const linked = new LinkedCells(target.schema)
    if (checks.some((check) => access[check.operation].rowFilter !== null)) {
      const records = checks.flatMap((c) => [c.before, c.after]).filter((r) => r !== undefined)
      await loadLinkedCells(tx, {
        baseId: options.baseId,
        fields: target.table.fields.filter((f) => f.type === 'multipleRecordLinks'),
        records: records.map((r) => ({ ...r, lastSeq: 0 })),
        linked,
      })
    }
    for (const check of checks) {
      // A hidden field (written, or cleared by a PUT) must not be named by the refusal's message.
      if (check.fieldIdsWritten.some((id) => !isVisibleId(target, id))) {
        throw new PolicyError({ type: 'INVALID_PERMISSIONS', message: NOT_PERMITTED_MESSAGE })
      }
      const decision = decideWrite(
        access,
        {
          operation: check.operation,
          before: formulaRecord(target.table, check.before, linked),
          after: formulaRecord(target.table, check.after, linked),
          fieldsWritten: check.fieldIdsWritten,
          cellsWritten: check.after?.fields ?? {},
        },
        { nowMs: options.nowMs },
      )
      if (!decision.allowed) throw decision.error
    }
  }
}

function isVisibleId(target: WriteTarget, fieldId: string): boolean {
  const field = target.table.fields.find((f) => f.id === fieldId)
  return field !== undefined && target.isVisible(field)
}

function formulaRecord(
  table: Table,
  record: RecordState | undefined,
  linked: LinkedCells,
): FormulaRecord | null {
  if (record === undefined) return null
  return new MirrorFormulaRecord(table, record, linked)
}
