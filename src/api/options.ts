/**
 * The options of {@link createApi} (app.ts): its ports (store, schema, policies, authenticator,
 * strong reads, status, metrics, logger) and its limits. Validated once, defaults applied here.
 */
import { randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { z } from 'zod'
import type { Authenticator, PolicyEngine } from '../policy/index.ts'
import type { BaseSchema, CommentInput, ListParams } from '../protocol/index.ts'
import { systemClock, type Clock } from '../shared/index.ts'
import type { Db } from '../store/index.ts'
import type { OffsetMismatchType } from './offsets.ts'
import type { CommentCountMode } from './render.ts'
import type { StatusReport } from './v1/status.ts'
import type { WebhookPingHandler } from './v1/webhooks.ts'
import type { EventHub } from './v1/events-hub.ts'
import type { DevSignInOptions } from './v1/dev-sign-in.ts'

/**
 * A read sent straight to Airtable (`consistency=strong`). The API asks for fields by ID in V1
 * JSON and applies the caller's row filter, projection and rendering itself; the port returns
 * Airtable's JSON: a list page `{records, offset?}` or one record. Errors it throws that carry
 * Airtable's `type` and `status` (the airtable client's AirtableError does) are sent on as-is.
 */
export type StrongRead =
  | { kind: 'list'; tableId: string; params: ListParams }
  | { kind: 'get'; tableId: string; recordId: string }

/**
 * A comments request for one record, sent to Airtable as it is (airtable-api.md §2.11) once the
 * API has checked the caller may read the record. Failures carry Airtable's type and status.
 */
export type CommentRequest = { tableId: string; recordId: string } & (
  | { kind: 'list'; pageSize?: number; offset?: string }
  | { kind: 'create'; input: CommentInput }
  | { kind: 'update'; commentId: string; text: string }
  | { kind: 'delete'; commentId: string }
)

/** What the API asks of Airtable itself (the server holds the token). */
export interface UpstreamPort {
  /** The mirrored base's name, as Airtable lists it. */
  baseName(): Promise<string>
  /** Sends a comments request; resolves to Airtable's JSON answer. */
  comments(request: CommentRequest): Promise<unknown>
}

export interface ApiLimits {
  /** Largest request body. @default 1_048_576 */
  maxBodyBytes?: number
  /** Requests per second per principal (user `sub`, or the service key). @default 20 */
  requestsPerSecond?: number
  /** Burst above the steady rate. @default 2 × requestsPerSecond */
  burst?: number
  /** The service key is not rate limited (it is the app's own back end). @default true */
  exemptServiceKey?: boolean
  /** Failed authentications per client address before its 429 (auth-throttle.ts). @default 20 */
  authFailuresPerWindow?: number
  /** The window of `authFailuresPerWindow`, from the address's first failure. @default 60_000 */
  authFailureWindowMs?: number
}

export interface ApiOptions {
  /** The mirror. */
  db: Db
  /** The one base this server mirrors; other base IDs answer 403 like unknown ones. */
  baseId: string
  /** The current base schema (from the store); undefined before the first sync → 503. */
  getSchema: () => BaseSchema | undefined
  /** The policy engine, or a factory called again whenever `getSchema()` returns a new object. */
  policies: PolicyEngine | ((schema: BaseSchema) => PolicyEngine)
  authenticator: Authenticator
  /** Reads Airtable directly for `consistency=strong`; without it such reads answer 422. */
  strongRead?: (read: StrongRead) => Promise<unknown>
  /** Base names and the comments API; without it `/v0/meta/bases` names the base by its ID and comments answer 404. */
  upstream?: UpstreamPort
  /** `GET /v1/status`, provided by the server. */
  status: () => StatusReport | Promise<StatusReport>
  /** Where the API registers its metrics; `GET /metrics` serves the whole registry. */
  metrics: Registry
  logger: Logger
  limits?: ApiLimits
  /** Signs list offsets; instances sharing a mirror must share it. @default random per process */
  offsetSecret?: string
  /** @see OffsetMismatchType @default 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' */
  offsetMismatchType?: OffsetMismatchType
  /** @default 'zero' (as the emulator) */
  commentCount?: CommentCountMode
  /** `cellFormat=string` without timeZone/userLocale fails ([?] Airtable's exact error). @default true */
  requireLocaleForStringFormat?: boolean
  /** Who may read `/metrics` and `/v1/status`. @default 'service' */
  operationsAccess?: 'public' | 'service'
  /** How filters run: compiled to SQL with a JS residual, or all in JS (a fallback). @default 'sql' */
  filterStrategy?: 'sql' | 'js'
  /** @default systemClock */
  clock?: Clock
  /** Handles `POST /v1/webhooks/airtable` (Airtable's pings); no route without it. */
  onWebhookPing?: WebhookPingHandler
  /** Serves `GET /v1/events` from this hub (the server runs it); no route without it. */
  events?: EventHub
  /** The write endpoints (v0/write.ts). */
  writes?: ApiWriteOptions
  /** Serves `POST /v1/dev/sign-in` (demo tokens; development only). @default off */
  devSignIn?: DevSignInOptions
  /**
   * The client's address, for slowing failed authentications. Behind a proxy, derive it from the
   * proxy's header here. @default the Node socket's remote address (none under `app.request()`)
   */
  clientAddress?: (c: Context) => string | undefined
}

/** How writes wait for Airtable (v0/write.ts). */
export interface ApiWriteOptions {
  /** A write not settled after this answers 202 with its mutation IDs. @default 25_000 */
  waitTimeoutMs?: number
  /** Fallback poll of waited-on mutations, should a notification be lost. @default 1000 */
  pollIntervalMs?: number
}

const limitsSchema = z.object({
  maxBodyBytes: z.number().int().positive().default(1_048_576),
  requestsPerSecond: z.number().positive().default(20),
  burst: z.number().positive().optional(),
  exemptServiceKey: z.boolean().default(true),
  authFailuresPerWindow: z.number().int().positive().default(20),
  authFailureWindowMs: z.number().int().positive().default(60_000),
})

/** The options with defaults applied. */
export interface ResolvedApiOptions extends Omit<
  ApiOptions,
  'limits' | 'offsetSecret' | 'clock' | 'commentCount'
> {
  limits: Required<ApiLimits>
  offsetSecret: string
  clock: Clock
  commentCount: CommentCountMode
  requireLocaleForStringFormat: boolean
  operationsAccess: 'public' | 'service'
}

/** Validates the limits and applies defaults. */
export function resolveApiOptions(options: ApiOptions): ResolvedApiOptions {
  const limits = limitsSchema.parse(options.limits ?? {})
  return {
    ...options,
    limits: { ...limits, burst: limits.burst ?? limits.requestsPerSecond * 2 },
    offsetSecret: options.offsetSecret ?? randomBytes(32).toString('hex'),
    clock: options.clock ?? systemClock,
    commentCount: options.commentCount ?? 'zero',
    requireLocaleForStringFormat: options.requireLocaleForStringFormat ?? true,
    operationsAccess: options.operationsAccess ?? 'service',
  }
}
