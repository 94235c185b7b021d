/**
 * The Airtable client: typed records, metadata and webhook endpoints behind one process-wide rate
 * limiter, with retries, timeouts, chunked writes, paging and typed errors.
 */
export { createAirtableClient, type AirtableClient, type AirtableClientOptions } from './http.ts'
export type {
  CallOptions,
  EndpointKind,
  FetchLike,
  HttpMethod,
  RequestEvent,
  RequestSpec,
  Transport,
  TransportOptions,
} from './transport.ts'
export {
  AirtableError,
  AirtableNetworkError,
  AirtableTimeoutError,
  classifyError,
  errorFromResponse,
  mayHaveBeenApplied,
  toAirtableError,
  type AirtableErrorInit,
  type BatchContext,
  type ClientErrorType,
  type ErrorClass,
  type ErrorType,
} from './errors.ts'
export {
  RateLimiter,
  defaultRateLimiter,
  systemTimers,
  PRIORITIES,
  type AcquireRequest,
  type LimiterStats,
  type Priority,
  type RateLimiterOptions,
  type Timers,
} from './limiter.ts'
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts'
export { MAX_RECORDS_PER_WRITE, chunk } from './batch.ts'
export { URL_LENGTH_LIMIT, type FieldKey, type ListParams } from './list-query.ts'
export type {
  CreateOptions,
  GetOptions,
  IterateOptions,
  RecordPage,
  TableClient,
  UpdateOptions,
  UpsertOptions,
  WritableFields,
  WriteOptions,
} from './records.ts'
export type {
  BaseSummary,
  CreateTableInput,
  FieldConfig,
  MetaClient,
  UpdateFieldInput,
  UpdateTableInput,
  WhoamiResponse,
} from './meta.ts'
export type { ListPayloadsParams, WebhookTarget, WebhooksClient } from './webhooks.ts'
export { computeWebhookMac, verifyWebhookMac } from './webhook-mac.ts'
