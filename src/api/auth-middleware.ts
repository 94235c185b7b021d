/**
 * Authentication and per-principal rate limiting for `/v0` and `/v1`: the bearer token becomes
 * the request's principal (401 AUTHENTICATION_REQUIRED otherwise; the reason is logged, never
 * sent; an address with too many failures gets 429 first, auth-throttle.ts), then the principal's bucket is charged (429 RATE_LIMIT_REACHED with `Retry-After`).
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { AuthFailureThrottle } from './auth-throttle.ts'
import type { Logger } from 'pino'
import { AuthError, type Authenticator, type Principal } from '../policy/index.ts'
import { DEFAULT_MESSAGES } from '../protocol/index.ts'
import type { ApiEnv } from './context.ts'
import { ApiError } from './errors.ts'
import type { RequestLimiter } from './rate-limit.ts'

/** Options of {@link authenticate}. */
export interface AuthenticateOptions {
  /** Failed authentications per client address; none counted without it. */
  throttle?: AuthFailureThrottle
  /** The client's address (for `throttle`). @default the Node socket's remote address */
  clientAddress?: (c: Context) => string | undefined
  /**
   * Paths that also accept the token as `?access_token=` when no Authorization header is sent
   * (EventSource cannot set headers; see api/v1/events.ts for the trade-off). @default none
   */
  queryTokenPaths?: readonly string[]
}

/** Sets `principal`, or throws AuthError. */
export function authenticate(
  authenticator: Authenticator,
  logger: Logger,
  options: AuthenticateOptions = {},
): MiddlewareHandler<ApiEnv> {
  const queryPaths = new Set(options.queryTokenPaths ?? [])
  return async (c, next) => {
    let header = c.req.header('authorization')
    if (header === undefined && queryPaths.has(c.req.path.replace(/\/+$/, ''))) {
      const token = c.req.query('access_token')
      if (token !== undefined) header = `Bearer ${token}`
    }
    const address = options.throttle && (options.clientAddress ?? socketAddress)(c)
    if (address !== undefined) refuseWhileBlocked(options.throttle, address)
    try {
      c.set('principal', await authenticator.authenticate(header))
    } catch (error) {
      if (error instanceof AuthError) {
        logger.info({ reason: error.reason }, 'request refused: 401')
        // No credential at all is not a guess (a signed-out page polling); anything else is.
        if (address !== undefined && error.reason !== 'missing') options.throttle?.fail(address)
      }
      throw error
    }
    await next()
  }
}

/** The remote address of a request served by @hono/node-server; undefined elsewhere. */
export function socketAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined
  const address = env?.incoming?.socket?.remoteAddress
  return typeof address === 'string' ? address : undefined
}

function refuseWhileBlocked(throttle: AuthFailureThrottle | undefined, address: string): void {
  const waitMs = throttle?.blockedForMs(address) ?? 0
  if (waitMs <= 0) return
  throw new ApiError({
    type: 'RATE_LIMIT_REACHED',
    message: DEFAULT_MESSAGES.RATE_LIMIT_REACHED ?? 'Rate limit exceeded',
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
  })
}

/** Only the service key passes (operations endpoints). */
export function requireService(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.get('principal').kind !== 'service') {
      throw new ApiError({
        type: 'INVALID_PERMISSIONS',
        message: DEFAULT_MESSAGES.INVALID_PERMISSIONS,
      })
    }
    await next()
  }
}

/** Only the service key and admins pass (conflicts, audit, outbox). */
export function requireAdmin(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = c.get('principal')
    if (principal.kind !== 'service' && principal.role !== 'admin') {
      throw new ApiError({
        type: 'INVALID_PERMISSIONS',
        message: DEFAULT_MESSAGES.INVALID_PERMISSIONS,
      })
    }
    await next()
  }
}

/** The rate-limit key of a principal. */
export function limitKey(principal: Principal): string {
  return principal.kind === 'service' ? 'service' : `user:${principal.sub}`
}

/** Charges the principal's bucket; 429 in Airtable's envelope when it is empty. */
export function limitRequests(
  limiter: RequestLimiter,
  options: { exemptServiceKey: boolean },
): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = c.get('principal')
    if (!(options.exemptServiceKey && principal.kind === 'service')) {
      const result = limiter.take(limitKey(principal))
      if (!result.ok) {
        throw new ApiError({
          type: 'RATE_LIMIT_REACHED',
          message: DEFAULT_MESSAGES.RATE_LIMIT_REACHED,
          headers: { 'Retry-After': String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))) },
        })
      }
    }
    await next()
  }
}
