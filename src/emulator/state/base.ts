/**
 * EmulatedBase: one Airtable base held in memory — schema, records, computed fields, link
 * symmetry, views — with Airtable's validation and errors. The HTTP layer (routes/) calls it,
 * webhooks/ subscribes to it, seed/ fills it, and `--data` persists its snapshot.
 *
 * API (all table/field arguments accept an ID or a name):
 *   new EmulatedBase({ id, name, clock?, behaviour?, onListenerError? })
 *   schema() · table(t) · views(t) · list(t, query) · get(t, recordId) · renderer(t, options)
 *   create(t, inputs, opts) · insertRecords(t, seedInputs, opts) · update(t, inputs, opts) · upsert(t, inputs, opts) · delete(t, ids, opts)
 *   bulkInsert([{ table, records }], opts) (seeds: many tables in one pass, see bulk-load.ts)
 *   createTable(input, opts) · updateTable(t, patch, opts) · createField(t, input, opts)
 *   updateField(t, { field, ...patch }, opts) · addView(t, input)
 *   subscribe(listener) → unsubscribe · toSnapshot() · EmulatedBase.fromSnapshot(json, init)
 *
 * Invariants: every successful write is one atomic transaction and emits exactly one
 * BaseTransaction (numbered 1, 2, 3… per base) with the recomputed computed cells included; a
 * failed write throws an EmulatorError and changes nothing. Returned StoredRecords are immutable
 * snapshots (a later write replaces, never mutates, them). The 10-records-per-request cap, paging
 * and auth are the HTTP layer's job.
 */
import type { BaseSchema, Field, Table } from '../../protocol/index.ts'
import type { Clock } from '../../shared/index.ts'
import { systemClock } from '../../shared/index.ts'
import { bulkLoad, type BulkTableInput } from './bulk-load.ts'
import { propagate } from './computed.ts'
import { recordNotFound } from './errors.ts'
import { DEFAULT_BEHAVIOUR, Model, type BaseBehaviour } from './model.ts'
import { listRecords } from './query.ts'
import { prepareRenderer, type Renderer } from './render.ts'
import * as schemaOps from './schema-ops.ts'
import { restoreInto, snapshotOf, type BaseSnapshot } from './snapshot.ts'
import { Tx } from './transaction.ts'
import { mergeFields, planUpsert } from './upsert.ts'
import type {
  BaseTransaction,
  FieldInput,
  FieldUpdate,
  RecordInput,
  RecordQuery,
  RenderOptions,
  SchemaWriteOptions,
  SeedRecordInput,
  StoredRecord,
  TableInput,
  TableUpdate,
  TransactionListener,
  UpdateOptions,
  UpsertOptions,
  UpsertResult,
  ViewDefinition,
  ViewInput,
  WriteOptions,
} from './types.ts'
import {
  applyCreates,
  checkFixedIdentities,
  applyDeletes,
  applyUpdate,
  commitChoices,
  planCells,
  planContext,
  planUpdates,
} from './writes.ts'

/** How to build an EmulatedBase. */
export interface EmulatedBaseOptions {
  /** Base ID, `app` + 14 characters. */
  id: string
  name: string
  /** Source of "now" for createdTime, lastModifiedTime, NOW() and transaction timestamps. @default systemClock */
  clock?: Clock
  /** Switches for uncertain Airtable behaviour. @default DEFAULT_BEHAVIOUR */
  behaviour?: Partial<BaseBehaviour>
  /**
   * Called when a transaction listener throws (the write has committed by then).
   * @default rethrows asynchronously (an uncaught exception), so bugs are not hidden
   */
  onListenerError?: (error: unknown) => void
}

/** An Airtable base in memory; see the module header. */
export class EmulatedBase {
  readonly #model: Model
  readonly #listeners = new Set<TransactionListener>()
  readonly #onListenerError: (error: unknown) => void
  #transactionNumber = 0

  constructor(options: EmulatedBaseOptions) {
    this.#model = new Model({
      id: options.id,
      name: options.name,
      clock: options.clock ?? systemClock,
      behaviour: { ...DEFAULT_BEHAVIOUR, ...options.behaviour },
    })
    this.#onListenerError =
      options.onListenerError ??
      ((error) =>
        queueMicrotask(() => {
          throw error
        }))
  }

  /** Restores a base from {@link EmulatedBase.toSnapshot} output (validated with zod). */
  static fromSnapshot(
    snapshot: unknown,
    init: Omit<EmulatedBaseOptions, 'id' | 'name'> = {},
  ): EmulatedBase {
    const parsed = snapshot as { id?: unknown; name?: unknown } | null
    const text = (v: unknown): string => (typeof v === 'string' ? v : '')
    const base = new EmulatedBase({ ...init, id: text(parsed?.id), name: text(parsed?.name) })
    base.#transactionNumber = restoreInto(base.#model, snapshot).transactionNumber
    return base
  }

  get id(): string {
    return this.#model.id
  }

  get name(): string {
    return this.#model.name
  }

  /** The number of the last committed transaction (0 before any write). */
  get transactionNumber(): number {
    return this.#transactionNumber
  }

  /** The metadata-API schema: tables, fields with options, views (`id`, `name`, `type`). */
  schema(): BaseSchema {
    return { tables: this.#model.tables.map((t) => t.toTable()) }
  }

  /** One table's schema; 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND when unknown. */
  table(tableIdOrName: string): Table {
    return this.#model.table(tableIdOrName).toTable()
  }

  /** The full view definitions of a table (filter and sort included). */
  views(tableIdOrName: string): ViewDefinition[] {
    return structuredClone(this.#model.table(tableIdOrName).views)
  }

  /** All records matching the query, in order (422 VIEW_NAME_NOT_FOUND, INVALID_FILTER_BY_FORMULA, UNKNOWN_FIELD_NAME). */
  list(tableIdOrName: string, query: RecordQuery = {}): StoredRecord[] {
    return listRecords(this.#model, this.#model.table(tableIdOrName), query)
  }

  /** One record; 404 MODEL_ID_NOT_FOUND `Record not found` when unknown. */
  get(tableIdOrName: string, recordId: string): StoredRecord {
    const record = this.#model.table(tableIdOrName).records.get(recordId)
    if (!record) throw recordNotFound()
    return record
  }

  /** The number of records in a table. */
  count(tableIdOrName: string): number {
    return this.#model.table(tableIdOrName).records.size
  }

  /** A function shaping records for the wire; validate once per request, apply per record. */
  renderer(tableIdOrName: string, options: RenderOptions = {}): Renderer {
    return prepareRenderer(this.#model, this.#model.table(tableIdOrName), options)
  }

  /** Creates records (atomic); returns them in request order, computed fields included. */
  create(
    tableIdOrName: string,
    inputs: readonly RecordInput[],
    options: WriteOptions,
  ): StoredRecord[] {
    const table = this.#model.table(tableIdOrName)
    const ids = this.#transact(options, (tx) => {
      const ctx = planContext(this.#model, table, options.typecast)
      const plans = inputs.map((input) => planCells(ctx, input.fields))
      commitChoices(ctx, tx)
      return applyCreates(ctx, tx, { plans, user: options.user })
    })
    return ids.map((id) => this.get(table.id, id))
  }

  /**
   * Creates records with optional fixed IDs and creation times (seeds, imports), validated like
   * `create` plus INVALID_REQUEST_UNKNOWN for a malformed or used ID; one transaction.
   */
  insertRecords(
    tableIdOrName: string,
    inputs: readonly SeedRecordInput[],
    options: WriteOptions,
  ): StoredRecord[] {
    const table = this.#model.table(tableIdOrName)
    const ids = this.#transact(options, (tx) => {
      const ctx = planContext(this.#model, table, options.typecast)
      const fixed = checkFixedIdentities(this.#model, inputs)
      const plans = inputs.map((input) => planCells(ctx, input.fields))
      commitChoices(ctx, tx)
      return applyCreates(ctx, tx, { plans, user: options.user, fixed })
    })
    return ids.map((id) => this.get(table.id, id))
  }

  /**
   * Loads many records into many tables at once (seeds, imports): like `insertRecords` per
   * table, but link cells may point at any record of the load, links are made symmetric in one
   * pass and computed fields are computed once per field (bulk-load.ts). Atomic. When nobody
   * listens no transaction is built (and no transaction number is taken); otherwise one
   * transaction reports every created and changed record. Returns the IDs per batch.
   */
  bulkInsert(batches: readonly BulkTableInput[], options: WriteOptions): string[][] {
    const run = { typecast: options.typecast === true, user: options.user }
    if (this.#listeners.size === 0) return bulkLoad(this.#model, batches, { ...run, tx: undefined })
    return this.#transact(options, (tx) => bulkLoad(this.#model, batches, { ...run, tx }))
  }

  /** Updates records by ID (atomic): PATCH merges, `destructive` (PUT) clears unlisted fields. */
  update(
    tableIdOrName: string,
    inputs: readonly RecordInput[],
    options: UpdateOptions,
  ): StoredRecord[] {
    const table = this.#model.table(tableIdOrName)
    const ids = this.#transact(options, (tx) => {
      const ctx = planContext(this.#model, table, options.typecast)
      const steps = planUpdates(ctx, inputs)
      commitChoices(ctx, tx)
      for (const step of steps)
        applyUpdate(ctx, tx, { ...step, destructive: options.destructive, user: options.user })
      return steps.map((s) => s.recordId)
    })
    return ids.map((id) => this.get(table.id, id))
  }

  /** Upsert on `fieldsToMergeOn` (atomic); see upsert.ts for the rules. */
  upsert(
    tableIdOrName: string,
    inputs: readonly RecordInput[],
    options: UpsertOptions,
  ): UpsertResult {
    const table = this.#model.table(tableIdOrName)
    const result = this.#transact(options, (tx) => {
      const ctx = planContext(this.#model, table, options.typecast)
      const steps = planUpsert(ctx, inputs, mergeFields(ctx, options.fieldsToMergeOn))
      commitChoices(ctx, tx)
      const ids: string[] = []
      const createdRecords: string[] = []
      const updatedRecords: string[] = []
      for (const step of steps) {
        if (step.kind === 'create') {
          const [id] = applyCreates(ctx, tx, { plans: [step.plan], user: options.user })
          if (id !== undefined) {
            ids.push(id)
            createdRecords.push(id)
          }
        } else {
          applyUpdate(ctx, tx, { ...step, destructive: options.destructive, user: options.user })
          ids.push(step.recordId)
          if (!updatedRecords.includes(step.recordId)) updatedRecords.push(step.recordId)
        }
      }
      return { ids, createdRecords, updatedRecords }
    })
    return {
      records: result.ids.map((id) => this.get(table.id, id)),
      createdRecords: result.createdRecords,
      updatedRecords: result.updatedRecords,
    }
  }

  /** Deletes records (atomic; 422 ROW_DOES_NOT_EXIST if any is unknown); returns their IDs. */
  delete(tableIdOrName: string, recordIds: readonly string[], options: WriteOptions): string[] {
    const table = this.#model.table(tableIdOrName)
    this.#transact(options, (tx) => applyDeletes(this.#model, tx, { table, ids: recordIds }))
    return [...recordIds]
  }

  /** Creates a table (≥1 field, first is primary, default "Grid view"). */
  createTable(input: TableInput, options: SchemaWriteOptions): Table {
    const table = this.#transact(options, (tx) => schemaOps.createTable(this.#model, tx, input))
    return table.toTable()
  }

  /** Renames / re-describes a table. */
  updateTable(tableIdOrName: string, patch: TableUpdate, options: SchemaWriteOptions): Table {
    const table = this.#model.table(tableIdOrName)
    this.#transact(options, (tx) => schemaOps.updateTable(this.#model, tx, { table, patch }))
    return table.toTable()
  }

  /** Creates a field; links get their inverse; computed fields are computed for every record. */
  createField(tableIdOrName: string, input: FieldInput, options: SchemaWriteOptions): Field {
    const table = this.#model.table(tableIdOrName)
    return structuredClone(
      this.#transact(options, (tx) => schemaOps.createField(this.#model, tx, { table, input })),
    )
  }

  /** Changes a field's name, description or options (type changes are refused). */
  updateField(
    tableIdOrName: string,
    update: FieldUpdate & { field: string },
    options: SchemaWriteOptions,
  ): Field {
    const table = this.#model.table(tableIdOrName)
    const { field: fieldIdOrName, ...patch } = update
    return structuredClone(
      this.#transact(options, (tx) =>
        schemaOps.updateField(this.#model, tx, { table, fieldIdOrName, patch }),
      ),
    )
  }

  /** Adds a view with its own filter and sort (for seeds; no transaction is emitted). */
  addView(tableIdOrName: string, input: ViewInput): ViewDefinition {
    return structuredClone(
      schemaOps.addView(this.#model, { table: this.#model.table(tableIdOrName), input }),
    )
  }

  /** Calls `listener` after every committed transaction; returns the unsubscribe function. */
  subscribe(listener: TransactionListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /** The full state as JSON-serialisable data. */
  toSnapshot(): BaseSnapshot {
    return snapshotOf(this.#model, this.#transactionNumber)
  }

  /** Runs one write atomically: plan/apply, recompute, commit and emit — or roll back. */
  #transact<T>(options: SchemaWriteOptions, write: (tx: Tx) => T): T {
    const tx = new Tx(this.#model.clock.now())
    let result: T
    let transaction: BaseTransaction
    try {
      result = write(tx)
      propagate(this.#model, tx)
      transaction = tx.toBaseTransaction({
        baseId: this.#model.id,
        number: this.#transactionNumber + 1,
        source: options.source,
        ...(options.user ? { user: options.user } : {}),
      })
    } catch (error) {
      tx.rollback()
      this.#model.invalidateAll()
      throw error
    }
    this.#transactionNumber += 1
    for (const listener of this.#listeners) {
      try {
        listener(transaction)
      } catch (error) {
        this.#onListenerError(error)
      }
    }
    return result
  }
}
