/**
 * Failed authentications, counted per client address so that guessing a service key or forging
 * tokens is slow: after `maxFailures` failures within `windowMs`, that address gets 429
 * RATE_LIMIT_REACHED (with `Retry-After`) for every request until its window ends, valid
 * credentials included (else a guess would still tell success). Other addresses are never
 * affected, and nothing waits: a refusal costs a map lookup.
 *
 * Memory is bounded: at most `maxAddresses` entries; when full, the oldest window goes (Map
 * insertion order is window start order), so a flood of fresh addresses evicts, never grows.
 */
import type { Clock } from '../shared/index.ts'

/** Options of {@link AuthFailureThrottle}. */
export interface AuthThrottleOptions {
  /** Failures an address may have in one window. @default 20 */
  maxFailures?: number
  /** The window, from an address's first failure. @default 60_000 */
  windowMs?: number
  /** Addresses remembered at most. @default 10_000 */
  maxAddresses?: number
  clock: Clock
}

interface Window {
  startMs: number
  failures: number
}

/** The per-address failure counter; see the module header. */
export class AuthFailureThrottle {
  readonly #windows = new Map<string, Window>()
  readonly #max: number
  readonly #windowMs: number
  readonly #maxAddresses: number
  readonly #clock: Clock
  constructor(options: AuthThrottleOptions) {
    this.#max = options.maxFailures ?? 20
    this.#windowMs = options.windowMs ?? 60_000
    this.#maxAddresses = options.maxAddresses ?? 10_000
    this.#clock = options.clock
  }

  /** Whether `address` is blocked now: the ms until it may try again, or 0. */
  blockedForMs(address: string): number {
    const window = this.#current(address)
    if (window === undefined || window.failures < this.#max) return 0
    return window.startMs + this.#windowMs - this.#clock.now()
  }

  /** Counts one failed authentication of `address`. */
  fail(address: string): void {
    const window = this.#current(address)
    if (window !== undefined) {
      window.failures += 1
      return
    }
    if (this.#windows.size >= this.#maxAddresses) this.#evict()
    this.#windows.set(address, { startMs: this.#clock.now(), failures: 1 })
  }

  /** Addresses remembered (for tests and metrics). */
  get size(): number {
    return this.#windows.size
  }

  #current(address: string): Window | undefined {
    const window = this.#windows.get(address)
    if (window === undefined) return undefined
    if (this.#clock.now() - window.startMs < this.#windowMs) return window
    this.#windows.delete(address)
    return undefined
  }

  /** Drops the oldest window: entries are inserted as windows start, so the first is oldest. */
  #evict(): void {
    const oldest = this.#windows.keys().next()
    if (oldest.done !== true) this.#windows.delete(oldest.value)
  }
}
