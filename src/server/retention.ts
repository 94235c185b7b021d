/**
 * The scheduling the retention services share (change feed, audit log, idempotency keys): a
 * Service running one pruning pass at start and then every `intervalMs` until stopped. A failed
 * pass is logged and tried again at the next tick. Several instances may prune the same table at
 * once: a delete is idempotent. `retentionMs: 0` keeps everything: nothing runs.
 */
import type { Logger } from 'pino'
import { sleep, systemClock, type Clock, type Service } from '../shared/index.ts'

/** Options of {@link createRetentionService}. */
export interface RetentionOptions {
  /** The Service's ID, e.g. 'audit-retention'. */
  id: string
  /** What is pruned, for the log, e.g. 'audit log'. */
  what: string
  /** Rows older than this are deleted, ms; 0 = never. */
  retentionMs: number
  /** One pass: deletes what is older than `ageMs` at `nowMs`; resolves with how many. */
  prune: (cutoff: { ageMs: number; nowMs: number }) => Promise<number>
  /** How often to prune, ms. @default 1 hour */
  intervalMs?: number
  logger: Pick<Logger, 'debug' | 'error'>
  /** @default systemClock */
  clock?: Clock
}

/** A Service that prunes periodically; `pruneNow()` runs one pass (tests, operators). */
export interface RetentionService extends Service {
  /** Prunes once; resolves with the number of rows deleted. */
  pruneNow(): Promise<number>
}

const HOUR_MS = 3_600_000

/** Creates the service; nothing runs until `run()`. */
export function createRetentionService(options: RetentionOptions): RetentionService {
  const clock = options.clock ?? systemClock
  const intervalMs = options.intervalMs ?? HOUR_MS
  const stopping = new AbortController()
  let running: Promise<void> | undefined
  let current: Promise<unknown> = Promise.resolve()

  const pruneNow = (): Promise<number> => {
    if (options.retentionMs === 0) return Promise.resolve(0)
    const pass = options.prune({ ageMs: options.retentionMs, nowMs: clock.now() })
    current = pass.catch(() => undefined)
    return pass
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const deleted = await pruneNow()
        if (deleted > 0) options.logger.debug({ deleted }, `${options.what} pruned`)
      } catch (error) {
        options.logger.error({ err: error }, `${options.what} pruning failed; retrying later`)
      }
      // Rejects on stop, which ends the loop.
      await sleep(intervalMs, stopping.signal).catch(() => undefined)
    }
  }

  return {
    id: options.id,
    pruneNow,
    run() {
      running ??= options.retentionMs === 0 ? Promise.resolve() : loop()
      return running
    },
    async stop() {
      stopping.abort()
      await running
    },
    drain: () => current.then(() => undefined),
  }
}
