/**
 * Keeps the audit log to its retention (issue 4, "a retention setting"): a Service deleting
 * entries older than `retentionMs` at start and then every `intervalMs`. Retention is the only
 * thing that removes audit entries (the log is otherwise append-only). Several instances may
 * prune the same log at once: a delete is idempotent. `retentionMs: 0` keeps everything.
 */
import type { Logger } from 'pino'
import { sleep, systemClock, type Clock, type Service } from '../shared/index.ts'
import { pruneAuditOlderThan, type Db } from '../store/index.ts'

/** Options of {@link createAuditRetentionService}. */
export interface AuditRetentionOptions {
  db: Db
  /** Entries older than this are deleted, ms; 0 = never. */
  retentionMs: number
  /** How often to prune, ms. @default 1 hour */
  intervalMs?: number
  logger: Pick<Logger, 'debug' | 'error'>
  /** @default systemClock */
  clock?: Clock
}

/** A Service that prunes the audit log; `pruneNow()` runs one pass (tests, operators). */
export interface AuditRetentionService extends Service {
  /** Prunes once; resolves with the number of entries deleted. */
  pruneNow(): Promise<number>
}

const HOUR_MS = 3_600_000

/** Creates the service; nothing runs until `run()`. */
export function createAuditRetentionService(options: AuditRetentionOptions): AuditRetentionService {
  const clock = options.clock ?? systemClock
  const intervalMs = options.intervalMs ?? HOUR_MS
  const stopping = new AbortController()
  let running: Promise<void> | undefined
  let current: Promise<unknown> = Promise.resolve()

  const pruneNow = (): Promise<number> => {
    if (options.retentionMs === 0) return Promise.resolve(0)
    const pass = pruneAuditOlderThan(options.db, {
      ageMs: options.retentionMs,
      nowMs: clock.now(),
    })
    current = pass.catch(() => undefined)
    return pass
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const deleted = await pruneNow()
        if (deleted > 0) options.logger.debug({ deleted }, 'audit log pruned')
      } catch (error) {
        options.logger.error({ err: error }, 'audit log pruning failed; retrying later')
      }
      // Rejects on stop, which ends the loop.
      await sleep(intervalMs, stopping.signal).catch(() => undefined)
    }
  }

  return {
    id: 'audit-retention',
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
