/**
 * When to ping, as one pure reducer (STYLE.md habit 10). Pings are coalesced: a burst of payloads
 * yields one ping; payloads that arrive while a ping is in flight earn one more ping after it, so
 * a receiver that fetched too early still hears of them. Failures are retried with exponential
 * backoff; after the last retry notifications are disabled (airtable-api.md §7.3).
 *
 *   idle ──payload──▶ scheduled(0) ──timer──▶ sending(n) ──ok──▶ idle (or scheduled(0) if again)
 *                        ▲                       │
 *                        └──── failed, n < max ──┘ scheduled(n+1) after backoff(n+1)
 *                                                 failed, n = max ──▶ idle + disable
 *   any ──stop──▶ idle (timer cancelled)
 */

export type PingState =
  | { kind: 'idle' }
  | { kind: 'scheduled'; retryNumber: number }
  | { kind: 'sending'; retryNumber: number; again: boolean }

export type PingEvent =
  | { type: 'payload' }
  | { type: 'timer' }
  | { type: 'succeeded' }
  | { type: 'failed' }
  | { type: 'stop' }

export type PingEffect =
  | { kind: 'schedule'; delayMs: number }
  | { kind: 'send'; retryNumber: number }
  | { kind: 'cancel' }
  | { kind: 'disable' }

export interface PingPolicy {
  /** Wait before the first ping of a burst, so one ping covers it. */
  coalesceMs: number
  /** Delay before retry 1; retry n waits `firstRetryDelayMs * 2^(n-1)`. */
  firstRetryDelayMs: number
  /** Retries after the first attempt before notifications are disabled. */
  maxRetries: number
}

/** Delay before retry `retryNumber` (1-based). */
export function retryDelayMs(policy: PingPolicy, retryNumber: number): number {
  return policy.firstRetryDelayMs * 2 ** (retryNumber - 1)
}

export const IDLE: PingState = { kind: 'idle' }

/** The next state and what to do, given an event. */
export function reducePing(
  state: PingState,
  event: PingEvent,
  policy: PingPolicy,
): { state: PingState; effects: PingEffect[] } {
  switch (event.type) {
    case 'payload':
      if (state.kind === 'idle') {
        return {
          state: { kind: 'scheduled', retryNumber: 0 },
          effects: [{ kind: 'schedule', delayMs: policy.coalesceMs }],
        }
      }
      if (state.kind === 'sending') return { state: { ...state, again: true }, effects: [] }
      return { state, effects: [] }
    case 'timer':
      if (state.kind !== 'scheduled') return { state, effects: [] }
      return {
        state: { kind: 'sending', retryNumber: state.retryNumber, again: false },
        effects: [{ kind: 'send', retryNumber: state.retryNumber }],
      }
    case 'succeeded':
      if (state.kind !== 'sending') return { state, effects: [] }
      if (!state.again) return { state: IDLE, effects: [] }
      return {
        state: { kind: 'scheduled', retryNumber: 0 },
        effects: [{ kind: 'schedule', delayMs: policy.coalesceMs }],
      }
    case 'failed': {
      if (state.kind !== 'sending') return { state, effects: [] }
      if (state.retryNumber >= policy.maxRetries)
        return { state: IDLE, effects: [{ kind: 'disable' }] }
      const retryNumber = state.retryNumber + 1
      return {
        state: { kind: 'scheduled', retryNumber },
        effects: [{ kind: 'schedule', delayMs: retryDelayMs(policy, retryNumber) }],
      }
    }
    case 'stop':
      return { state: IDLE, effects: state.kind === 'scheduled' ? [{ kind: 'cancel' }] : [] }
  }
}
