/**
 * Keeps idempotency keys to their retention: keys older than `retentionMs` are deleted at start
 * and then every `intervalMs` (scheduling: retention.ts), except those whose mutations are still
 * open, since a retry of that request must still be deduplicated (store `pruneIdempotencyKeys`).
 * A request replayed after its key is gone is handled as a new one. `retentionMs: 0` keeps every
 * key.
 */
import type { Logger } from 'pino'
import type { Clock } from '../shared/index.ts'
import { pruneIdempotencyKeys, type Db } from '../store/index.ts'
import { createRetentionService, type RetentionService } from './retention.ts'

/** Options of {@link createIdempotencyRetentionService}. */
export interface IdempotencyRetentionOptions {
  db: Db
  /** Keys older than this are deleted, ms; 0 = never. */
  retentionMs: number
  /** How often to prune, ms. @default 1 hour */
  intervalMs?: number
  logger: Pick<Logger, 'debug' | 'error'>
  /** @default systemClock */
  clock?: Clock
}

/** Creates the service; nothing runs until `run()`. */
export function createIdempotencyRetentionService(
  options: IdempotencyRetentionOptions,
): RetentionService {
  const { db, ...schedule } = options
  return createRetentionService({
    ...schedule,
    id: 'idempotency-retention',
    what: 'idempotency keys',
    prune: (cutoff) => pruneIdempotencyKeys(db, cutoff),
  })
}
