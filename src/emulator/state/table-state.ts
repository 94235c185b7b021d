/**
 * One table of an emulated base: its schema (fields, views) and its records in creation order.
 *
 * Invariants: `records` iterates in creation order (a Map keeps insertion order, and writes replace a
 * record with `Map.set` on the same key, which keeps its place). Stored records are treated as
 * immutable values: a write copies the record first (see transaction.ts), so a list result stays a
 * consistent snapshot while later writes happen. Lookup caches are dropped by `invalidate()` after
 * every schema change.
 */
import type { Field, Table } from '../../protocol/index.ts'
import type { Node } from '../../formula/index.ts'
import { isComputedField } from '../../protocol/index.ts'
import { must } from '../../shared/index.ts'
import type { StoredRecord, ViewDefinition } from './types.ts'

/** The mutable schema part of a table; `views` are kept apart as full definitions. */
export interface TableSchema {
  id: string
  name: string
  description?: string
  primaryFieldId: string
  fields: Field[]
}

/** A table's state; owned by the Model, changed only inside a transaction. */
export class TableState {
  readonly schema: TableSchema
  views: ViewDefinition[]
  records: Map<string, StoredRecord>
  #byId: Map<string, Field> | undefined
  #byName: Map<string, Field> | undefined
  #computedOrder: Field[] | undefined
  /** Parsed formulas (formula fields, rollup aggregations), keyed by `fieldId`, checked on text. */
  readonly formulaCache = new Map<string, { text: string; node: Node }>()

  constructor(schema: TableSchema, views: ViewDefinition[] = []) {
    this.schema = schema
    this.views = views
    this.records = new Map()
  }

  get id(): string {
    return this.schema.id
  }

  get name(): string {
    return this.schema.name
  }

  get fields(): readonly Field[] {
    return this.schema.fields
  }

  /** A field by ID or exact name (IDs win), or undefined. */
  field(idOrName: string): Field | undefined {
    this.#byId ??= new Map(this.schema.fields.map((f) => [f.id, f]))
    this.#byName ??= new Map(this.schema.fields.map((f) => [f.name, f]))
    return this.#byId.get(idOrName) ?? this.#byName.get(idOrName)
  }

  /** The primary field (first field, airtable-api.md §6). */
  get primaryField(): Field {
    return must(this.field(this.schema.primaryFieldId), `table ${this.id} lost its primary field`)
  }

  /** A view by ID or exact name. */
  view(idOrName: string): ViewDefinition | undefined {
    return this.views.find((v) => v.id === idOrName) ?? this.views.find((v) => v.name === idOrName)
  }

  /**
   * Computed fields in an order where each comes after the same-table computed fields it reads
   * (`options.referencedFieldIds`); cycles are broken arbitrarily (schema ops refuse them anyway).
   */
  computedOrder(): readonly Field[] {
    if (this.#computedOrder) return this.#computedOrder
    const order: Field[] = []
    const state = new Map<string, 'visiting' | 'done'>()
    const visit = (field: Field): void => {
      if (state.has(field.id)) return
      state.set(field.id, 'visiting')
      for (const ref of field.options?.referencedFieldIds ?? []) {
        const dep = this.field(ref)
        if (dep && isComputedField(dep)) visit(dep)
      }
      state.set(field.id, 'done')
      order.push(field)
    }
    for (const field of this.schema.fields) if (isComputedField(field)) visit(field)
    this.#computedOrder = order
    return order
  }

  /** Drops every cache derived from the schema; call after any schema change. */
  invalidate(): void {
    this.#byId = undefined
    this.#byName = undefined
    this.#computedOrder = undefined
    this.formulaCache.clear()
  }

  /** The metadata-API shape (a deep copy; views show `id`, `name`, `type` only). */
  toTable(): Table {
    const table: Table = {
      id: this.schema.id,
      name: this.schema.name,
      primaryFieldId: this.schema.primaryFieldId,
      fields: structuredClone(this.schema.fields),
      views: this.views.map((v) => ({ id: v.id, name: v.name, type: v.type })),
    }
    if (this.schema.description !== undefined) table.description = this.schema.description
    return table
  }
}
