/**
 * Keeps the change feed to its retention (issue 5): entries older than `retentionMs` are pruned
 * at start and then every `intervalMs` (scheduling: retention.ts). The feed remembers the highest
 * seq pruned (`pruned_through`), so a stream resuming from before it gets a `reset` instead of a
 * gap.
 */
import type { Logger } from 'pino'
import type { Clock } from '../shared/index.ts'
import { pruneOlderThan, type Db } from '../store/index.ts'
import { createRetentionService, type RetentionService } from './retention.ts'

/** Options of {@link createFeedRetentionService}. */
export interface FeedRetentionOptions {
  db: Db
  /** Entries older than this are pruned, ms. */
  retentionMs: number
  /**
   * How often to prune, ms: often enough that the feed stays close to its retention.
   * @default min(retentionMs / 24, 10 minutes), at least 1 s
   */
  intervalMs?: number
  logger: Pick<Logger, 'debug' | 'error'>
  /** @default systemClock */
  clock?: Clock
}

const TEN_MINUTES_MS = 600_000

/** Creates the service; nothing runs until `run()`. */
export function createFeedRetentionService(options: FeedRetentionOptions): RetentionService {
  const { db, ...schedule } = options
  return createRetentionService({
    ...schedule,
    intervalMs:
      options.intervalMs ?? Math.max(1_000, Math.min(options.retentionMs / 24, TEN_MINUTES_MS)),
    id: 'feed-retention',
    what: 'change feed',
    prune: (cutoff) => pruneOlderThan(db, cutoff),
  })
}
