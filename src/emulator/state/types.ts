/**
 * The emulator's data model contract, shared by state/ (the base and its records), routes/ (HTTP),
 * webhooks/ (payloads) and seed/ (base definitions). The base keeps cells as REST ("V1") values
 * keyed by field ID, only non-empty ones (airtable-api.md §2.1), computed fields included.
 */
import { STATUS_BY_TYPE, type AirtableErrorType } from '../../protocol/errors.ts'
import type { Field, SortSpec, Table } from '../../protocol/index.ts'

/** Who made a change, as webhook `actionMetadata.source` says it (airtable-api.md §7.5). */
export type ChangeSource =
  | 'client'
  | 'publicApi'
  | 'formSubmission'
  | 'formPageSubmission'
  | 'automation'
  | 'system'
  | 'sync'
  | 'anonymousUser'
  | 'unknown'

export interface Collaborator {
  id: string
  email: string
  name: string
}

/** A record as the base holds it. */
export interface StoredRecord {
  readonly id: string
  /** ISO-8601 UTC, millisecond part `.000` (airtable-api.md §2.1). */
  readonly createdTime: string
  /** Non-empty V1 cell values keyed by field ID, computed fields included. */
  cells: Record<string, unknown>
  /** Epoch ms of the last edit of each editable field, for lastModifiedTime fields. */
  modifiedAtByFieldId: Record<string, number>
}

/** A record in a write request; `fields` keys are field names or IDs. */
export interface RecordInput {
  id?: string
  fields: Record<string, unknown>
}

export interface WriteOptions {
  typecast?: boolean
  source: ChangeSource
  user?: Collaborator
}

export interface UpdateOptions extends WriteOptions {
  /** PUT semantics: clear every editable field not listed (airtable-api.md §2.7). */
  destructive: boolean
}

export interface UpsertOptions extends UpdateOptions {
  /** 1–3 field names or IDs (airtable-api.md §2.8). */
  fieldsToMergeOn: string[]
}

export interface UpsertResult {
  records: StoredRecord[]
  createdRecords: string[]
  updatedRecords: string[]
}

/** What to select: the parts of list records that decide which records and in which order. */
export interface RecordQuery {
  view?: string
  filterByFormula?: string
  sort?: SortSpec[]
}

/** How to shape a record for the wire. */
export interface RenderOptions {
  returnFieldsByFieldId?: boolean
  /** Only these fields (names or IDs); unknown ones fail with UNKNOWN_FIELD_NAME. */
  fields?: string[]
  cellFormat?: 'json' | 'string'
  timeZone?: string
  userLocale?: string
}

/** A view as the emulator defines it: the metadata API shows `id`, `name`, `type` only. */
export interface ViewDefinition {
  id: string
  name: string
  type: string
  /** Formula a record must satisfy to be in the view. */
  filterByFormula?: string
  /** View order; without it, creation order. */
  sort?: SortSpec[]
}

/** Everything that changed in one table in one transaction; cells keyed by field ID (V1). */
export interface TableChange {
  createdRecords: Map<string, { createdTime: string; cells: Record<string, unknown> }>
  changedRecords: Map<
    string,
    {
      /** Changed fields only, new values (absent key = now empty). */
      current: Record<string, unknown>
      /** Changed fields only, old values. */
      previous: Record<string, unknown>
      /** All current non-empty cells after the change, for `includeCellValuesInFieldIds`. */
      all: Record<string, unknown>
    }
  >
  destroyedRecordIds: string[]
  createdFields: Map<string, { name: string; type: string }>
  changedFields: Map<string, { current: Partial<Field>; previous: Partial<Field> }>
  destroyedFieldIds: string[]
  changedMetadata?: {
    current: { name: string; description?: string }
    previous: { name: string; description?: string }
  }
}

/** One atomic change to a base, as webhooks report it. */
export interface BaseTransaction {
  baseId: string
  /** Increases by one per transaction, per base. */
  baseTransactionNumber: number
  /** ISO-8601 UTC. */
  timestamp: string
  source: ChangeSource
  user?: Collaborator
  /** Keyed by table ID. */
  tables: Map<string, TableChange>
  createdTables: Map<string, Table>
  destroyedTableIds: string[]
}

export type TransactionListener = (tx: BaseTransaction) => void

/** An Airtable-shaped failure raised by the base; routes/ turns it into the error envelope. */
export class EmulatorError extends Error {
  override readonly name = 'EmulatorError'
  readonly type: AirtableErrorType
  readonly status: number
  /** Send `{error:{type}}` without a message (e.g. LIST_RECORDS_ITERATOR_NOT_AVAILABLE). */
  readonly omitMessage: boolean
  constructor(init: { type: AirtableErrorType; message?: string; status?: number }) {
    super(init.message ?? init.type)
    this.type = init.type
    this.status = init.status ?? STATUS_BY_TYPE[init.type]
    this.omitMessage = init.message === undefined
  }
}

/* ---- Additions by the state/ implementation (additive; see state/base.ts for the API) ---- */

/** Who performs a schema change; same meaning as for record writes. */
export interface SchemaWriteOptions {
  source: ChangeSource
  user?: Collaborator
}

/**
 * A field to create (metadata API body, airtable-api.md §6). `id` is an emulator extension so seeds
 * get stable IDs. Link fields accept two extension options, stripped before storing:
 * `createInverse: false` (no inverse field) and `inverseLinkFieldName` (name of the created inverse).
 */
export interface FieldInput {
  id?: string
  name: string
  type: string
  description?: string
  options?: Record<string, unknown>
}

/** A table to create; the first field is the primary field. `id` is an emulator extension. */
export interface TableInput {
  id?: string
  name: string
  description?: string
  fields: FieldInput[]
}

/** The editable parts of a field (type changes are refused, airtable-api.md §6). */
export interface FieldUpdate {
  name?: string
  description?: string
  /** Shallow-merged over the current options. */
  options?: Record<string, unknown>
}

/** The editable parts of a table. */
export interface TableUpdate {
  name?: string
  description?: string
}

/** A view to add (seeds); `id` and `type` default to a fresh `viw…` ID and `grid`. */
export interface ViewInput {
  id?: string
  name: string
  type?: string
  filterByFormula?: string
  sort?: SortSpec[]
}

/**
 * A record for `insertRecords` (seeds, imports): like a create, plus an optional fixed `id`
 * (`rec` + 14 characters, unused) and `createdTime` (ISO-8601; stored at second precision).
 */
export interface SeedRecordInput {
  id?: string
  createdTime?: string
  fields: Record<string, unknown>
}
