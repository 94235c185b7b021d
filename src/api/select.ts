/**
 * The JS read path: every mirror record a list selects, in order (the SQL path, select-page.ts,
 * pages in the database instead when filter and sort both compile). In {@link selectRecords}
 * the formula (the policy's row filter ANDed with the caller's) is compiled to SQL
 * (src/formula/compile-sql.ts) and run as `queryRecords`'s `where`; what the compiler leaves over (links, a few functions) is
 * evaluated in JS over the candidate rows, after their linked records' primary cells are loaded.
 * Should Postgres still raise a data exception for some row, the whole filter runs in JS.
 * `useSql: false` forces the JS path (tests compare both).
 *
 * Order: `sort` when given (ties in creation order, as the emulator does), else the view's
 * stored order, else creation order (`created_time`, then arrival in the mirror: the store's
 * tiebreak, which keeps Airtable's order among equal createdTimes).
 */
import { cellToFormulaValue, compileFilter, evaluate, isTruthy } from '../formula/index.ts'
import type { CompiledFilter, FormulaRecord, FormulaValue, Node } from '../formula/index.ts'
import { referencedFields } from '../policy/index.ts'
import { findField, type BaseSchema, type Field, type Table } from '../protocol/index.ts'
import { queryRecords, type Db, type MirrorRecord, type SqlFragment } from '../store/index.ts'
import { LinkedCells, loadLinkedCells } from './links.ts'
import { isDataException } from './select-page.ts'
import { sortRecords, type ResolvedSort } from './sort.ts'

/** What to select. */
export interface Selection {
  baseId: string
  schema: BaseSchema
  /** The full table (the policy's filter may use fields the caller cannot see). */
  table: Table
  /** The checked filter (row filter AND user formula), or null for every row. */
  filter: Node | null
  sort: readonly ResolvedSort[]
  /** Only this view's records, in its stored order. */
  viewId?: string
  /** Epoch ms for NOW()/TODAY(). */
  nowMs: number
  /** Compile the filter to SQL (else evaluate it all in JS). @default true */
  useSql?: boolean
}

/** The selected records in order, and the linked cells loaded on the way (for rendering). */
export interface Selected {
  records: MirrorRecord[]
  linked: LinkedCells
}

/** Every record the selection admits, in order. See the module header. */
export async function selectRecords(db: Db, selection: Selection): Promise<Selected> {
  const { table, filter } = selection
  const compiled: CompiledFilter =
    filter === null || selection.useSql === false
      ? { kind: 'js' }
      : compileFilter(
          filter,
          { field: (name) => findField(table, name) },
          { nowMs: selection.nowMs },
        )
  // A sort overrides the view's order; its ties fall back to creation order, so fetch in that.
  const creationFirst = selection.sort.length > 0 && selection.viewId !== undefined
  const query = (where?: SqlFragment): Promise<MirrorRecord[]> =>
    queryRecords(db, {
      baseId: selection.baseId,
      tableId: table.id,
      ...(where !== undefined && { where: [where] }),
      ...(selection.viewId !== undefined && { viewId: selection.viewId }),
      ...(creationFirst && { orderBy: CREATION_ORDER }),
    })
  let candidates: MirrorRecord[]
  let residual: Node | null = compiled.kind === 'partial' ? compiled.residual : filter
  if (compiled.kind === 'js') candidates = await query()
  else {
    try {
      candidates = await query(compiled.where)
      if (compiled.kind === 'sql') residual = null
    } catch (error) {
      if (db.inTransaction || !isDataException(error)) throw error
      candidates = await query()
      residual = filter
    }
  }
  const linked = new LinkedCells(selection.schema)
  const linkFields = linkFieldsOf(table, residual, selection.sort)
  if (linkFields.length > 0) {
    await loadLinkedCells(db, {
      baseId: selection.baseId,
      fields: linkFields,
      records: candidates,
      linked,
    })
  }
  const filtered = filterInJs(candidates, { ...selection, filter: residual }, linked)
  if (selection.sort.length === 0) return { records: filtered, linked }
  return { records: sortRecords(filtered, selection.sort, linked), linked }
}

const CREATION_ORDER: readonly SqlFragment[] = [
  { text: 'r.created_time', params: [] },
  { text: 'r.ordinal', params: [] },
]

/** True when the filter admits the record (JS evaluation; also used for get-by-ID). */
export function admits(
  filter: Node | null,
  context: { table: Table; record: MirrorRecord; linked: LinkedCells; nowMs: number },
): boolean {
  if (filter === null) return true
  const record = new MirrorFormulaRecord(context.table, context.record, context.linked)
  return isTruthy(evaluate(filter, { record, nowMs: context.nowMs }))
}

/** The link fields of `table` the filter or the sort reads. */
export function linkFieldsOf(
  table: Table,
  filter: Node | null,
  sort: readonly ResolvedSort[] = [],
): Field[] {
  const names = [
    ...(filter === null ? [] : referencedFields(filter)),
    ...sort.map((s) => s.field.id),
  ]
  const fields = new Map<string, Field>()
  for (const name of names) {
    const field = findField(table, name)
    if (field?.type === 'multipleRecordLinks') fields.set(field.id, field)
  }
  return [...fields.values()]
}

function filterInJs(
  candidates: readonly MirrorRecord[],
  selection: Selection,
  linked: LinkedCells,
): MirrorRecord[] {
  const { filter, table, nowMs } = selection
  if (filter === null) return [...candidates]
  return candidates.filter((record) => admits(filter, { table, record, linked, nowMs }))
}

/**
 * A mirror record (or one being written) as formulas see it: read filters and the policies' row
 * rules. The mirror keeps no per-field edit times, so LAST_MODIFIED_TIME() reads blank here (a
 * known divergence from the emulator).
 */
export class MirrorFormulaRecord implements FormulaRecord {
  readonly #table: Table
  readonly #record: Pick<MirrorRecord, 'id' | 'createdTime' | 'fields'>
  readonly #linked: LinkedCells
  constructor(
    table: Table,
    record: Pick<MirrorRecord, 'id' | 'createdTime' | 'fields'>,
    linked: LinkedCells,
  ) {
    this.#table = table
    this.#record = record
    this.#linked = linked
  }

  get id(): string {
    return this.#record.id
  }

  get createdTimeMs(): number {
    return Date.parse(this.#record.createdTime)
  }

  field(nameOrId: string): FormulaValue {
    const field = findField(this.#table, nameOrId)
    if (field === undefined) return null
    return cellToFormulaValue(field, this.#record.fields[field.id], this.#linked.cellContext())
  }

  lastModifiedTimeMs(): number | null {
    return null
  }
}
