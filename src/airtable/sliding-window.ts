/**
 * Sliding-window pacing maths (pure, STYLE habit 11): at most `requests` grants in any span of
 * `windowMs`. This is how Airtable counts a base's 5 requests/s [?] — a moving one-second window
 * at arrival — so a limiter that keeps the same books, with a window a little longer than a
 * second for network jitter, sends at 5 per (1 s + margin) without putting a sixth request in
 * Airtable's window (while the jitter stays inside the margin; limiter.ts widens it after a 429). A token bucket must run below 5/s for the same safety (limiter.ts).
 *
 * The state is the grant times still inside the window, oldest first. A grant's time moves to
 * when its request actually left ({@link windowMove}): a busy event loop or a new connection can
 * hold a granted request back for a hundred milliseconds or more, and Airtable counts arrivals.
 */

/** The window: `requests` grants per `windowMs`. */
export interface WindowConfig {
  requests: number
  windowMs: number
}

/** Grant times (epoch ms) that may still be inside the window, oldest first. */
export type WindowLog = readonly number[]

/** The log without grants that left the window by `nowMs`. */
export function prune(log: WindowLog, config: WindowConfig, nowMs: number): WindowLog {
  const firstInside = log.findIndex((atMs) => atMs > nowMs - config.windowMs)
  return firstInside < 0 ? [] : log.slice(firstInside)
}

/** Milliseconds until a grant is allowed (0 = now). */
export function windowWaitMs(log: WindowLog, config: WindowConfig, nowMs: number): number {
  const inside = prune(log, config, nowMs)
  if (inside.length < config.requests) return 0
  // The grant `requests` back must leave the window first.
  const blocking = inside[inside.length - config.requests] ?? nowMs
  return Math.max(1, blocking + config.windowMs - nowMs)
}

/** The log after a grant at `nowMs`. */
export function windowTake(log: WindowLog, config: WindowConfig, nowMs: number): WindowLog {
  return [...prune(log, config, nowMs), nowMs]
}

/**
 * The log with a grant made at `fromMs` moved to `toMs` (≥ `fromMs`), when its request left;
 * a grant already pruned is put back, as the request counts from when it left.
 */
export function windowMove(log: WindowLog, fromMs: number, toMs: number): WindowLog {
  const index = log.indexOf(fromMs)
  const rest = index < 0 ? [...log] : [...log.slice(0, index), ...log.slice(index + 1)]
  const at = rest.findIndex((atMs) => atMs > toMs)
  return at < 0 ? [...rest, toMs] : [...rest.slice(0, at), toMs, ...rest.slice(at)]
}
