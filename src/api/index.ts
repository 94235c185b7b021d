/**
 * The API module: an Airtable-compatible read API served from the mirror (`/v0`), with the
 * caller's policy applied, and operations endpoints (`/healthz`, `/v1/status`, `/metrics`).
 */
export { createApi, normalisePath, type ApiApp } from './app.ts'
export type {
  ApiOptions,
  ApiLimits,
  ApiWriteOptions,
  CommentRequest,
  StrongRead,
  UpstreamPort,
} from './options.ts'
export type { StatusReport } from './v1/status.ts'
export { ApiError, toErrorReply, NOT_FOUND_BODY } from './errors.ts'
export type { OffsetMismatchType } from './offsets.ts'
export type { CommentCountMode } from './render.ts'
export { createApiMetrics, type ApiMetrics } from './metrics.ts'
export {
  createEventHub,
  type EventHub,
  type EventHubOptions,
  type EventHubStats,
  type OpenStreamRequest,
} from './v1/events-hub.ts'
export { DEV_SIGN_IN_ROLES, type DevSignInOptions, type DevSignInRole } from './v1/dev-sign-in.ts'
