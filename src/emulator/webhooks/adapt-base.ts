/** Adapts an {@link EmulatedBase} to the {@link WebhookBase} port. */
import type { EmulatedBase } from '../state/index.ts'
import { EmulatorError, type StoredRecord } from '../state/types.ts'
import type { WebhookBase } from './base-port.ts'

/** The webhook view of an emulated base. */
export function webhookBaseOf(base: EmulatedBase): WebhookBase {
  return {
    id: base.id,
    subscribe: (listener) => base.subscribe(listener),
    tables: () => base.schema().tables,
    record(tableId: string, recordId: string): StoredRecord | undefined {
      try {
        return base.get(tableId, recordId)
      } catch (error) {
        // Unknown table or record: the payload shows an empty name instead.
        if (error instanceof EmulatorError) return undefined
        throw error
      }
    },
    recordIdsInView: (tableId, viewId) => base.list(tableId, { view: viewId }).map((r) => r.id),
  }
}
