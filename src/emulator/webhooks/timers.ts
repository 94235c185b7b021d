/**
 * The timer port: pings, retries and timeouts are scheduled through it so `close()` can cancel
 * them and tests can run them by hand ({@link ManualTimers}) without waiting.
 */
import type { Clock } from '../../shared/clock.ts'

export interface TimerHandle {
  cancel(): void
}

export interface Timers {
  /** Runs `fn` once after `delayMs`; the handle cancels it. */
  after(delayMs: number, fn: () => void): TimerHandle
}

/** Real timers; they do not keep the process alive (an emulator shutting down need not wait). */
export const realTimers: Timers = {
  after(delayMs, fn) {
    const timer = setTimeout(fn, delayMs)
    timer.unref()
    return { cancel: () => clearTimeout(timer) }
  },
}

interface Pending {
  dueMs: number
  seq: number
  fn: () => void
}

/**
 * Timers that fire only when told, driven together with a {@link ManualClock}-like clock:
 * `advance(ms)` moves the clock and runs what fell due, in due order.
 */
export class ManualTimers implements Timers {
  readonly #clock: Clock & { advance(ms: number): void }
  #pending: Pending[] = []
  #seq = 0
  constructor(clock: Clock & { advance(ms: number): void }) {
    this.#clock = clock
  }
  after(delayMs: number, fn: () => void): TimerHandle {
    const entry: Pending = { dueMs: this.#clock.now() + Math.max(0, delayMs), seq: this.#seq++, fn }
    this.#pending.push(entry)
    return { cancel: () => (this.#pending = this.#pending.filter((p) => p !== entry)) }
  }
  /** How many timers are waiting. */
  get size(): number {
    return this.#pending.length
  }
  /** Milliseconds until the next timer is due, or undefined when none waits. */
  nextDelayMs(): number | undefined {
    const next = this.#sorted()[0]
    return next === undefined ? undefined : Math.max(0, next.dueMs - this.#clock.now())
  }
  /** Moves the clock by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const targetMs = this.#clock.now() + ms
    for (;;) {
      const next = this.#sorted()[0]
      if (next === undefined || next.dueMs > targetMs) break
      this.#pending = this.#pending.filter((p) => p !== next)
      this.#clock.advance(Math.max(0, next.dueMs - this.#clock.now()))
      next.fn()
    }
    this.#clock.advance(Math.max(0, targetMs - this.#clock.now()))
  }
  #sorted(): Pending[] {
    return [...this.#pending].sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq)
  }
}
