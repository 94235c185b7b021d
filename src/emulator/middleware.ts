/**
 * The emulator's request pipeline, outermost first: classify + count (stats), URL length, bearer
 * auth, rate limits (per token, then per base), faults. Each is a thin shell over a pure decision
 * (classify.ts, limits.ts, faults.ts).
 */
import type { MiddlewareHandler } from 'hono'
import { getPath } from 'hono/utils/url'
import { DEFAULT_MESSAGES, errorBody } from '../protocol/errors.ts'
import type { Clock } from '../shared/clock.ts'
import { sleep } from '../shared/sleep.ts'
import { classifyRequest, normalisePath } from './classify.ts'
import { incomingOf, type EmulatorEnv } from './env.ts'
import type { FaultController } from './fault-controller.ts'
import { injectedErrorBody } from './faults.ts'
import type { RateLimiter } from './limits.ts'
import type { RequestStats } from './stats.ts'
import type { TokenRegistry } from './tokens.ts'

type Middleware = MiddlewareHandler<EmulatorEnv>

/** Header marking an injected fault, so tests can tell injected 5xx from real ones. */
export const FAULT_HEADER = 'x-airsync-emulator-fault'

/** Sets the request class and counts every answered non-control request. */
export function countRequests(stats: RequestStats): Middleware {
  return async (c, next) => {
    const requestClass = classifyRequest(c.req.method, normalisePath(getPath(c.req.raw)))
    c.set('requestClass', requestClass)
    c.set('injected', false)
    await next()
    if (requestClass.endpoint === 'control') return
    stats.record({
      endpoint: requestClass.endpoint,
      baseId: requestClass.baseId ?? '-',
      status: c.res.status,
    })
  }
}

export interface UrlLengthOptions {
  /** Longest URL accepted, in characters (airtable-api.md §3). @default 16000 */
  maxUrlLength: number
  /** [?] Airtable's answer is undocumented: 414 (HTTP's own) or 422. @default 414 */
  status: 414 | 422
}

/** Refuses URLs longer than Airtable's 16,000 characters. */
export function limitUrlLength(options: UrlLengthOptions): Middleware {
  return async (c, next) => {
    const url = new URL(c.req.url)
    const length = url.pathname.length + url.search.length
    if (length <= options.maxUrlLength) return next()
    const type = options.status === 414 ? 'URL_TOO_LONG' : 'INVALID_REQUEST_UNKNOWN'
    return c.json(
      errorBody(type, `The request URL is longer than ${options.maxUrlLength} characters`),
      options.status,
    )
  }
}

/** Bearer auth: missing or unknown token → 401 AUTHENTICATION_REQUIRED `Authentication required`. */
export function requireToken(tokens: TokenRegistry): Middleware {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    const token = match?.[1]
    const user = token === undefined ? undefined : tokens.userOf(token)
    if (token === undefined || user === undefined) {
      // Airtable answers a missing and an unknown token alike.
      return c.json(
        errorBody('AUTHENTICATION_REQUIRED', DEFAULT_MESSAGES.AUTHENTICATION_REQUIRED),
        401,
      )
    }
    c.set('token', token)
    c.set('user', user)
    return next()
  }
}

export interface RateLimitOptions {
  clock: Clock
  perToken: RateLimiter | undefined
  perBase: RateLimiter | undefined
  /** Send `Retry-After` (seconds) on 429; off like Airtable's docs (pyairtable obeys it). */
  retryAfterHeader: boolean
}

/** 5 req/s per base and 50 req/s per token; a 429 starts the penalty (airtable-api.md §3). */
export function rateLimit(options: RateLimitOptions): Middleware {
  return async (c, next) => {
    const now = options.clock.now()
    const { baseId } = c.get('requestClass')
    const byToken = options.perToken?.take(c.get('token'), now)
    const byBase =
      byToken?.allowed === false || baseId === undefined
        ? undefined
        : options.perBase?.take(baseId, now)
    const refused =
      byToken?.allowed === false ? byToken : byBase?.allowed === false ? byBase : undefined
    if (refused === undefined || refused.allowed) return next()
    if (options.retryAfterHeader) {
      c.header('Retry-After', String(Math.max(1, Math.ceil(refused.retryAfterMs / 1000))))
    }
    return c.json(errorBody('RATE_LIMIT_REACHED', DEFAULT_MESSAGES.RATE_LIMIT_REACHED), 429)
  }
}

/** Applies the fault plan of each request (latency, errors, hangs, commit-then-fail). */
export function injectFaults(faults: FaultController): Middleware {
  return async (c, next) => {
    const requestClass = c.get('requestClass')
    const plan = faults.plan(requestClass)
    const signal = c.req.raw.signal
    if (plan.delayMs > 0) await sleep(plan.delayMs, signal).catch(() => undefined)
    switch (plan.action.kind) {
      case 'pass':
        return next()
      case 'error':
        c.set('injected', true)
        c.header(FAULT_HEADER, 'error')
        return c.json(injectedErrorBody(plan.action.status), plan.action.status)
      case 'hang':
        c.set('injected', true)
        await faults.hang(signal)
        c.header(FAULT_HEADER, 'hang')
        return c.json(injectedErrorBody(503), 503)
      case 'commitThenFail': {
        await next()
        if (c.res.status >= 300) return
        c.set('injected', true)
        const incoming = incomingOf(c.env)
        if (plan.action.mode === 'reset' && incoming !== undefined) {
          incoming.socket.destroy()
          return
        }
        // Under app.request() there is no socket to reset: a 5xx is the closest failure.
        const status = plan.action.mode === 'reset' ? 502 : plan.action.status
        c.res = undefined
        c.res = c.json(injectedErrorBody(status), status, { [FAULT_HEADER]: 'commitThenFail' })
        return
      }
    }
  }
}
