/**
 * The whole stack in one process, for the acceptance tests: an emulator on port 0 (Presence seed
 * or a given base) and an airsync server on port 0 pointed at it, on its own store (PGlite in
 * memory, or a fresh schema on PostgreSQL when asked and `DATABASE_URL` is set), with a service
 * key and a JWT secret. `startStack` resolves once `/v1/status` says ready (first full sync done).
 *
 * @example
 * await using stack = await startStack()
 * const members = await stack.airsync(stack.serviceKey).table(stack.baseId, 'Templates').all()
 */
import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { createAirtableClient, RateLimiter, type AirtableClient } from '../src/airtable/index.ts'
import type { EmulatedBase, RateLimitOptions } from '../src/emulator/index.ts'
import { issueDevToken, type Role } from '../src/policy/index.ts'
import {
  createAirsyncServer,
  serverConfigSchema,
  type AirsyncServer,
  type ServerConfigInput,
} from '../src/server/index.ts'
import { migrate, openPglite, openPostgres, quoteIdent, type Db } from '../src/store/index.ts'
import { startEmulatorFixture, type EmulatorFixture } from './emulator-fixture.ts'

export const SERVICE_KEY = 'airsync-test-service-key-0123456789'
export const JWT_SECRET = 'airsync-test-jwt-secret-0123456789abcdef'
export const DEMO_MEMBER_EMAIL = 'member@presence.test'
export const DEMO_HOST_EMAIL = 'host@presence.test'
export const ADMIN_EMAIL = 'ops@presence.test'

export interface StackOptions {
  /** The base the emulator serves. @default the Presence seed */
  base?: EmulatedBase
  /** Emulator latency per /v0 request, in ms. @default 0 */
  latencyMs?: number
  /** Emulator rate limits, or `false`. @default false (tests count calls, not wait for them) */
  rateLimit?: RateLimitOptions | false
  /** Requests per second airsync sends Airtable. @default 1000 (no waiting in tests) */
  airtableRatePerSecond?: number
  /** The mirror's database: PostgreSQL only when `databaseUrl` is given. @default PGlite */
  databaseUrl?: string | undefined
  /** Server configuration on top of the stack's (e.g. `eventsHeartbeatMs`). */
  serverConfig?: Partial<ServerConfigInput>
}

/** A running emulator + airsync pair. */
export interface Stack extends AsyncDisposable {
  readonly emulator: EmulatorFixture
  readonly server: AirsyncServer
  /** airsync's URL, `http://127.0.0.1:port`. */
  readonly url: string
  readonly baseId: string
  readonly serviceKey: string
  readonly jwtSecret: string
  /** Dev tokens (HS256, 1 h) for the Presence demo accounts. */
  readonly tokens: { member: string; host: string; admin: string }
  /** Signs a user token for anyone. */
  tokenFor(user: { email: string; role: Role; sub?: string; ttlSeconds?: number }): Promise<string>
  /** An Airtable client pointed at airsync with `token`, with a limiter that never waits. */
  airsync(token: string): AirtableClient
  /** `fetch` to airsync with a bearer token. */
  request(path: string, init?: RequestInit & { token?: string }): Promise<Response>
  close(): Promise<void>
}

/** A limiter that lets tests send as fast as they like (airsync has no per-base 5/s). */
const unlimited = (): RateLimiter =>
  new RateLimiter({
    baseRatePerSecond: 10_000,
    baseBurst: 1000,
    tokenRatePerSecond: 10_000,
    tokenBurst: 1000,
  })

/** Opens the mirror's database; on PostgreSQL a fresh schema dropped by `drop()`. */
async function openMirror(
  databaseUrl: string | undefined,
): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (databaseUrl === undefined) {
    const db = await openPglite({ memory: true })
    await migrate(db)
    return { db, drop: () => db.close() }
  }
  const schema = `stack_${randomBytes(6).toString('hex')}`
  const db = await openPostgres({ connectionString: databaseUrl, schema })
  await migrate(db)
  return {
    db,
    drop: async () => {
      await db.query(`drop schema ${quoteIdent(schema)} cascade`)
      await db.close()
    },
  }
}

/** Starts the emulator and airsync and waits until airsync is ready. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const emulator = await startEmulatorFixture({
    ...(options.base !== undefined && { base: options.base }),
    ...(options.latencyMs !== undefined && { latencyMs: options.latencyMs }),
    rateLimit: options.rateLimit ?? false,
  })
  const mirror = await openMirror(options.databaseUrl)
  const config = serverConfigSchema.parse({
    airtableApiUrl: emulator.url,
    airtableAccessToken: emulator.token,
    baseId: emulator.baseId,
    port: 0,
    serviceKey: SERVICE_KEY,
    jwtSecret: JWT_SECRET,
    airtableRatePerSecond: options.airtableRatePerSecond ?? 1000,
    logLevel: 'silent',
    ...options.serverConfig,
  })
  const server = await createAirsyncServer({
    ...config,
    db: mirror.db,
    logger: pino({ level: 'silent' }),
  })
  const close = async (): Promise<void> => {
    await server.close()
    await mirror.drop()
    await emulator.close()
  }
  try {
    const url = await server.start()
    await waitUntilReady(url, SERVICE_KEY)
    const tokenFor: Stack['tokenFor'] = (user) =>
      issueDevToken({
        secret: JWT_SECRET,
        sub: user.sub ?? `user-${user.email}`,
        email: user.email,
        role: user.role,
        ...(user.ttlSeconds !== undefined && { ttlSeconds: user.ttlSeconds }),
      })
    const tokens = {
      member: await tokenFor({ email: DEMO_MEMBER_EMAIL, role: 'member' }),
      host: await tokenFor({ email: DEMO_HOST_EMAIL, role: 'host' }),
      admin: await tokenFor({ email: ADMIN_EMAIL, role: 'admin' }),
    }
    return {
      emulator,
      server,
      url,
      baseId: emulator.baseId,
      serviceKey: SERVICE_KEY,
      jwtSecret: JWT_SECRET,
      tokens,
      tokenFor,
      airsync: (token) =>
        createAirtableClient({ token, apiUrl: url, limiter: unlimited(), maxAttempts: 1 }),
      request: (path, init = {}) => {
        const { token, ...rest } = init
        const headers = new Headers(rest.headers)
        if (token !== undefined) headers.set('authorization', `Bearer ${token}`)
        return fetch(`${url}${path}`, { ...rest, headers })
      },
      close,
      [Symbol.asyncDispose]: close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** Polls `/v1/status` until `ready: true` (the first full sync is done). */
async function waitUntilReady(url: string, serviceKey: string): Promise<void> {
  const timeoutMs = 150_000
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const response = await fetch(`${url}/v1/status`, {
      headers: { authorization: `Bearer ${serviceKey}` },
    })
    if (response.ok && ((await response.json()) as { ready?: unknown }).ready === true) return
    if (Date.now() > deadline) throw new Error(`airsync at ${url} not ready after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
