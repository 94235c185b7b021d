/**
 * Airtable's rate limits (airtable-api.md §3): 5 requests/s per base, 50/s per token, and after a
 * 429 the base (or token) keeps answering 429 for the whole penalty (30 s).
 *
 * The maths is pure: a sliding one-second window of served requests plus a penalty deadline per
 * key. The Hono middleware that applies it lives in `rate-limit-middleware.ts`.
 *
 * Invariant: in any window of `windowMs`, at most `limit` requests of one key are served.
 */

/** One key's state (a base or a token). */
export interface WindowState {
  /** Epoch ms of each request served inside the current window, oldest first. */
  readonly servedAtMs: readonly number[]
  /** Requests are refused until this epoch ms (exclusive); 0 when not penalised. */
  readonly blockedUntilMs: number
}

export interface WindowLimit {
  /** Requests allowed per window. */
  readonly limit: number
  /** Window length in ms. @default 1000 */
  readonly windowMs: number
  /** How long a key stays blocked after its first refused request, in ms. */
  readonly penaltyMs: number
}

export type Decision =
  | { readonly allowed: true; readonly state: WindowState }
  | { readonly allowed: false; readonly state: WindowState; readonly retryAfterMs: number }

export const EMPTY_WINDOW: WindowState = { servedAtMs: [], blockedUntilMs: 0 }

/**
 * Decides one request at `nowMs`. A refused request starts the penalty; requests refused during
 * the penalty do not extend it ([?] Airtable does not say; "wait 30 seconds" read literally).
 */
export function decide(state: WindowState, limit: WindowLimit, nowMs: number): Decision {
  if (nowMs < state.blockedUntilMs) {
    return { allowed: false, state, retryAfterMs: state.blockedUntilMs - nowMs }
  }
  const windowStart = nowMs - limit.windowMs
  const recent = state.servedAtMs.filter((t) => t > windowStart)
  if (recent.length < limit.limit) {
    return { allowed: true, state: { servedAtMs: [...recent, nowMs], blockedUntilMs: 0 } }
  }
  const blockedUntilMs = nowMs + limit.penaltyMs
  return {
    allowed: false,
    state: { servedAtMs: recent, blockedUntilMs },
    retryAfterMs: limit.penaltyMs,
  }
}

/**
 * A set of keyed windows, e.g. one per base. Mutable shell over {@link decide}.
 *
 * It also keeps, per key, the shortest time in which `limit + 1` requests were served (the
 * tightest spacing): at least `windowMs` by the invariant, and how close a client pacing itself
 * came to a 429 (the write benchmark reports it).
 */
export class RateLimiter {
  readonly #limit: WindowLimit
  readonly #states = new Map<string, WindowState>()
  /** The last `limit` served times per key, oldest first, whether or not still in the window. */
  readonly #lastServed = new Map<string, number[]>()
  readonly #tightestMs = new Map<string, number>()

  constructor(limit: WindowLimit) {
    this.#limit = limit
  }

  /** Decides a request for `key` and records the outcome. */
  take(key: string, nowMs: number): Decision {
    const decision = decide(this.#states.get(key) ?? EMPTY_WINDOW, this.#limit, nowMs)
    this.#states.set(key, decision.state)
    if (decision.allowed) this.#served(key, nowMs)
    return decision
  }

  /** Per key, the shortest time in which `limit + 1` requests were served since the last reset. */
  tightestSpacingMs(): Record<string, number> {
    return Object.fromEntries(this.#tightestMs)
  }

  #served(key: string, nowMs: number): void {
    const last = this.#lastServed.get(key) ?? []
    const first = last[0]
    if (last.length === this.#limit.limit && first !== undefined) {
      this.#tightestMs.set(key, Math.min(this.#tightestMs.get(key) ?? Infinity, nowMs - first))
      last.shift()
    }
    last.push(nowMs)
    this.#lastServed.set(key, last)
  }

  /** Checks without recording: would `key` be refused now? */
  isBlocked(key: string, nowMs: number): boolean {
    const state = this.#states.get(key)
    return state !== undefined && nowMs < state.blockedUntilMs
  }

  /** Forgets every key (control endpoint, tests). */
  reset(): void {
    this.#states.clear()
    this.#lastServed.clear()
    this.#tightestMs.clear()
  }
}
