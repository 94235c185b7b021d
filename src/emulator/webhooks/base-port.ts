/**
 * What webhooks need from a base: its transactions, its schema and its current records. The
 * emulator's `EmulatedBase` is adapted to this port (see `fromEmulatedBase` in adapt-base.ts), so
 * payload logic is testable without the whole base.
 */
import type { Table } from '../../protocol/schema.ts'
import type { StoredRecord, TransactionListener } from '../state/types.ts'

export interface WebhookBase {
  readonly id: string
  /** Calls `listener` once per successful write, synchronously after it; returns unsubscribe. */
  subscribe(listener: TransactionListener): () => void
  /** The current schema of every table (fields with options, views). */
  tables(): readonly Table[]
  /** A record as it is now, or undefined when it does not exist. */
  record(tableId: string, recordId: string): StoredRecord | undefined
  /** IDs of the records the view shows now (its filter applied). */
  recordIdsInView(tableId: string, viewId: string): Iterable<string>
}
