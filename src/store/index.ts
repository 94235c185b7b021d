/**
 * The store: airsync's Postgres mirror of a base (PGlite embedded, or a PostgreSQL server), with
 * the change feed, sync state, and the tables of the write path. Other modules import only this.
 */
export type { AdvisoryLock, Db, DbKind, Row, Unlisten } from './db.ts'
export { StoreError, MigrationError } from './errors.ts'
export { quoteIdent, advisoryLockKeys, jsonParam } from './sql.ts'
export { openPglite, createPgliteTemplate, type OpenPgliteOptions } from './pglite.ts'
export { openPostgres, type OpenPostgresOptions } from './postgres.ts'
export { openStore, storeConfigFromEnv, DEFAULT_DATA_DIR, type StoreConfig } from './open-store.ts'
export { migrate, MIGRATIONS, type Migration, type MigrateResult } from './migrations/index.ts'
export {
  CHANGES_CHANNEL,
  appendChanges,
  lockFeed,
  readChangesAfter,
  latestSeq,
  mutationsChangedBetween,
  feedBounds,
  pruneOlderThan,
  onChanges,
  type ChangeKind,
  type ChangeSource,
  type ChangeInput,
  type ChangeEntry,
  type ChangeFilter,
  type FeedBounds,
} from './feed.ts'
export {
  jsonEqual,
  applyWrite,
  changedFieldIds,
  compactFields,
  type WriteMode,
} from './record-diff.ts'
export {
  upsertRecords,
  deleteRecords,
  deleteRecordsExcept,
  replaceTable,
  getRecord,
  getRecords,
  listRecordIds,
  loadTableRecords,
  countRecords,
  analyzeRecords,
  type MirrorRecord,
  type RecordInput,
  type TableRef,
  type WriteOrigin,
  type ChangeAudit,
  type WriteResult,
  type UpsertRecordsOptions,
  type DeleteRecordsOptions,
  type DeleteRecordsExceptOptions,
  type ReplaceTableOptions,
} from './records.ts'
export { saveBaseSchema, loadBaseSchema, listBaseIds, type StoredBaseSchema } from './schema.ts'
export { ensureKeyIndexes, keyIndexDdl, keyIndexName, type KeyIndex } from './key-indexes.ts'
export { saveViewOrder, loadViewOrder, pruneViewOrders, type ViewOrder } from './views.ts'
export {
  setTableSyncState,
  getTableSyncState,
  listTableSyncStates,
  setBaseSyncState,
  getBaseSyncState,
  lockBaseSyncState,
  type TableSyncStatus,
  type TableSyncState,
  type TableSyncPatch,
  type BaseSyncState,
  type BaseSyncPatch,
} from './sync-state.ts'
export {
  queryRecords,
  queryKeyedRecords,
  countMatchingRecords,
  hasTextCollation,
  TEXT_COLLATION,
  type KeyedRecord,
  type SqlFragment,
  type QueryRecordsOptions,
  type QueryKeyedRecordsOptions,
} from './query-records.ts'
export {
  filterRecords,
  formulaRecord,
  type FilterField,
  type FilterRecordsOptions,
} from './formula-filter.ts'
export {
  appendAudit,
  queryAudit,
  pruneAuditOlderThan,
  type AuditInput,
  type AuditEntry,
  type AuditFilter,
} from './audit.ts'
export {
  enqueueMutations,
  getMutations,
  getMutationStates,
  listPendingMutations,
  listOpenMutations,
  listHeldMutations,
  listFailedMutations,
  findCreatesByTempIds,
  reassignRecordId,
  listOpenMutationsNaming,
  committedCreateRecordIds,
  lastCommittedFieldWrites,
  updateMutation,
  updateMutations,
  outboxStats,
  type MutationOp,
  type MutationState,
  type MutationInput,
  type StoredMutation,
  type MutationPatch,
  type OutboxStats,
  type RecordFieldRef,
  type CommittedFieldWrite,
} from './outbox.ts'
export {
  claimIdempotencyKey,
  saveIdempotentResponse,
  pruneIdempotencyKeys,
  type IdempotencyKeyRef,
  type IdempotencyClaim,
} from './idempotency.ts'
export {
  recordConflict,
  getConflict,
  listConflicts,
  resolveConflict,
  type ConflictStatus,
  type ConflictInput,
  type StoredConflict,
} from './conflicts.ts'
