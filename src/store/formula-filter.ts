/**
 * Runs a compiled filter formula against the mirror: the SQL part in Postgres, the residual (or
 * the whole formula) in JS with the evaluator over the candidate rows — only those the SQL
 * marks undecided when the compiler gives a `recheck` — so results always equal evaluating the
 * formula on every record. Should Postgres still raise for some row (a float
 * overflow the compiler does not guard), the whole formula is evaluated in JS instead.
 */
import {
  cellToFormulaValue,
  evaluate,
  isTruthy,
  type CompiledFilter,
  type FormulaField,
  type FormulaOptions,
  type FormulaRecord,
  type Node,
} from '../formula/index.ts'
import type { Db } from './db.ts'
import type { MirrorRecord } from './records.ts'
import { queryKeyedRecords, queryRecords, type QueryRecordsOptions } from './query-records.ts'

/** A field as the residual's cell conversion needs it. */
export interface FilterField extends FormulaField {
  readonly id: string
}

/** Options of {@link filterRecords}. */
export interface FilterRecordsOptions extends Omit<QueryRecordsOptions, 'limit' | 'offset'> {
  /** The checked formula (evaluated in JS when the compiler left something over). */
  formula: Node
  /** compileFilter's result for `formula`. */
  compiled: CompiledFilter
  /** The table's field by name or ID (the formula's references). */
  field(nameOrId: string): FilterField | undefined
  /** Epoch ms for NOW()/TODAY(): the same instant the formula was compiled with. */
  nowMs: number
  /** Evaluator options; the same the formula was compiled with. */
  formulaOptions?: FormulaOptions
  /** Primary text of linked records (links are evaluated in JS). @default the record ID */
  linkedPrimaryText?: (linkedTableId: string, recordId: string) => string
}

/** Records matching the formula (and the other where fragments), in the query's order. */
export async function filterRecords(
  db: Db,
  options: FilterRecordsOptions,
): Promise<MirrorRecord[]> {
  const { compiled } = options
  const base: QueryRecordsOptions = {
    baseId: options.baseId,
    tableId: options.tableId,
    ...(options.where === undefined ? {} : { where: options.where }),
    ...(options.orderBy === undefined ? {} : { orderBy: options.orderBy }),
    ...(options.viewId === undefined ? {} : { viewId: options.viewId }),
  }
  if (compiled.kind === 'js') return keep(await queryRecords(db, base), options.formula, options)
  const where = [...(base.where ?? []), compiled.where]
  try {
    if (compiled.kind === 'partial' && compiled.recheck !== undefined) {
      // Only the rows SQL could not decide go through the evaluator.
      const keys = [compiled.recheck]
      const keyed = await queryKeyedRecords(db, { ...base, where, keys })
      return keyed
        .filter((row) => row.keys[0] !== true || matches(row.record, compiled.residual, options))
        .map((row) => row.record)
    }
    const rows = await queryRecords(db, { ...base, where })
    return compiled.kind === 'sql' ? rows : keep(rows, compiled.residual, options)
  } catch (error) {
    if (db.inTransaction || !isDataException(error)) throw error
    return keep(await queryRecords(db, base), options.formula, options)
  }
}

/** SQLSTATE class 22 (data exception: overflow, division by zero, invalid text). */
function isDataException(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && code.startsWith('22')
}

function keep(rows: MirrorRecord[], formula: Node, options: FilterRecordsOptions): MirrorRecord[] {
  return rows.filter((row) => matches(row, formula, options))
}

function matches(row: MirrorRecord, formula: Node, options: FilterRecordsOptions): boolean {
  const context = {
    record: formulaRecord(row, options),
    nowMs: options.nowMs,
    ...(options.formulaOptions === undefined ? {} : { options: options.formulaOptions }),
  }
  return isTruthy(evaluate(formula, context))
}

/** A mirror row as the evaluator's record. */
export function formulaRecord(
  row: MirrorRecord,
  options: Pick<FilterRecordsOptions, 'field' | 'linkedPrimaryText'>,
): FormulaRecord {
  const linked = options.linkedPrimaryText ?? ((_table: string, id: string) => id)
  const cellContext = { linkedPrimaryText: linked }
  return {
    id: row.id,
    createdTimeMs: Date.parse(row.createdTime),
    field: (nameOrId) => {
      const field = options.field(nameOrId)
      if (field === undefined) return null
      return cellToFormulaValue(
        field,
        (row.fields as Record<string, unknown>)[field.id],
        cellContext,
      )
    },
    // The mirror keeps no per-field edit times.
    lastModifiedTimeMs: () => null,
  }
}
