/**
 * The server's configuration from flags and env, parsed once with the server's zod schema
 * (`serverConfigSchema`): flags win over env, env over defaults. `airsync serve`, `pull` and
 * `start` share it; each names the keys it needs.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { z } from 'zod'
import {
  serverConfigSchema,
  type PullConfig,
  type ServerConfig,
  type ServerConfigExtras,
  type ServerConfigInput,
} from '../../server/index.ts'
import { UsageError } from '../command.ts'

type Env = Readonly<Record<string, string | undefined>>

/** Env variable of each configuration key. */
export const ENV_NAMES = {
  airtableApiUrl: 'AIRTABLE_API_URL',
  airtableAccessToken: 'AIRTABLE_ACCESS_TOKEN',
  baseId: 'AIRTABLE_BASE_ID',
  databaseUrl: 'DATABASE_URL',
  databaseSchema: 'AIRSYNC_DB_SCHEMA',
  dataDir: 'AIRSYNC_DATA_DIR',
  port: 'PORT',
  host: 'HOST',
  serviceKey: 'AIRSYNC_SERVICE_KEY',
  jwtSecret: 'AIRSYNC_JWT_SECRET',
  jwksUrl: 'AIRSYNC_JWKS_URL',
  jwtMaxLifetimeSeconds: 'AIRSYNC_JWT_MAX_LIFETIME_SECONDS',
  authFailureLimit: 'AIRSYNC_AUTH_FAILURE_LIMIT',
  clientAddressHeader: 'AIRSYNC_CLIENT_ADDRESS_HEADER',
  airtableRatePerSecond: 'AIRSYNC_RATE_LIMIT',
  airtableRateWindowMs: 'AIRSYNC_RATE_WINDOW_MS',
  airtableTimeoutMs: 'AIRSYNC_AIRTABLE_TIMEOUT_MS',
  auditRetentionMs: 'AIRSYNC_AUDIT_RETENTION_MS',
  idempotencyRetentionMs: 'AIRSYNC_IDEMPOTENCY_RETENTION_MS',
  resyncIntervalMs: 'AIRSYNC_RESYNC_INTERVAL_MS',
  logLevel: 'AIRSYNC_LOG_LEVEL',
  operationsAccess: 'AIRSYNC_OPERATIONS_ACCESS',
  offsetSecret: 'AIRSYNC_OFFSET_SECRET',
  ingest: 'AIRSYNC_INGEST',
  outboxWriter: 'AIRSYNC_OUTBOX_WRITER',
  mergeFields: 'AIRSYNC_MERGE_FIELDS',
  outboxMaxAttempts: 'AIRSYNC_OUTBOX_MAX_ATTEMPTS',
  publicUrl: 'AIRSYNC_PUBLIC_URL',
  pollIntervalMs: 'AIRSYNC_POLL_INTERVAL_MS',
  reconcileIntervalMs: 'AIRSYNC_RECONCILE_INTERVAL_MS',
  webhookRefreshMarginMs: 'AIRSYNC_WEBHOOK_REFRESH_MARGIN_MS',
  feedRetentionMs: 'AIRSYNC_FEED_RETENTION_MS',
  eventsHeartbeatMs: 'AIRSYNC_EVENTS_HEARTBEAT_MS',
  eventsMaxStreamsPerUser: 'AIRSYNC_EVENTS_MAX_STREAMS_PER_USER',
  eventsMaxBufferedBytes: 'AIRSYNC_EVENTS_MAX_BUFFERED_BYTES',
  devSignIn: 'AIRSYNC_DEV_SIGN_IN',
  webDir: 'AIRSYNC_WEB_DIR',
} as const satisfies Record<keyof ServerConfig, string>

/** The env part of the usage texts. */
export const ENV_USAGE = `Environment:
  AIRTABLE_API_URL        Airtable's API root (default https://api.airtable.com; the emulator's URL in dev)
  AIRTABLE_ACCESS_TOKEN   personal access token (required)
  AIRTABLE_BASE_ID        the base to mirror (required)
  DATABASE_URL            PostgreSQL server; PGlite in AIRSYNC_DATA_DIR when unset
  AIRSYNC_DB_SCHEMA       PostgreSQL schema of airsync's tables (default the search_path)
  AIRSYNC_DATA_DIR        data folder (default ./.airsync/)
  PORT, HOST              where to listen (default 8787, 127.0.0.1)
  AIRSYNC_SERVICE_KEY     bearer key with full access (required by serve, ≥ 16 characters)
  AIRSYNC_JWT_SECRET      HS256 secret of user JWTs
  AIRSYNC_JWKS_URL        JWKS of user JWTs (e.g. Supabase)
  AIRSYNC_JWT_MAX_LIFETIME_SECONDS  longest a user JWT may live, from iat and from now (default 86400)
  AIRSYNC_AUTH_FAILURE_LIMIT  failed authentications per client address in a minute before 429 (default 20)
  AIRSYNC_CLIENT_ADDRESS_HEADER  header a trusted reverse proxy sets to the client address (last entry used; default the socket)
  AIRSYNC_POLICIES_FILE   policy document (JSON); default: Presence's for its base, else admin-only
  AIRSYNC_RATE_LIMIT      requests per base sent to Airtable in any AIRSYNC_RATE_WINDOW_MS (default 5)
  AIRSYNC_RATE_WINDOW_MS  that window (default 1025: a second plus jitter room, widened after a 429); 0 = a token bucket
                          at AIRSYNC_RATE_LIMIT/s instead (then set it below 5, e.g. 4.5)
  AIRSYNC_AIRTABLE_TIMEOUT_MS  give up an Airtable request after this long (default 30000)
  AIRSYNC_AUDIT_RETENTION_MS  audit log retention, 0 = forever (default 90 days)
  AIRSYNC_IDEMPOTENCY_RETENTION_MS  idempotency key retention, 0 = forever (default 24 h)
  AIRSYNC_OUTBOX_WRITER   on|off: send the outbox to Airtable (default on; one writer per base)
  AIRSYNC_OUTBOX_MAX_ATTEMPTS  sends before a retriable failure becomes final (default 10)
  AIRSYNC_MERGE_FIELDS    JSON {"Table": ["Field"]}: creates of these tables go through upsert
  AIRSYNC_RESYNC_INTERVAL_MS  full resync period, 0 = at start only (default 0)
  AIRSYNC_LOG_LEVEL       fatal|error|warn|info|debug|trace|silent (default info)
  AIRSYNC_OPERATIONS_ACCESS  service|public: who may read /v1/status and /metrics (default service)
  AIRSYNC_OFFSET_SECRET   signs list offsets; set the same on every instance sharing a mirror
  AIRSYNC_INGEST          on|off: keep the mirror live from Airtable's webhook (default on)
  AIRSYNC_PUBLIC_URL      this server's public URL, for Airtable's pings; unset: poll
  AIRSYNC_POLL_INTERVAL_MS  payload polling period without a public URL (default 2000)
  AIRSYNC_RECONCILE_INTERVAL_MS  webhook/schema check period, 0 = never (default 600000)
  AIRSYNC_WEBHOOK_REFRESH_MARGIN_MS  refresh the webhook when less life remains (default 4 days)
  AIRSYNC_FEED_RETENTION_MS  change feed retention; older resume points get a reset (default 24 h)
  AIRSYNC_EVENTS_HEARTBEAT_MS  /v1/events heartbeat period (default 15000)
  AIRSYNC_EVENTS_MAX_STREAMS_PER_USER  open /v1/events streams per user (default 5)
  AIRSYNC_EVENTS_MAX_BUFFERED_BYTES  unsent bytes before a slow stream is dropped (default 262144)
  AIRSYNC_WEB_DIR         the built PWA served at / (default the package's dist/web; off: none)
  AIRSYNC_DEV_SIGN_IN     on|off: POST /v1/dev/sign-in hands out demo tokens (default off; dev only)`

/** ENV_USAGE limited to the variables of `keys`; a variable's continuation lines go with it. */
export function envUsageOf(keys: readonly (keyof typeof ENV_NAMES)[]): string {
  const wanted = new Set<string>(keys.map((key) => ENV_NAMES[key]))
  const [title, ...lines] = ENV_USAGE.split('\n')
  let keep = false
  const kept = lines.filter((line) => {
    const names = /^ {2}(\S.*?)(?: {2,}|$)/.exec(line)?.[1]
    if (names !== undefined) keep = names.split(', ').some((name) => wanted.has(name))
    return keep
  })
  return [title, ...kept].join('\n')
}

/** Flags every server command accepts. */
const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  base: { type: 'string' },
  'api-url': { type: 'string' },
  'data-dir': { type: 'string' },
  policies: { type: 'string' },
  'log-level': { type: 'string' },
} as const

/** Raw flag values, as parseArgs gives them. */
export type ServerFlags = Partial<Record<keyof typeof FLAGS, string | undefined>>

/** Parses argv into flag values; throws UsageError on unknown flags. */
export function parseServerFlags(argv: string[]): ServerFlags {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options: FLAGS }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

/** The configuration input from env, then flags on top. Empty env values count as unset. */
export function configInput(flags: ServerFlags, env: Env): Record<string, string | undefined> {
  const input: Record<string, string | undefined> = {}
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name]
    input[key] = value === undefined || value === '' ? undefined : value
  }
  const fromFlags: Partial<Record<keyof ServerConfigInput, string | undefined>> = {
    port: flags.port,
    host: flags.host,
    baseId: flags.base,
    airtableApiUrl: flags['api-url'],
    dataDir: flags['data-dir'],
    logLevel: flags['log-level'],
  }
  for (const [key, value] of Object.entries(fromFlags)) if (value !== undefined) input[key] = value
  return input
}

/** Validates `input` with `schema`; a failure names the env variable. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const key = String(issue?.path[0] ?? '?')
  const name = key in ENV_NAMES ? ENV_NAMES[key as keyof typeof ENV_NAMES] : key
  throw new UsageError(`${name}: ${issue?.message ?? 'invalid'}`)
}

/** Reads the policy document named by `--policies` or AIRSYNC_POLICIES_FILE, if any. */
export function readPolicies(flags: ServerFlags, env: Env): ServerConfigExtras {
  const file = flags.policies ?? env['AIRSYNC_POLICIES_FILE']
  if (file === undefined || file === '') return {}
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(
      `policies file ${file}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  try {
    // Validated by the policy engine when the server builds it.
    return { policies: JSON.parse(text) as ServerConfigExtras['policies'] }
  } catch (error) {
    throw new UsageError(
      `policies file ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}

/** The full server configuration for `airsync serve`. */
export function parseServeConfig(argv: string[], env: Env): ServerConfig & ServerConfigExtras {
  const flags = parseServerFlags(argv)
  return {
    ...parseConfig(serverConfigSchema, configInput(flags, env)),
    ...readPolicies(flags, env),
  }
}

/** The configuration keys `airsync pull` reads: Airtable and the store, no keys. */
export const PULL_CONFIG_KEYS = [
  'airtableApiUrl',
  'airtableAccessToken',
  'baseId',
  'databaseUrl',
  'dataDir',
  'airtableRatePerSecond',
  'airtableRateWindowMs',
] as const satisfies readonly (keyof typeof ENV_NAMES)[]

/** What `airsync pull` needs. */
export const pullConfigSchema: z.ZodType<PullConfig> = serverConfigSchema.pick(
  Object.fromEntries(PULL_CONFIG_KEYS.map((key) => [key, true])) as Record<
    (typeof PULL_CONFIG_KEYS)[number],
    true
  >,
)

/** The configuration of `airsync pull`. */
export function parsePullConfig(argv: string[], env: Env): PullConfig {
  return parseConfig(pullConfigSchema, configInput(parseServerFlags(argv), env))
}
