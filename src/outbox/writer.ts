/**
 * The outbox writer: one per base, the only thing that sends the outbox to Airtable. A
 * {@link Service}: `run()` resolves on `stop()`; `drain()` waits until the outbox is settled.
 *
 *   follower ──tryAdvisoryLock──► leader: recover interrupted rows ──► rounds ─┐
 *      ▲  (retry every lockRetryMs)          ▲                                 │
 *      └──── lock lost / stop ◄──────────────┴─────── wake: NOTIFY, answer, poll┘
 *
 * Leadership: a session advisory lock per base on a dedicated connection, so it dies with the
 * process and another instance takes over within `lockRetryMs` (PGlite: one process, always the
 * holder). A new leader first settles the rows its predecessor left `sending`.
 *
 * A round: plan (writer-round.ts) → conflict stage (writer-conflicts.ts) → each request sent as
 * its own task, so several are in flight and the shared limiter keeps the base at its rate.
 * Requests are planned just before a limiter slot frees (at most `maxQueuedRequests` waiting in
 * the limiter), so batches fill up while earlier requests are on the wire. Creates with an
 * unknown outcome are reconciled as tasks too (writer-reconcile.ts).
 */
import { randomUUID } from 'node:crypto'
import type { AirtableClient, RateLimiter } from '../airtable/index.ts'
import { findField, findTable, type BaseSchema } from '../protocol/index.ts'
import { systemClock, type Clock, type Service } from '../shared/index.ts'
import { onChanges, type AdvisoryLock, type Db } from '../store/index.ts'
import type { PlannedRequest } from './batch.ts'
import type { ConflictPolicyDocument } from './conflict-policies.ts'
import { resolveConflictPolicies } from './conflict-policies.ts'
import type { OutboxRetryPolicy } from './failure.ts'
import type { WriterLogger } from './writer-apply.ts'
import { runConflictStage } from './writer-conflicts.ts'
import { reconcileRecord } from './writer-reconcile.ts'
import {
  executeRequest,
  planNextRound,
  recoverInterrupted,
  type RoundContext,
} from './writer-round.ts'

/** Options of {@link createOutboxWriter}. */
export interface OutboxWriterOptions {
  db: Db
  /** The shared client: its limiter paces every request of the process. */
  airtable: AirtableClient
  baseId: string
  /** The base schema (field types, names), as the mirror knows it; undefined before a sync. */
  getSchema: () => BaseSchema | undefined
  /** @default silent */
  logger?: WriterLogger
  /** @default systemClock */
  clock?: Clock
  /** The client's limiter, to plan requests just in time. @default no pacing */
  limiter?: RateLimiter
  /** Merge fields by table (names or IDs): creates of these tables go through performUpsert. */
  mergeFields?: Readonly<Record<string, readonly string[]>>
  /** Conflict policies. @default Airtable's value wins (`remote-wins`) everywhere */
  conflictPolicies?: ConflictPolicyDocument
  /** @default DEFAULT_OUTBOX_RETRY_POLICY */
  retry?: Partial<OutboxRetryPolicy>
  /**
   * Called after a request's records landed in a table (e.g. to refresh that table's view
   * orders, which only Airtable can compute). @default none
   */
  onTableWritten?: (tableId: string) => void
  /** Requests (and reconciliations) in flight at most. @default 8 */
  maxInFlight?: number
  /** Write requests allowed to wait in the limiter for a slot. @default 2 */
  maxQueuedRequests?: number
  /** Look for work at least this often, ms (NOTIFY wakes it sooner). @default 1000 */
  pollIntervalMs?: number
  /** How often a follower tries to take the lock, ms. @default 2000 */
  lockRetryMs?: number
  /** How long `stop()` lets requests in flight finish before aborting them, ms. @default 5000 */
  stopGraceMs?: number
  /** Open mutations loaded per round. @default 1000 */
  loadLimit?: number
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number
}

/** The running writer. */
export interface OutboxWriter extends Service, AsyncDisposable {
  /** True while this instance holds the base's lock. */
  readonly isLeader: boolean
  /** Looks for work now. */
  wake(): void
}

const DEFAULT_POLICIES: ConflictPolicyDocument = {
  defaultPolicy: { policy: 'remote-wins', reason: 'Airtable is the system of record.' },
  tables: {},
}
const silent: WriterLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** Creates the writer; nothing runs until `run()`. */
export function createOutboxWriter(options: OutboxWriterOptions): OutboxWriter {
  const { db, baseId } = options
  const logger = options.logger ?? silent
  const clock = options.clock ?? systemClock
  const maxInFlight = options.maxInFlight ?? 8
  const pollMs = options.pollIntervalMs ?? 1_000
  const stopping = new AbortController()
  const tasks = new Map<string, { ids: string[]; done: Promise<void> }>()
  let abortTasks = new AbortController()
  let leader = false
  let running: Promise<void> | undefined
  let woken = false
  let wakeNow: (() => void) | undefined
  let drainers: (() => void)[] = []
  let afterTableId: string | undefined

  const wake = (): void => {
    woken = true
    wakeNow?.()
  }
  const settleDrainers = (): void => {
    for (const resolve of drainers) resolve()
    drainers = []
  }

  const contextFor = (): RoundContext => {
    const schema = options.getSchema()
    return {
      db,
      apply: { baseId, logger },
      send: { airtable: options.airtable, baseId, clock, signal: abortTasks.signal },
      mergeFieldIdsByTable: mergeFieldIds(schema, options.mergeFields ?? {}),
      linkFieldIds: linkFieldIdsOf(schema),
      retry: options.retry ?? {},
      random: options.random ?? Math.random,
      loadLimit: options.loadLimit ?? 1_000,
      onTableWritten: options.onTableWritten ?? (() => undefined),
    }
  }

  function launch(ids: string[], work: () => Promise<void>): void {
    const id = randomUUID()
    const done = work()
      .catch(async (error: unknown) => {
        logger.error({ err: error, mutationIds: ids }, 'outbox request failed; recovering')
        await recoverInterrupted(contextFor(), new Set(ids)).catch((e: unknown) =>
          logger.error({ err: e }, 'outbox recovery failed'),
        )
      })
      .finally(() => {
        tasks.delete(id)
        wake()
      })
    tasks.set(id, { ids, done })
  }

  /** One round; @returns how long to wait before the next (ms) and whether all is settled. */
  async function round(): Promise<{ delayMs: number; settled: boolean }> {
    const free = freeSlots()
    if (free <= 0) return { delayMs: tasks.size >= maxInFlight ? pollMs : 25, settled: false }
    const ctx = contextFor()
    const inFlight = new Set([...tasks.values()].flatMap((t) => t.ids))
    const plan = await planNextRound(ctx, { inFlight, maxRequests: free, afterTableId })
    afterTableId = plan.lastTableId
    const schema = options.getSchema()
    let requests: PlannedRequest[] = plan.requests
    if (requests.length > 0) {
      const lookup =
        schema === undefined
          ? undefined
          : resolveConflictPolicies(options.conflictPolicies ?? DEFAULT_POLICIES, schema)
      requests = await runConflictStage(
        {
          db,
          apply: ctx.apply,
          send: ctx.send,
          schema,
          policyFor: (t, f) => lookup?.policyFor(t, f) ?? 'remote-wins',
          nowMs: clock.now(),
        },
        requests,
      )
    }
    for (const request of requests) {
      const ids = request.mutations.flatMap((m) => m.mutationIds)
      const batchId = randomUUID()
      launch(ids, () => executeRequest(ctx, { request, rows: plan.rows, batchId }))
    }
    for (const group of plan.reconcile.slice(0, Math.max(0, free - requests.length))) {
      const ids = group.map((row) => row.mutationId)
      launch(ids, () =>
        reconcileRecord(
          { db, apply: ctx.apply, send: ctx.send, schema, retry: ctx.retry, random: ctx.random },
          group,
        ),
      )
    }
    const launched = requests.length + plan.reconcile.length
    // Nothing to send, nothing in flight, nothing backing off: settled (held conflicts aside).
    const settled =
      launched === 0 &&
      plan.requests.length === 0 &&
      tasks.size === 0 &&
      plan.nextDueMs === undefined &&
      plan.settledNow === 0
    // A failed entry's later mutations are settled by the next round (writer-round.ts).
    const untilDue =
      plan.settledNow > 0 ? 0 : plan.nextDueMs === undefined ? pollMs : plan.nextDueMs - clock.now()
    return { delayMs: Math.max(0, Math.min(pollMs, untilDue)), settled }
  }

  function freeSlots(): number {
    const free = maxInFlight - tasks.size
    if (options.limiter === undefined) return free
    const waiting = options.limiter.stats().queued.write
    return Math.min(free, (options.maxQueuedRequests ?? 2) - waiting)
  }

  async function lead(lock: AdvisoryLock): Promise<void> {
    abortTasks = new AbortController()
    const recovered = await recoverInterrupted(contextFor())
    if (recovered > 0) logger.info({ recovered }, 'outbox: settled interrupted mutations')
    while (!stopping.signal.aborted && !lock.lost.aborted) {
      // Only a round that starts after drain() was called may report the outbox settled.
      const waiting = drainers
      drainers = []
      let result = { delayMs: pollMs, settled: false }
      try {
        result = await round()
      } catch (error) {
        logger.error({ err: error }, 'outbox round failed')
      }
      if (result.settled) for (const resolve of waiting) resolve()
      else drainers.push(...waiting)
      await sleepUntilWoken(result.delayMs, lock.lost)
    }
  }

  async function settleTasks(): Promise<void> {
    const all = Promise.all([...tasks.values()].map((t) => t.done))
    const grace = options.stopGraceMs ?? 5_000
    const timer = setTimeout(() => abortTasks.abort(new Error('outbox writer stopping')), grace)
    // A lost lock means another instance may lead already: stop acting as the holder at once.
    if (!stopping.signal.aborted) abortTasks.abort(new Error('outbox writer lock lost'))
    await all
    clearTimeout(timer)
  }

  function sleepUntilWoken(ms: number, signal?: AbortSignal): Promise<void> {
    if (woken || ms <= 0) {
      woken = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        stopping.signal.removeEventListener('abort', done)
        signal?.removeEventListener('abort', done)
        wakeNow = undefined
        woken = false
        resolve()
      }
      const timer = setTimeout(done, ms)
      wakeNow = done
      stopping.signal.addEventListener('abort', done, { once: true })
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  async function main(): Promise<void> {
    const unlisten = await onChanges(db, wake)
    try {
      while (!stopping.signal.aborted) {
        const lock = await db.tryAdvisoryLock(`outbox-writer:${baseId}`).catch((error: unknown) => {
          logger.warn({ err: error }, 'outbox: could not try the writer lock')
          return undefined
        })
        if (lock === undefined) {
          await sleepUntilWoken(options.lockRetryMs ?? 2_000)
          continue
        }
        leader = true
        logger.info({ baseId }, 'outbox writer: leader')
        try {
          await lead(lock)
        } finally {
          await settleTasks()
          leader = false
          await lock.release()
        }
      }
    } finally {
      settleDrainers()
      await unlisten()
    }
  }

  const stop = async (): Promise<void> => {
    stopping.abort()
    wake()
    await running
  }
  return {
    id: `outbox-writer:${baseId}`,
    get isLeader() {
      return leader
    },
    wake,
    run() {
      running ??= main()
      return running
    },
    stop,
    drain() {
      if (running === undefined || stopping.signal.aborted) return Promise.resolve()
      const settled = new Promise<void>((resolve) => drainers.push(resolve))
      wake()
      return settled
    },
    [Symbol.asyncDispose]: stop,
  }
}

/** Declared merge fields (names or IDs) as field IDs by table ID; unknown names are skipped. */
function mergeFieldIds(
  schema: BaseSchema | undefined,
  declared: Readonly<Record<string, readonly string[]>>,
): Record<string, string[]> {
  const result: Record<string, string[]> = {}
  if (schema === undefined) return result
  for (const [tableKey, fields] of Object.entries(declared)) {
    const table = findTable(schema, tableKey)
    if (table === undefined) continue
    const ids = fields.flatMap((name) => {
      const field = findField(table, name)
      return field === undefined ? [] : [field.id]
    })
    if (ids.length > 0) result[table.id] = ids
  }
  return result
}

/** The base's link fields (field IDs); undefined before the schema is known. */
function linkFieldIdsOf(schema: BaseSchema | undefined): Set<string> | undefined {
  if (schema === undefined) return undefined
  return new Set(
    schema.tables.flatMap((t) =>
      t.fields.filter((f) => f.type === 'multipleRecordLinks').map((f) => f.id),
    ),
  )
}
