/**
 * Keeps the audit log to its retention (issue 4, "a retention setting"): entries older than
 * `retentionMs` are deleted at start and then every `intervalMs` (scheduling: retention.ts).
 * Retention is the only thing that removes audit entries (the log is otherwise append-only).
 * `retentionMs: 0` keeps everything.
 */
import type { Logger } from 'pino'
import type { Clock } from '../shared/index.ts'
import { pruneAuditOlderThan, type Db } from '../store/index.ts'
import { createRetentionService, type RetentionService } from './retention.ts'

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
export type AuditRetentionService = RetentionService

/** Creates the service; nothing runs until `run()`. */
export function createAuditRetentionService(options: AuditRetentionOptions): AuditRetentionService {
  const { db, ...schedule } = options
  return createRetentionService({
    ...schedule,
    id: 'audit-retention',
    what: 'audit log',
    prune: (cutoff) => pruneAuditOlderThan(db, cutoff),
  })
}
