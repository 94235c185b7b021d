/**
 * The server's configuration: one zod schema, parsed once by the CLI from flags, env and these
 * defaults (STYLE habit 6), then passed typed to {@link createAirsyncServer}. Nothing in the
 * server reads `process.env`.
 */
import { z } from 'zod'
import type { PolicyDocumentInput } from '../policy/index.ts'
import type { DevUsers } from './dev-sign-in.ts'

/** Airtable's API root. */
export const AIRTABLE_API_URL = 'https://api.airtable.com'
/** The port `airsync serve` listens on by default. */
export const DEFAULT_PORT = 8787

/** A JSON text (from an env variable) as its value; anything else as is, for zod to judge. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

export const serverConfigSchema = z.object({
  /** `AIRTABLE_API_URL`: Airtable, or the emulator's URL in dev. @default Airtable's */
  airtableApiUrl: z.url().default(AIRTABLE_API_URL),
  /** `AIRTABLE_ACCESS_TOKEN`: a personal access token; never leaves the server. */
  airtableAccessToken: z.string().min(1),
  /** `AIRTABLE_BASE_ID`: the base mirrored. */
  baseId: z.string().regex(/^app[A-Za-z0-9]{14}$/, 'an Airtable base ID (app + 14 characters)'),
  /** `DATABASE_URL`: a PostgreSQL server; PGlite in `dataDir` when absent. */
  databaseUrl: z.string().min(1).optional(),
  /**
   * `AIRSYNC_DB_SCHEMA`: the PostgreSQL schema holding airsync's tables (created when missing;
   * instances sharing a mirror name the same one). Ignored by PGlite. @default the search_path
   */
  databaseSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case schema name')
    .optional(),
  /** `AIRSYNC_DATA_DIR`: PGlite's folder and the dev secrets. @default './.airsync/' */
  dataDir: z.string().min(1).default('./.airsync/'),
  /** `PORT` / `--port`; 0 picks a free port. @default 8787 */
  port: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  /** `HOST` / `--host`. @default '127.0.0.1' */
  host: z.string().min(1).default('127.0.0.1'),
  /** `AIRSYNC_SERVICE_KEY`: full access (≥ 16 characters). */
  serviceKey: z.string().min(16, 'AIRSYNC_SERVICE_KEY must be at least 16 characters'),
  /** `AIRSYNC_JWT_SECRET`: verifies HS256 user tokens. */
  jwtSecret: z.string().min(16, 'AIRSYNC_JWT_SECRET must be at least 16 characters').optional(),
  /** `AIRSYNC_JWKS_URL`: verifies asymmetric user tokens (Supabase). */
  jwksUrl: z.url().optional(),
  /**
   * `AIRSYNC_JWT_MAX_LIFETIME_SECONDS`: user tokens must carry `exp`, at most this far after
   * their `iat` and after now. @default 86400 (24 h)
   */
  jwtMaxLifetimeSeconds: z.coerce.number().int().positive().default(86_400),
  /**
   * `AIRSYNC_AUTH_FAILURE_LIMIT`: failed authentications (bad service key, bad JWT) one client
   * address may make per minute before its requests get 429 for the rest of it. @default 20
   */
  authFailureLimit: z.coerce.number().int().positive().default(20),
  /**
   * `AIRSYNC_CLIENT_ADDRESS_HEADER`: behind a reverse proxy, the header it sets to the client's
   * address (e.g. `x-forwarded-for`; its last entry is used). Unset: the socket's address, and
   * then every client behind a proxy shares one failure count.
   */
  clientAddressHeader: z.string().min(1).optional(),
  /**
   * `AIRSYNC_RATE_LIMIT`: requests per base sent to Airtable in any window of
   * `airtableRateWindowMs` (a whole number there), or per second when that window is 0.
   * Airtable allows 5 a second, counted in a moving window at arrival [?]. @default 5
   */
  airtableRatePerSecond: z.coerce.number().positive().default(5),
  /**
   * `AIRSYNC_RATE_WINDOW_MS`: the window of `airtableRatePerSecond`. 1025 is a second plus 25 ms
   * for network jitter: 4.88 requests/s, each request counted from when it left; in the write
   * benchmark the emulator saw 6 requests in 1,017 ms at the closest, so no 429. Each 429 widens
   * the base's window by 25 ms (up to 250 ms more) and each 10 quiet minutes narrow it back a step
   * (limiter.ts). 0 paces by a token bucket at `airtableRatePerSecond` instead, which must then be
   * below 5 (4.5 leaves ~110 ms of jitter room): at exactly 5/s a few ms of jitter puts a sixth
   * request in some window and the base is blocked for 30 s. @default 1025
   */
  airtableRateWindowMs: z.coerce.number().int().min(0).default(1025),
  /**
   * `AIRSYNC_AIRTABLE_TIMEOUT_MS`: how long a request to Airtable may take before it is given up
   * (a write then has an unknown outcome and is reconciled). @default 30_000
   */
  airtableTimeoutMs: z.coerce.number().int().positive().default(30_000),
  /**
   * `AIRSYNC_RESYNC_INTERVAL_MS`: full resync period; 0 = only at start. How often a resync is
   * worth its cost with webhooks in place is not settled [?], hence configurable. @default 0
   */
  resyncIntervalMs: z.coerce.number().int().min(0).default(0),
  /**
   * `AIRSYNC_OPERATIONS_ACCESS`: who may read `/v1/status` and `/metrics` (`/healthz` is always
   * public). @default 'service' (the service key; admins may read `/v1/status` too)
   */
  operationsAccess: z.enum(['service', 'public']).default('service'),
  /** `AIRSYNC_OFFSET_SECRET`: signs list offsets; instances sharing a mirror must share it. */
  offsetSecret: z.string().min(16).optional(),
  /**
   * `AIRSYNC_FEED_RETENTION_MS`: how long the change feed keeps entries; a stream resuming from
   * an older one gets a `reset` event. @default 86_400_000 (24 h)
   */
  feedRetentionMs: z.coerce.number().int().positive().default(86_400_000),
  /**
   * `AIRSYNC_AUDIT_RETENTION_MS`: how long the audit log keeps entries; 0 keeps them forever.
   * @default 7_776_000_000 (90 days)
   */
  auditRetentionMs: z.coerce.number().int().min(0).default(7_776_000_000),
  /**
   * `AIRSYNC_IDEMPOTENCY_RETENTION_MS`: how long idempotency keys are kept (a key whose mutations
   * are still open is kept until they settle); 0 keeps them forever. A request replayed after its
   * key is gone is handled as a new one. @default 86_400_000 (24 h)
   */
  idempotencyRetentionMs: z.coerce.number().int().min(0).default(86_400_000),
  /** `AIRSYNC_EVENTS_HEARTBEAT_MS`: heartbeat comment period of `/v1/events`. @default 15_000 */
  eventsHeartbeatMs: z.coerce.number().int().positive().default(15_000),
  /** `AIRSYNC_EVENTS_MAX_STREAMS_PER_USER`: open `/v1/events` streams per user. @default 5 */
  eventsMaxStreamsPerUser: z.coerce.number().int().positive().default(5),
  /**
   * `AIRSYNC_EVENTS_MAX_BUFFERED_BYTES`: unsent bytes a stream may hold before it is dropped as
   * too slow (its client resumes). @default 262_144
   */
  eventsMaxBufferedBytes: z.coerce.number().int().positive().default(262_144),
  /**
   * `AIRSYNC_INGEST`: 'on' keeps the mirror live from airsync's webhook (pings or polling); 'off'
   * creates no webhook (the mirror changes only by full syncs and local writes). @default 'on'
   */
  ingest: z.enum(['on', 'off']).default('on'),
  /**
   * `AIRSYNC_OUTBOX_WRITER`: 'on' sends the outbox to Airtable (one writer per base, elected by
   * an advisory lock among instances sharing the database); 'off' only queues. @default 'on'
   */
  outboxWriter: z.enum(['on', 'off']).default('on'),
  /**
   * Merge fields by table (names or IDs, 1–3 each): creates of these tables go through
   * performUpsert, so a create whose outcome is unknown is simply sent again.
   * `AIRSYNC_MERGE_FIELDS` holds it as JSON. @default none
   */
  mergeFields: z
    .preprocess(parseJsonText, z.record(z.string(), z.array(z.string().min(1)).min(1).max(3)))
    .default({}),
  /** `AIRSYNC_OUTBOX_MAX_ATTEMPTS`: sends before a retriable failure becomes final. @default 10 */
  outboxMaxAttempts: z.coerce.number().int().positive().default(10),
  /**
   * `AIRSYNC_PUBLIC_URL`: where Airtable can reach this server; its webhook pings
   * `<publicUrl>/v1/webhooks/airtable`. Unset (usual in development): no pings, airsync polls.
   */
  publicUrl: z.url().optional(),
  /** `AIRSYNC_POLL_INTERVAL_MS`: payload polling period without a public URL. @default 2000 */
  pollIntervalMs: z.coerce.number().int().min(100).default(2_000),
  /**
   * `AIRSYNC_RECONCILE_INTERVAL_MS`: period of the cheap reconciliation (webhook health and
   * expiry, schema); 0 = never. @default 600000 (10 min)
   */
  reconcileIntervalMs: z.coerce.number().int().min(0).default(600_000),
  /**
   * `AIRSYNC_WEBHOOK_REFRESH_MARGIN_MS`: refresh the webhook when less than this remains of its
   * 7-day life (checked at each reconciliation). @default 345600000 (4 days)
   */
  webhookRefreshMarginMs: z.coerce.number().int().positive().default(345_600_000),
  /**
   * `AIRSYNC_DEV_SIGN_IN`: serve `POST /v1/dev/sign-in`, which hands anyone a token for the demo
   * member, host or admin. For the embedded stack (`airsync start` turns it on); needs
   * `jwtSecret`. Never on in production. @default false
   */
  devSignIn: z
    .preprocess((value) => (value === 'on' ? true : value === 'off' ? false : value), z.boolean())
    .default(false),
  /**
   * `AIRSYNC_WEB_DIR`: the built PWA served at `/`; 'off' serves none. @default the package's
   * dist/web (a page saying how to build it when missing)
   */
  webDir: z.string().min(1).optional(),
  /** `AIRSYNC_LOG_LEVEL`. @default 'info' */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

/** The validated configuration. */
export type ServerConfig = z.infer<typeof serverConfigSchema>
/** The configuration before defaults. */
export type ServerConfigInput = z.input<typeof serverConfigSchema>

/** What the CLI adds to the configuration after reading files. */
export interface ServerConfigExtras {
  /**
   * The policy document (`AIRSYNC_POLICIES_FILE`, read by the CLI). @default the Presence
   * policies for the Presence base; otherwise admin-only (the service key always has full access)
   */
  policies?: PolicyDocumentInput | undefined
  /** The demo accounts of `devSignIn`. @default the Presence demo member, host and admin */
  devUsers?: DevUsers | undefined
}
