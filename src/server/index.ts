/**
 * The server: the composition root (config → store → Airtable → services → HTTP) and its Node
 * listener. The CLI parses the configuration and calls {@link createAirsyncServer}.
 */
export { createAirsyncServer, type AirsyncServer, type AirsyncServerOptions } from './server.ts'
export {
  serverConfigSchema,
  AIRTABLE_API_URL,
  DEFAULT_PORT,
  type ServerConfig,
  type ServerConfigInput,
  type ServerConfigExtras,
} from './config.ts'
export { createSyncMetrics, type SyncMetrics, type SyncMetricsOptions } from './metrics.ts'
export { buildStatus, isBaseSynced, type StatusReport, type TableStatus } from './status.ts'
export { listen, type Listener, type ListenOptions } from './node.ts'
export { defaultPolicies, ADMIN_ONLY_POLICIES, PRESENCE_BASE_ID } from './policies.ts'
export { pullBase, type PullConfig, type PullOptions } from './pull.ts'
export { createConfiguredLimiter, type RateConfig } from './rate-limiter.ts'
// For the CLI, which reaches ingest and policy only through the composition root.
export {
  FullSyncError,
  type FullSyncResult,
  type SyncProgressEvent,
  type ProgressListener,
} from '../ingest/index.ts'
export { issueDevToken } from '../policy/index.ts'
export { PRESENCE_DEV_USERS, type DevUsers } from './dev-sign-in.ts'
export { DEFAULT_WEB_DIR } from './web.ts'
