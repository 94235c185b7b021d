/**
 * airsync's client SDK (`airsync/client`): a typed, cached, live, offline-first client for an
 * airsync server, for browsers and Node. No framework; React adapts `subscribe`/snapshots with
 * `useSyncExternalStore`. See create-client.ts for the composition and each file's header for
 * its rules: cache.ts (TTL, stale-while-revalidate, shared requests, live patches), queue.ts
 * (offline queue), stream.ts (change stream), coordination.ts (one sending tab).
 */
export {
  createAirsyncClient,
  type AirsyncClient,
  type AirsyncClientOptions,
  type ListWatch,
} from './create-client.ts'
export { AirsyncError, toAirsyncError, type AirsyncErrorType } from './errors.ts'
export type { FetchLike } from './http.ts'
export { isTempRecordId } from './ids.ts'
export { browserOnlineSignal, manualOnlineSignal, type OnlineSignal } from './online.ts'
export { leaseLock, sharedLock, soloLock, webLock, type TabLock } from './coordination.ts'
export { memoryStorage, type QueueStorage, type QueuedRecord, type QueuedWrite } from './storage.ts'
export { indexedDbStorage, type IndexedDbStorageOptions } from './storage-idb.ts'
export type {
  AnyTables,
  ClientSnapshot,
  FieldsPatch,
  ListOptions,
  ListSnapshot,
  MutationOutcome,
  SdkEvent,
  SortOption,
  TableConfig,
  TypedRecord,
  ViewDefinition,
  WriteHandle,
} from './types.ts'
export {
  createPresenceService,
  formulaString,
  PRESENCE_TABLE_CONFIG,
  type PresenceService,
} from './presence/index.ts'
/** The generated Presence base types, so an app types its client from `airsync/client` alone. */
export type {
  HelpDeskPromptsFields,
  HostsRegistryFields,
  LikesFields,
  MembersRegistryFields,
  PresenceOperationsFields,
  PresenceTables,
  TemplatesFields,
} from '../protocol/index.ts'
