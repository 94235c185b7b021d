/** The time port: code that needs "now" takes a Clock so tests can move time by hand. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told: for tests of expiry, penalties and token buckets. */
export class ManualClock implements Clock {
  #nowMs: number
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs
  }
  now(): number {
    return this.#nowMs
  }
  advance(ms: number): void {
    this.#nowMs += ms
  }
}
