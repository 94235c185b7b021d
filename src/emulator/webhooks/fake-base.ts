/**
 * A tiny in-memory {@link WebhookBase} for unit tests of payloads and registries: the tests set
 * tables and records by hand and emit transactions they build themselves. Not used at run time.
 */
import type { Table } from '../../protocol/schema.ts'
import type {
  BaseTransaction,
  StoredRecord,
  TableChange,
  TransactionListener,
} from '../state/types.ts'
import type { WebhookBase } from './base-port.ts'

export class FakeBase implements WebhookBase {
  readonly id: string
  tablesList: Table[]
  readonly records = new Map<string, StoredRecord>()
  /** View ID → record IDs in it. */
  readonly views = new Map<string, Set<string>>()
  readonly #listeners = new Set<TransactionListener>()
  #txNumber = 0

  constructor(id: string, tables: Table[]) {
    this.id = id
    this.tablesList = tables
  }

  subscribe(listener: TransactionListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
  tables(): readonly Table[] {
    return this.tablesList
  }
  record(_tableId: string, recordId: string): StoredRecord | undefined {
    return this.records.get(recordId)
  }
  recordIdsInView(_tableId: string, viewId: string): Iterable<string> {
    return this.views.get(viewId) ?? []
  }

  /** Sets a record's cells (no transaction). */
  put(id: string, cells: Record<string, unknown>, createdTime = '2026-01-01T00:00:00.000Z'): void {
    this.records.set(id, { id, createdTime, cells, modifiedAtByFieldId: {} })
  }

  /** Emits a transaction with the given table changes. */
  emit(
    init: Partial<Omit<BaseTransaction, 'tables'>> & {
      tables?: Record<string, Partial<TableChange>>
    },
  ): BaseTransaction {
    const tables = new Map<string, TableChange>()
    for (const [id, change] of Object.entries(init.tables ?? {}))
      tables.set(id, emptyChange(change))
    const tx: BaseTransaction = {
      baseId: this.id,
      baseTransactionNumber: init.baseTransactionNumber ?? ++this.#txNumber,
      timestamp: init.timestamp ?? '2026-01-01T00:00:00.000Z',
      source: init.source ?? 'publicApi',
      tables,
      createdTables: init.createdTables ?? new Map<string, Table>(),
      destroyedTableIds: init.destroyedTableIds ?? [],
      ...(init.user === undefined ? {} : { user: init.user }),
    }
    for (const listener of this.#listeners) listener(tx)
    return tx
  }
}

type MapValue<M> = M extends Map<string, infer V> ? V : never
type Created = MapValue<TableChange['createdRecords']>
type Changed = MapValue<TableChange['changedRecords']>
type FieldChange = MapValue<TableChange['changedFields']>

/** A TableChange with the given parts and empty others. */
export function emptyChange(change: Partial<TableChange> = {}): TableChange {
  return {
    createdRecords: change.createdRecords ?? new Map<string, Created>(),
    changedRecords: change.changedRecords ?? new Map<string, Changed>(),
    destroyedRecordIds: change.destroyedRecordIds ?? [],
    createdFields: change.createdFields ?? new Map<string, { name: string; type: string }>(),
    changedFields: change.changedFields ?? new Map<string, FieldChange>(),
    destroyedFieldIds: change.destroyedFieldIds ?? [],
    ...(change.changedMetadata === undefined ? {} : { changedMetadata: change.changedMetadata }),
  }
}
