/**
 * Ingest: how changes in Airtable reach the mirror. The full sync (`airsync pull`, first start,
 * resync) and real-time ingestion: airsync's webhook, its payloads applied by cursor on pings or
 * by polling, recovery by resync, periodic reconciliation and view-order refreshes.
 */
export {
  runFullSync,
  FullSyncError,
  type FullSyncOptions,
  type FullSyncResult,
} from './full-sync.ts'
export {
  syncTable,
  syncRecords,
  syncViews,
  type RecordsResult,
  type SyncTableOptions,
  type TableSyncResult,
} from './sync-table.ts'
export {
  createFullSyncService,
  type FullSyncService,
  type FullSyncServiceOptions,
} from './full-sync-service.ts'
export {
  emitProgress,
  type ProgressListener,
  type SyncProgressEvent,
  type TableLabel,
} from './progress.ts'
export {
  createIngestService,
  WEBHOOK_PING_CHANNEL,
  type IngestService,
  type IngestServiceOptions,
  type PingOutcome,
} from './ingest-service.ts'
export type { IngestEvent } from './ingest-leader.ts'
export {
  ingestPayloads,
  IngestRecoveryError,
  type IngestPayloadsOptions,
  type IngestResult,
  type RecoveryReason,
} from './payload-ingester.ts'
export {
  AIRSYNC_WEBHOOK_SPECIFICATION,
  decideWebhook,
  ensureWebhook,
  skipLostPayloads,
  type EnsureWebhookOptions,
  type EnsureWebhookResult,
  type WebhookDecision,
  type WebhookFacts,
} from './webhook-lifecycle.ts'
export {
  createViewRefresher,
  type ViewRefresher,
  type ViewRefresherOptions,
} from './view-refresher.ts'
export { planPayloads, type IngestOp, type IngestPlan } from './payload-plan.ts'
export { cellsToV1, fieldLookupOf, type FieldLookup } from './cells-v1.ts'
