/**
 * Ingest: how changes in Airtable reach the mirror. For now the full sync (`airsync pull`, first
 * start, resync); webhook payloads and the polling fallback come with the next issue.
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
