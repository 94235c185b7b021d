/** Options of the webhook hub; every duration is configurable so tests can use small values. */
import { systemClock, type Clock } from '../../shared/clock.ts'
import { newMacSecretBase64 } from './mac.ts'
import type { FetchLike } from './notifier.ts'
import { realTimers, type Timers } from './timers.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export interface WebhookHubOptions {
  /** @default systemClock */
  clock?: Clock
  /** @default realTimers */
  timers?: Timers
  /** Used to POST pings. @default globalThis.fetch */
  fetch?: FetchLike
  /** Webhooks per base; one more fails with 422 TOO_MANY_WEBHOOKS (type [?]). @default 10 */
  maxWebhooksPerBase?: number
  /** A webhook expires this long after creation, refresh or a payload listing. @default 7 days */
  lifetimeMs?: number
  /** Payloads are deleted this long after they were stored. @default 7 days */
  payloadRetentionMs?: number
  /** An expired webhook disappears this long after it expired (§7.6). @default 7 days */
  expiredRetentionMs?: number
  /** Ping timeout (§7.3). @default 25000 */
  pingTimeoutMs?: number
  /** Wait before the first ping of a burst, coalescing it into one. @default 200 */
  pingCoalesceMs?: number
  /** Delay before retry 1; doubles per retry (§7.3). @default 10000 */
  pingFirstRetryDelayMs?: number
  /** Retries before notifications are disabled (§7.3). @default 13 */
  pingMaxRetries?: number
  /** `limit` of list payloads may not exceed this (§7.4). @default 50 */
  maxPayloadsPerPage?: number
  /** Makes webhook secrets. @default 32 random bytes, base64 */
  newSecret?: () => string
}

export type ResolvedHubOptions = Required<WebhookHubOptions>

/** Applies defaults and checks the numbers once. */
export function resolveHubOptions(options: WebhookHubOptions = {}): ResolvedHubOptions {
  const resolved: ResolvedHubOptions = {
    clock: options.clock ?? systemClock,
    timers: options.timers ?? realTimers,
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    maxWebhooksPerBase: options.maxWebhooksPerBase ?? 10,
    lifetimeMs: options.lifetimeMs ?? 7 * DAY_MS,
    payloadRetentionMs: options.payloadRetentionMs ?? 7 * DAY_MS,
    expiredRetentionMs: options.expiredRetentionMs ?? 7 * DAY_MS,
    pingTimeoutMs: options.pingTimeoutMs ?? 25_000,
    pingCoalesceMs: options.pingCoalesceMs ?? 200,
    pingFirstRetryDelayMs: options.pingFirstRetryDelayMs ?? 10_000,
    pingMaxRetries: options.pingMaxRetries ?? 13,
    maxPayloadsPerPage: options.maxPayloadsPerPage ?? 50,
    newSecret: options.newSecret ?? newMacSecretBase64,
  }
  for (const [key, value] of Object.entries(resolved)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`webhook option ${key} must be a non-negative number, got ${value}`)
    }
  }
  return resolved
}
