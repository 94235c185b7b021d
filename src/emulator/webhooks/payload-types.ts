/**
 * Webhook payloads in the v0 format (airtable-api.md §7.5). Every optional key is present only
 * when it has content; cell values are V2 and keyed by field ID.
 */
import type { ChangeSource } from '../state/types.ts'

export type CellValuesByFieldId = Record<string, unknown>

export interface PayloadCreatedRecord {
  createdTime: string
  cellValuesByFieldId: CellValuesByFieldId
}

export interface PayloadChangedRecord {
  current: { cellValuesByFieldId: CellValuesByFieldId }
  previous?: { cellValuesByFieldId: CellValuesByFieldId }
  unchanged?: { cellValuesByFieldId: CellValuesByFieldId }
}

/** Record changes, at table level or inside `changedViewsById`. */
export interface PayloadRecordChanges {
  createdRecordsById?: Record<string, PayloadCreatedRecord>
  changedRecordsById?: Record<string, PayloadChangedRecord>
  destroyedRecordIds?: string[]
}

export interface PayloadTableChange extends PayloadRecordChanges {
  changedMetadata?: {
    current: { name?: string; description?: string | null }
    previous?: { name?: string; description?: string | null }
  }
  createdFieldsById?: Record<string, { name: string; type: string }>
  changedFieldsById?: Record<
    string,
    { current: Record<string, unknown>; previous?: Record<string, unknown> }
  >
  destroyedFieldIds?: string[]
  changedViewsById?: Record<string, PayloadRecordChanges>
}

export interface PayloadCreatedTable {
  metadata?: { name: string; description: string | null }
  fieldsById?: Record<string, { name: string; type: string }>
  recordsById?: Record<string, PayloadCreatedRecord>
}

export interface PayloadUser {
  id: string
  email: string
  permissionLevel: string
  name: string
}

export interface ActionMetadata {
  source: ChangeSource
  sourceMetadata?: { user: PayloadUser }
}

/** One payload as list-payloads returns it. */
export interface WebhookPayload {
  timestamp: string
  baseTransactionNumber: number
  payloadFormat: 'v0'
  actionMetadata: ActionMetadata
  changedTablesById?: Record<string, PayloadTableChange>
  createdTablesById?: Record<string, PayloadCreatedTable>
  destroyedTableIds?: string[]
  /** Error payloads only: the hook is broken from here on. */
  error?: true
  code?: 'INVALID_FILTERS' | 'INVALID_HOOK' | 'INTERNAL_ERROR'
}
