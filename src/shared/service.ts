/**
 * The shape of long-running work (STYLE habit 12): one runner calls `run()`, which resolves when
 * the work is stopped (or finished); `stop()` asks it to end; `drain()` waits for work in hand.
 */
export interface Service {
  /** A name for logs. */
  readonly id: string
  /** Does the work; resolves once stopped, rejects on a fatal error. */
  run(): Promise<void>
  /** Asks the service to end; resolves when `run()` has resolved. */
  stop(): Promise<void>
  /** Resolves when the work in hand (e.g. a sync in progress) is done. */
  drain(): Promise<void>
}
