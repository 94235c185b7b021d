/**
 * The process-wide rate limiter for Airtable requests (airtable-api.md §3): a token bucket per base
 * (5 requests/s) and one per token (50 requests/s, Airtable's per-PAT-owner limit). A request goes
 * only when both of its buckets have a token and its base is not serving a 429 penalty.
 *
 * Priorities: waiters are granted in the order write → ingest → resync, FIFO within a priority. A
 * lower-priority waiter is granted before a higher one only when it uses none of the buckets the
 * higher one is waiting for (e.g. it is for another base), so a waiting write on a base always goes
 * before waiting ingest and resync requests on that base.
 *
 * Pacing a base: a token bucket at `baseRatePerSecond` (below Airtable's 5/s, for jitter), or with
 * `baseWindow` a sliding window as Airtable keeps it — at most `requests` per `windowMs` — which
 * runs closer to the limit (5 per 1.025 s = 4.88/s) with the same safety (sliding-window.ts).
 * The window's margin over Airtable's second covers the network's jitter; a 429 says it did not,
 * so each penalty widens that base's window by a step (`windowWidening`), and each quiet spell
 * without one narrows it back a step.
 *
 * The bucket and window maths are in token-bucket.ts and sliding-window.ts; this file is the thin
 * stateful shell around them.
 */
import { systemClock, type Clock } from '../shared/clock.ts'
import {
  fullBucket,
  pause,
  take,
  waitMs,
  type BucketConfig,
  type BucketState,
} from './token-bucket.ts'
import {
  windowMove,
  windowTake,
  windowWaitMs,
  type WindowConfig,
  type WindowLog,
} from './sliding-window.ts'

const UNSENT_FORGET_MS = 60_000

/** Who is asking: user writes first, then change ingestion, then background resync. */
export type Priority = 'write' | 'ingest' | 'resync'

/** Priorities from most to least urgent. */
export const PRIORITIES: readonly Priority[] = ['write', 'ingest', 'resync']

/** The timer port; tests pass fake timers. */
export interface Timers {
  set(callback: () => void, ms: number): unknown
  clear(handle: unknown): void
}

/** `setTimeout`-based timers. */
export const systemTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export interface RateLimiterOptions {
  /** Requests per second per base. @default 5 */
  baseRatePerSecond?: number
  /**
   * Requests a base may send at once after a quiet period. Above 1, a 1-s window may see up to
   * `burst + rate - 1` requests; whether Airtable tolerates that is undocumented [?].
   * @default 1
   */
  baseBurst?: number
  /**
   * Pace each base by a sliding window instead of its token bucket: at most `requests` grants in
   * any `windowMs` (e.g. `{ requests: 5, windowMs: 1025 }`); `baseRatePerSecond` and `baseBurst`
   * are then ignored. Penalties after a 429 apply as usual. @default undefined (token bucket)
   */
  baseWindow?: WindowConfig
  /**
   * Window mode: after a 429 the base's window grows by `stepMs`, up to `maxWindowMs`; after each
   * `quietMs` without a 429 it shrinks back by a step, down to `baseWindow.windowMs`.
   * @default { stepMs: 25, maxWindowMs: baseWindow.windowMs + 250, quietMs: 600_000 }
   */
  windowWidening?: WindowWidening
  /** Requests per second per token (PAT owner). @default 50 */
  tokenRatePerSecond?: number
  /** @default 1 */
  tokenBurst?: number
  /** Pause after a 429 `RATE_LIMIT_REACHED`, in ms (airtable-api.md §3). @default 30000 */
  penaltyMs?: number
  /** @default systemClock */
  clock?: Clock
  /** @default systemTimers */
  timers?: Timers
}

/** How a base's window reacts to 429s (see {@link RateLimiterOptions.windowWidening}). */
export interface WindowWidening {
  stepMs: number
  maxWindowMs: number
  quietMs: number
}

/** One request for a slot. */
export interface AcquireRequest {
  /** The base the request is for; requests without one (list bases, whoami) use only the token bucket. */
  baseId?: string
  /** Identifies the token (any stable string); one bucket per key. */
  tokenKey: string
  priority: Priority
  signal?: AbortSignal
}

/** Counters for metrics. */
export interface LimiterStats {
  /** Waiters now queued, per priority. */
  queued: Record<Priority, number>
  /** Slots granted so far. */
  grants: number
  /** Slots that could not be granted at once. */
  waits: number
  /** Total time waited for slots, ms. */
  waitedMsTotal: number
  /** 429 penalties applied. */
  pauses: number
  /** Bases serving a penalty now. */
  pausedBaseIds: string[]
  /** Window mode: the window of each base widened after a 429, in ms. */
  widenedWindowMs: Record<string, number>
}

interface Waiter {
  request: AcquireRequest
  enqueuedAtMs: number
  resolve: (waitedMs: number) => void
  reject: (reason: unknown) => void
  detach: () => void
}

/** Token buckets per base and per token, shared by every Airtable client in the process. */
export class RateLimiter {
  readonly penaltyMs: number
  readonly #base: BucketConfig
  readonly #token: BucketConfig
  readonly #clock: Clock
  readonly #timers: Timers
  readonly #buckets = new Map<string, BucketState>()
  readonly #window: WindowConfig | undefined
  readonly #widening: WindowWidening | undefined
  /** Window mode: bases whose window was widened, by how many steps and when last. */
  readonly #widened = new Map<string, { steps: number; atMs: number }>()
  readonly #windows = new Map<string, WindowLog>()
  /** Window mode: grant times per base whose requests have not been seen leaving yet. */
  readonly #unsent = new Map<string, number[]>()
  readonly #queues: Record<Priority, Waiter[]> = { write: [], ingest: [], resync: [] }
  #timer: unknown = undefined
  #counters = { grants: 0, waits: 0, waitedMsTotal: 0, pauses: 0 }

  constructor(options: RateLimiterOptions = {}) {
    this.#window = options.baseWindow
    this.#widening =
      this.#window === undefined
        ? undefined
        : (options.windowWidening ?? {
            stepMs: 25,
            maxWindowMs: this.#window.windowMs + 250,
            quietMs: 600_000,
          })
    // In window mode the base bucket only carries penalties: it never runs dry before the window.
    this.#base =
      this.#window === undefined
        ? { ratePerSecond: options.baseRatePerSecond ?? 5, burst: options.baseBurst ?? 1 }
        : {
            ratePerSecond: (2 * this.#window.requests * 1000) / this.#window.windowMs,
            burst: this.#window.requests,
          }
    this.#token = {
      ratePerSecond: options.tokenRatePerSecond ?? 50,
      burst: options.tokenBurst ?? 1,
    }
    this.penaltyMs = options.penaltyMs ?? 30_000
    this.#clock = options.clock ?? systemClock
    this.#timers = options.timers ?? systemTimers
  }

  /**
   * Resolves with the milliseconds waited once the request may be sent; rejects with the signal's
   * reason if it aborts first.
   */
  acquire(request: AcquireRequest): Promise<number> {
    const { signal } = request
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        request,
        enqueuedAtMs: this.#clock.now(),
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      }
      const onAbort = (): void => {
        const queue = this.#queues[request.priority]
        const index = queue.indexOf(waiter)
        if (index >= 0) queue.splice(index, 1)
        reject(signal?.reason as Error)
        this.#drain()
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#queues[request.priority].push(waiter)
      this.#drain()
      if (this.#queues[request.priority].includes(waiter)) this.#counters.waits++
    })
  }

  /**
   * Blocks a base for `ms` (default {@link penaltyMs}) after a 429; in window mode the first 429
   * of a penalty also widens the base's window.
   */
  pause(baseId: string, ms: number = this.penaltyMs): void {
    const nowMs = this.#clock.now()
    if (this.pausedUntil(baseId) === 0) this.#widen(baseId, nowMs)
    const state = this.#bucket(`base:${baseId}`, this.#base, nowMs)
    this.#buckets.set(`base:${baseId}`, pause(state, this.#base, { nowMs, untilMs: nowMs + ms }))
    this.#counters.pauses++
    this.#drain()
  }

  /**
   * A request of the base left now (wire-times.ts): in window mode, the oldest grant not yet
   * seen leaving counts from `atMs` instead. Grants are interchangeable in the books, so which
   * request left does not matter, only when.
   */
  markSent(baseId: string, atMs: number = this.#clock.now()): void {
    if (this.#window === undefined) return
    const unsent = this.#unsent.get(baseId) ?? []
    // A grant whose request never left (aborted, failed to connect) stops waiting after a minute.
    while (unsent[0] !== undefined && unsent[0] < atMs - UNSENT_FORGET_MS) unsent.shift()
    const grantMs = unsent.shift()
    if (grantMs === undefined) return
    const log = this.#windows.get(baseId) ?? []
    this.#windows.set(baseId, windowMove(log, grantMs, Math.max(grantMs, atMs)))
    this.#drain()
  }

  /** Epoch ms until which the base is paused, or 0. */
  pausedUntil(baseId: string): number {
    const until = this.#buckets.get(`base:${baseId}`)?.pausedUntilMs ?? 0
    return until > this.#clock.now() ? until : 0
  }

  /** A snapshot of the counters. */
  stats(): LimiterStats {
    const nowMs = this.#clock.now()
    const pausedBaseIds = [...this.#buckets]
      .filter(([key, state]) => key.startsWith('base:') && state.pausedUntilMs > nowMs)
      .map(([key]) => key.slice('base:'.length))
    return {
      queued: {
        write: this.#queues.write.length,
        ingest: this.#queues.ingest.length,
        resync: this.#queues.resync.length,
      },
      ...this.#counters,
      pausedBaseIds,
      widenedWindowMs: Object.fromEntries(
        [...this.#widened.keys()]
          .map((baseId) => [baseId, this.#windowOf(baseId, nowMs).windowMs] as const)
          .filter(([, windowMs]) => windowMs > (this.#window?.windowMs ?? 0)),
      ),
    }
  }

  /** The base's window now: the configured one, widened by its 429s, narrowed by quiet time. */
  #windowOf(baseId: string, nowMs: number): WindowConfig {
    const window = this.#window ?? { requests: 1, windowMs: 0 }
    const steps = this.#wideningSteps(baseId, nowMs)
    if (steps === 0 || this.#widening === undefined) return window
    const { stepMs, maxWindowMs } = this.#widening
    return { ...window, windowMs: Math.min(maxWindowMs, window.windowMs + steps * stepMs) }
  }

  /** Steps the base's window is widened by now: one per 429, less one per quiet spell. */
  #wideningSteps(baseId: string, nowMs: number): number {
    const widened = this.#widened.get(baseId)
    if (widened === undefined || this.#widening === undefined) return 0
    return Math.max(0, widened.steps - Math.floor((nowMs - widened.atMs) / this.#widening.quietMs))
  }

  #widen(baseId: string, nowMs: number): void {
    if (this.#window === undefined || this.#widening === undefined) return
    const { stepMs, maxWindowMs } = this.#widening
    const maxSteps = Math.ceil((maxWindowMs - this.#window.windowMs) / stepMs)
    const steps = Math.min(maxSteps, this.#wideningSteps(baseId, nowMs) + 1)
    this.#widened.set(baseId, { steps, atMs: nowMs })
  }

  #bucket(key: string, config: BucketConfig, nowMs: number): BucketState {
    const existing = this.#buckets.get(key)
    if (existing !== undefined) return existing
    const created = fullBucket(config, nowMs)
    this.#buckets.set(key, created)
    return created
  }

  /** The buckets a request uses, with their keys. */
  #bucketsOf(request: AcquireRequest): { key: string; config: BucketConfig }[] {
    const keys = [{ key: `token:${request.tokenKey}`, config: this.#token }]
    if (request.baseId !== undefined)
      keys.push({ key: `base:${request.baseId}`, config: this.#base })
    return keys
  }

  /** Grants every waiter that can go now, most urgent first; arms a timer for the next one. */
  #drain(): void {
    const nowMs = this.#clock.now()
    let nextMs = Number.POSITIVE_INFINITY
    for (const priority of PRIORITIES) {
      const queue = this.#queues[priority]
      for (let i = 0; i < queue.length;) {
        const waiter = queue[i]
        if (waiter === undefined) break
        const buckets = this.#bucketsOf(waiter.request)
        const wait = Math.max(
          this.#windowWait(waiter.request, nowMs),
          ...buckets.map((b) => waitMs(this.#bucket(b.key, b.config, nowMs), b.config, nowMs)),
        )
        if (wait > 0) {
          nextMs = Math.min(nextMs, wait)
          i++
          continue
        }
        for (const b of buckets) {
          this.#buckets.set(b.key, take(this.#bucket(b.key, b.config, nowMs), b.config, nowMs))
        }
        this.#windowTake(waiter.request, nowMs)
        queue.splice(i, 1)
        this.#grant(waiter, nowMs)
      }
    }
    this.#arm(nextMs)
  }

  #windowWait(request: AcquireRequest, nowMs: number): number {
    if (this.#window === undefined || request.baseId === undefined) return 0
    const window = this.#windowOf(request.baseId, nowMs)
    return windowWaitMs(this.#windows.get(request.baseId) ?? [], window, nowMs)
  }

  #windowTake(request: AcquireRequest, nowMs: number): void {
    if (this.#window === undefined || request.baseId === undefined) return
    const log = this.#windows.get(request.baseId) ?? []
    const window = this.#windowOf(request.baseId, nowMs)
    this.#windows.set(request.baseId, windowTake(log, window, nowMs))
    const unsent = (this.#unsent.get(request.baseId) ?? []).filter(
      (grantMs) => grantMs >= nowMs - UNSENT_FORGET_MS,
    )
    unsent.push(nowMs)
    this.#unsent.set(request.baseId, unsent)
  }

  #grant(waiter: Waiter, nowMs: number): void {
    const waitedMs = nowMs - waiter.enqueuedAtMs
    this.#counters.grants++
    this.#counters.waitedMsTotal += waitedMs
    waiter.detach()
    waiter.resolve(waitedMs)
  }

  #arm(delayMs: number): void {
    if (this.#timer !== undefined) this.#timers.clear(this.#timer)
    this.#timer = undefined
    if (!Number.isFinite(delayMs)) return
    this.#timer = this.#timers.set(() => {
      this.#timer = undefined
      this.#drain()
    }, delayMs)
  }
}

let processLimiter: RateLimiter | undefined

/** The limiter shared by every client in this process that was not given its own. */
export function defaultRateLimiter(): RateLimiter {
  processLimiter ??= new RateLimiter()
  return processLimiter
}
