/**
 * Token-bucket maths, pure: state in, state out, no clock of its own.
 *
 * A bucket holds up to `burst` tokens and gains `ratePerSecond` tokens a second; a request takes
 * one. In any window of one second a bucket grants at most `burst + ratePerSecond - 1` requests
 * (the tokens it starts with plus those it gains in less than a second), so `burst: 1` is the only
 * setting that never exceeds `ratePerSecond` in any 1-s window.
 */

/** Fixed parameters of a bucket. */
export interface BucketConfig {
  /** Tokens gained per second. */
  ratePerSecond: number
  /** Capacity: how many requests may go at once after a quiet period (≥ 1). */
  burst: number
}

/** A bucket at an instant. */
export interface BucketState {
  tokens: number
  /** When `tokens` was computed (epoch ms). */
  atMs: number
  /** No token is granted before this instant (a 429 penalty); 0 when not paused. */
  pausedUntilMs: number
}

/** Float slack, so 0.2 + 0.2 + … reaching 0.9999999 still counts as a whole token. */
const EPSILON = 1e-9

/** A full bucket at `nowMs`. */
export function fullBucket(config: BucketConfig, nowMs: number): BucketState {
  return { tokens: config.burst, atMs: nowMs, pausedUntilMs: 0 }
}

/** The bucket's state at `nowMs` (never earlier than its own time). */
export function refill(state: BucketState, config: BucketConfig, nowMs: number): BucketState {
  // A paused bucket gains nothing until the pause ends.
  const from = Math.max(state.atMs, state.pausedUntilMs)
  if (nowMs <= from) return nowMs <= state.atMs ? state : { ...state, atMs: nowMs }
  const gained = ((nowMs - from) * config.ratePerSecond) / 1000
  return { ...state, tokens: Math.min(config.burst, state.tokens + gained), atMs: nowMs }
}

/** Milliseconds from `nowMs` until the bucket can grant a token; 0 when it can now. */
export function waitMs(state: BucketState, config: BucketConfig, nowMs: number): number {
  const current = refill(state, config, nowMs)
  const pauseLeft = Math.max(0, current.pausedUntilMs - nowMs)
  if (pauseLeft > 0) {
    // After the pause the bucket refills from the tokens it had when paused.
    const missing = Math.max(0, 1 - current.tokens - EPSILON)
    return pauseLeft + Math.ceil((missing * 1000) / config.ratePerSecond)
  }
  if (current.tokens >= 1 - EPSILON) return 0
  return Math.max(1, Math.ceil(((1 - current.tokens) * 1000) / config.ratePerSecond))
}

/** Takes one token at `nowMs`; the caller must have seen `waitMs(...) === 0`. */
export function take(state: BucketState, config: BucketConfig, nowMs: number): BucketState {
  const current = refill(state, config, nowMs)
  return { ...current, tokens: Math.max(0, current.tokens - 1) }
}

/**
 * Pauses the bucket from `nowMs` until `untilMs`. It keeps at most one token, so after a 429
 * penalty one request may go at once and the rest follow at the steady rate, not in a burst.
 */
export function pause(
  state: BucketState,
  config: BucketConfig,
  at: { nowMs: number; untilMs: number },
): BucketState {
  const current = refill(state, config, at.nowMs)
  return {
    ...current,
    tokens: Math.min(current.tokens, 1),
    pausedUntilMs: Math.max(current.pausedUntilMs, at.untilMs),
  }
}
