/**
 * Per-principal request rate limits: one token bucket per key (user `sub`, or the service key),
 * pure maths over an injected clock. Buckets idle long enough to be full again are forgotten,
 * so memory stays bounded by the active callers.
 */
import type { Clock } from '../shared/index.ts'

export interface RequestLimiterOptions {
  /** Steady rate, requests per second. */
  requestsPerSecond: number
  /** Bucket size (requests allowed at once). */
  burst: number
  clock: Clock
  /** Most buckets kept; the oldest are dropped first. @default 10_000 */
  maxKeys?: number
}

/** The decision for one request. */
export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number }

interface Bucket {
  tokens: number
  atMs: number
}

/** Token buckets per key. */
export class RequestLimiter {
  readonly #options: RequestLimiterOptions
  readonly #buckets = new Map<string, Bucket>()
  constructor(options: RequestLimiterOptions) {
    this.#options = options
  }

  /** Takes one token for `key`, or says how long until one is available. */
  take(key: string): TakeResult {
    const { requestsPerSecond, burst, clock } = this.#options
    const now = clock.now()
    const previous = this.#buckets.get(key)
    const refilled =
      previous === undefined
        ? burst
        : Math.min(burst, previous.tokens + ((now - previous.atMs) / 1000) * requestsPerSecond)
    // Re-insert so Map order is least-recently-used first.
    this.#buckets.delete(key)
    if (refilled < 1) {
      this.#buckets.set(key, { tokens: refilled, atMs: now })
      return { ok: false, retryAfterMs: Math.ceil(((1 - refilled) / requestsPerSecond) * 1000) }
    }
    this.#buckets.set(key, { tokens: refilled - 1, atMs: now })
    this.#evict()
    return { ok: true }
  }

  /** Number of keys tracked (tests). */
  get size(): number {
    return this.#buckets.size
  }

  #evict(): void {
    const max = this.#options.maxKeys ?? 10_000
    while (this.#buckets.size > max) {
      const oldest = this.#buckets.keys().next().value
      if (oldest === undefined) return
      this.#buckets.delete(oldest)
    }
  }
}
