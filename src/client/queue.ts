/**
 * The offline queue: writes are stored (with their idempotency key) before anything is sent,
 * then sent one at a time in enqueue order by the tab holding the queue lock. Each is accepted
 * by the server at once (`Prefer: respond-async` → 202 with mutation IDs) and settled later,
 * when its mutations are final: by `mutation.*` stream events, else by polling
 * `GET /v1/mutations/{id}`. States of a stored write:
 *
 *   pending ──send──▶ sent ──all mutations final──▶ (removed: committed | failed | conflict)
 *      │  ▲ no answer / 429 / 5xx: wait (online event or backoff), same idempotency key
 *      └──┴─ refused (4xx) ──▶ (removed: failed)
 *
 * A create's temporary ID is swapped for the server's ID on acceptance and for Airtable's on
 * commit; later pending writes naming it are rewritten (and stored), and are sent only once it
 * is Airtable's (the queue waits at such a write, keeping the order).
 */
import type { MutationEvent } from '../protocol/index.ts'
import type { TabLock } from './coordination.ts'
import { AirsyncError, toAirsyncError } from './errors.ts'
import type { Http } from './http.ts'
import { isTempRecordId } from './ids.ts'
import { outcomeOf, rewriteIds, sendWrite, type Accepted } from './queue-send.ts'
import type { QueueStorage, QueuedWrite } from './storage.ts'
import type { AirtableRecord } from '../protocol/index.ts'
import { retryDelayMs } from './retry-delay.ts'
import { readMutationStatus } from './wire.ts'

/** How a write naming a record whose create failed ends. */
function neverCreated(): { outcome: 'failed'; error: AirsyncError } {
  const message = 'The record this change was for was never created'
  return {
    outcome: 'failed',
    error: new AirsyncError({ type: 'ROW_DOES_NOT_EXIST', message, status: 422 }),
  }
}

/** A settled write, as the queue reports it. */
export interface Settlement {
  write: QueuedWrite
  outcome: 'committed' | 'failed' | 'conflict'
  error?: AirsyncError
  /** Temporary → real record IDs (creates). */
  idMap: Record<string, string>
  /** Airtable's records when the answer carried them. */
  records?: AirtableRecord[]
}

/** A mutation's final state, from a `mutation.*` event or `GET /v1/mutations/{id}`. */
export type OutcomeInput = Pick<
  MutationEvent,
  'mutationId' | 'recordId' | 'tempRecordId' | 'error'
> & {
  state: string
}

/** What the queue needs. */
export interface OfflineQueueOptions {
  http: Http
  storage: QueueStorage
  lock: TabLock
  isOnline: () => boolean
  /** The change stream is delivering `mutation.*` events (polling slows down). */
  isStreaming: () => boolean
  /** Poll for outcomes this often without a stream, in ms (5× slower with one). @default 2000 */
  pollIntervalMs: number
  /** First retry delay after a failed send, doubled up to 30 s, in ms. @default 1000 */
  retryBaseMs: number
  onSettled: (settlement: Settlement) => void
  /** The queue's content changed (overlay and snapshot to recompute). */
  onChanged: () => void
  /** A send got no answer (true) or got one again (false). */
  onReachable: (reachable: boolean) => void
  /** Another tab should look at the storage again. */
  notifyTabs: () => void
}

/** The offline queue (see the module header). */
export class OfflineQueue {
  /** Stored writes, in order; mirrors the storage. */
  writes: QueuedWrite[] = []
  /** Temporary ID → newest known ID. */
  readonly aliases = new Map<string, string>()
  readonly #options: OfflineQueueOptions
  readonly #early = new Map<string, OutcomeInput>()
  /** Writes this tab settled (their removal from the storage may not have landed yet). */
  readonly #settledIds = new Set<string>()
  /** Writes out of `writes` whose settlement (storage, then its event) is still under way. */
  #settling = 0
  #flushing = false
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #pollTimer: ReturnType<typeof setInterval> | undefined
  #polls = 0
  #failures = 0
  #stopped = false

  constructor(options: OfflineQueueOptions) {
    this.#options = options
  }

  /** Loads the stored writes and starts competing for the lock. */
  async start(): Promise<void> {
    await this.reload()
    // A tab that was not the holder may hold stale copies: the storage is the truth then.
    this.#options.lock.start(() => void this.#load(false).then(() => this.flush()))
    this.#pollTimer = setInterval(() => void this.#poll(), this.#options.pollIntervalMs)
  }

  stop(): void {
    this.#stopped = true
    this.#options.lock.stop()
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer)
    if (this.#pollTimer !== undefined) clearInterval(this.#pollTimer)
  }

  /** Re-reads the storage (another tab changed it). */
  reload(): Promise<void> {
    return this.#load(this.#options.lock.isHolder())
  }

  /**
   * Loads the stored writes. The holder (`merge`) keeps its own copies: only it changes stored
   * writes while it holds the lock, so its copies are newer than any read of the storage (a
   * write being sent stays the very object the send updates, and is never sent twice), and a
   * write it settled may still be read before its removal lands. Other tabs' new writes join.
   */
  async #load(merge: boolean): Promise<void> {
    const stored = await this.#options.storage.list()
    if (merge) {
      const mine = new Map(this.writes.map((w) => [w.id, w]))
      const added = stored.filter((w) => !mine.has(w.id) && !this.#settledIds.has(w.id))
      this.writes = [...this.writes, ...added].sort((a, b) => (a.id < b.id ? -1 : 1))
    } else {
      this.writes = stored.filter((w) => !this.#settledIds.has(w.id))
    }
    for (const write of this.writes) {
      if (write.op !== 'create') continue
      write.accepted?.forEach((m, i) => {
        const temp = write.records[i]?.id
        if (temp !== undefined && m.recordId !== undefined && m.recordId !== temp) {
          this.aliases.set(temp, m.recordId)
        }
      })
    }
    this.#options.onChanged()
  }

  /** Stores `write` (before anything is sent), then flushes. */
  async enqueue(write: QueuedWrite): Promise<void> {
    await this.#options.storage.put([write])
    this.writes.push(write)
    this.#options.onChanged()
    this.#options.notifyTabs()
    void this.flush()
  }

  /** Sends every pending write, in order, while this tab holds the lock and sends succeed. */
  async flush(): Promise<void> {
    if (this.#flushing || this.#stopped || !this.#options.lock.isHolder()) return
    if (!this.#options.isOnline()) return
    this.#flushing = true
    try {
      for (;;) {
        const write = this.writes.find((w) => w.state === 'pending')
        if (write === undefined || this.#stopped) return
        // A write naming a record whose create is not yet committed waits for its real ID
        // (the server's temporary ID stops naming it the moment Airtable commits it); one
        // naming a create that is no longer queued (it failed) can never be sent.
        const waiting = this.#uncreated(write)
        if (waiting.length > 0) {
          if (waiting.some((id) => !this.#beingCreated(id)))
            await this.#settle(write, neverCreated())
          else return
          continue
        }
        if (!(await this.#sendOne(write))) return
      }
    } finally {
      this.#flushing = false
    }
  }

  /** Applies a `mutation.*` event (or a polled final status). */
  applyOutcome(event: OutcomeInput): void {
    // Only the holder settles (every tab's stream carries the event); the others are told.
    if (!this.#options.lock.isHolder()) return
    const write = this.writes.find((w) =>
      w.accepted?.some((m) => m.mutationId === event.mutationId),
    )
    if (write === undefined) {
      // It may overtake the 202 it belongs to: keep it for #accept.
      if (this.#early.size > 500) this.#early.clear()
      this.#early.set(event.mutationId, event)
      return
    }
    const accepted = write.accepted ?? []
    const index = accepted.findIndex((m) => m.mutationId === event.mutationId)
    const mutation = accepted[index]
    if (mutation === undefined) return
    mutation.state = event.state
    if (event.recordId !== undefined && event.state === 'committed') {
      const previous = mutation.recordId
      mutation.recordId = event.recordId
      const temp = write.records[index]?.id
      for (const from of [previous, temp]) {
        if (from !== undefined && from !== event.recordId) this.#swap(from, event.recordId)
      }
    }
    if (event.error !== undefined) {
      ;(mutation as { error?: unknown }).error = event.error
    }
    void this.#settleIfFinal(write).then(() => this.flush())
  }

  /** The temporary record IDs `write` names as existing records (a create's own are new). */
  #uncreated(write: QueuedWrite): string[] {
    if (write.op === 'create') return []
    return write.records.map((r) => r.id).filter((id) => isTempRecordId(id))
  }

  /** True while a queued create will give `id` its real ID. */
  #beingCreated(id: string): boolean {
    return this.writes.some(
      (w) =>
        w.op === 'create' &&
        (w.records.some((r) => r.id === id) || w.accepted?.some((m) => m.recordId === id)),
    )
  }

  /** Returns false when flushing must pause. */
  async #sendOne(write: QueuedWrite): Promise<boolean> {
    try {
      const answer = await sendWrite(this.#options.http, write)
      this.#failures = 0
      this.#options.onReachable(true)
      await this.#accept(write, answer.accepted, answer.records)
      return true
    } catch (caught) {
      const error = toAirsyncError(caught)
      if (!error.retryable) {
        await this.#settle(write, { outcome: 'failed', error })
        return true
      }
      write.attempts++
      await this.#options.storage.put([write])
      if (error.status === 0) this.#options.onReachable(false)
      this.#scheduleRetry(error.retryAfterMs)
      return false
    }
  }

  async #accept(write: QueuedWrite, accepted: Accepted, records?: AirtableRecord[]): Promise<void> {
    write.state = 'sent'
    write.accepted = accepted
    const changed: QueuedWrite[] = [write]
    if (write.op === 'create') {
      accepted.forEach((m, i) => {
        const temp = write.records[i]?.id
        if (temp !== undefined && m.recordId !== undefined && m.recordId !== temp) {
          changed.push(...this.#swap(temp, m.recordId, false))
        }
      })
    }
    await this.#options.storage.put(changed)
    this.#options.onChanged()
    this.#options.notifyTabs()
    for (const m of accepted) {
      const early = this.#early.get(m.mutationId)
      if (early === undefined) continue
      this.#early.delete(m.mutationId)
      this.applyOutcome(early)
    }
    await this.#settleIfFinal(write, records)
  }

  /** Points `from` at `to` and rewrites pending writes; stores them unless `store` is false. */
  #swap(from: string, to: string, store = true): QueuedWrite[] {
    this.aliases.set(from, to)
    for (const [temp, target] of this.aliases) if (target === from) this.aliases.set(temp, to)
    const changed = rewriteIds(this.writes, from, to)
    if (store && changed.length > 0) void this.#options.storage.put(changed)
    return changed
  }

  /** Nothing queued and no settlement under way: every write's event has been emitted. */
  get idle(): boolean {
    return this.writes.length === 0 && this.#settling === 0
  }

  async #settleIfFinal(write: QueuedWrite, records?: AirtableRecord[]): Promise<void> {
    const outcome = outcomeOf(write.accepted ?? [])
    if (outcome === undefined || !this.writes.includes(write)) return
    const failed = write.accepted?.find((m) => m.state === 'failed' || m.state === 'conflict') as
      { error?: { type: string; message: string } } | undefined
    const error =
      outcome === 'committed'
        ? undefined
        : new AirsyncError({
            type:
              outcome === 'conflict'
                ? 'MUTATION_CONFLICT'
                : (failed?.error?.type ?? 'SERVER_ERROR'),
            message: failed?.error?.message ?? `The write was not applied (${outcome})`,
            status: outcome === 'conflict' ? 409 : 422,
          })
    await this.#settle(write, {
      outcome,
      ...(error !== undefined && { error }),
      ...(records !== undefined && { records }),
    })
  }

  async #settle(write: QueuedWrite, result: Omit<Settlement, 'write' | 'idMap'>): Promise<void> {
    this.writes = this.writes.filter((w) => w !== write)
    this.#settledIds.add(write.id)
    if (this.#settledIds.size > 1000)
      this.#settledIds.delete(this.#settledIds.values().next().value ?? '')
    this.#settling += 1
    try {
      await this.#options.storage.remove(write.id)
      const idMap: Record<string, string> = {}
      if (write.op === 'create') {
        write.records.forEach((r) => {
          const real = this.aliases.get(r.id)
          if (real !== undefined) idMap[r.id] = real
        })
      }
      this.#options.onSettled({ write, idMap, ...result })
    } finally {
      this.#settling -= 1
    }
    this.#options.onChanged()
    this.#options.notifyTabs()
  }

  #scheduleRetry(retryAfterMs?: number): void {
    if (this.#retryTimer !== undefined || this.#stopped) return
    const failures = ++this.#failures
    const delayMs = retryDelayMs({ failures, baseMs: this.#options.retryBaseMs, retryAfterMs })
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      void this.flush()
    }, delayMs)
  }

  /** Asks the server for the outcome of accepted writes (slower while the stream delivers). */
  async #poll(): Promise<void> {
    this.#polls++
    if (!this.#options.lock.isHolder() || !this.#options.isOnline()) return
    if (this.#options.isStreaming() && this.#polls % 5 !== 0) return
    const open = this.writes.flatMap((w) =>
      w.state === 'sent'
        ? (w.accepted ?? []).filter(
            (m) => m.mutationId !== '' && !['committed', 'failed', 'conflict'].includes(m.state),
          )
        : [],
    )
    for (const m of open) {
      try {
        const status = readMutationStatus(
          await this.#options.http.json({
            method: 'GET',
            path: `/v1/mutations/${encodeURIComponent(m.mutationId)}`,
          }),
        )
        if (!['committed', 'failed', 'conflict'].includes(status.state)) continue
        this.applyOutcome({
          mutationId: status.id,
          state: status.state,
          ...(status.recordId !== undefined && { recordId: status.recordId }),
          ...(status.error !== undefined && { error: status.error }),
        })
      } catch {
        return // try again next tick
      }
    }
  }
}
