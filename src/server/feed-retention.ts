/**
 * Keeps the change feed to its retention (issue 5): a Service pruning entries older than
 * `retentionMs` at start and then every `intervalMs`. The feed remembers the highest seq pruned
 * (`pruned_through`), so a stream resuming from before it gets a `reset` instead of a gap.
 * Several instances may prune the same feed at once: a delete is idempotent.
 */
import type { Logger } from 'pino'
import { systemClock, type Clock, type Service } from '../shared/index.ts'
import { pruneOlderThan, type Db } from '../store/index.ts'

/** Options of {@link createFeedRetentionService}. */
export interface FeedRetentionOptions {
  db: Db
  /** Entries older than this are pruned, ms. */
  retentionMs: number
  /** How often to prune, ms. @default min(retentionMs / 24, 10 minutes), at least 1 s */
  intervalMs?: number
  logger: Logger
  /** @default systemClock */
  clock?: Clock
}

/** A Service that prunes the change feed; `pruneNow()` runs one pass (tests, operators). */
export interface FeedRetentionService extends Service {
  /** Prunes once; resolves with the number of entries deleted. */
  pruneNow(): Promise<number>
}

const TEN_MINUTES_MS = 600_000

/** Creates the service; nothing runs until `run()`. */
export function createFeedRetentionService(options: FeedRetentionOptions): FeedRetentionService {
  const clock = options.clock ?? systemClock
  const intervalMs =
    options.intervalMs ?? Math.max(1_000, Math.min(options.retentionMs / 24, TEN_MINUTES_MS))
  let stopped = false
  let wake: (() => void) | undefined
  let running: Promise<void> | undefined
  let current: Promise<unknown> = Promise.resolve()

  const pruneNow = (): Promise<number> => {
    const pass = pruneOlderThan(options.db, { ageMs: options.retentionMs, nowMs: clock.now() })
    current = pass.catch(() => undefined)
    return pass
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        const deleted = await pruneNow()
        if (deleted > 0) options.logger.debug({ deleted }, 'change feed pruned')
      } catch (error) {
        options.logger.error({ err: error }, 'change feed pruning failed; retrying later')
      }
      if (stopped) return
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, intervalMs)
        function done(): void {
          clearTimeout(timer)
          wake = undefined
          resolve()
        }
        wake = done
      })
    }
  }

  return {
    id: 'feed-retention',
    pruneNow,
    run() {
      running ??= loop()
      return running
    },
    async stop() {
      stopped = true
      wake?.()
      await running
    },
    drain: () => current.then(() => undefined),
  }
}
