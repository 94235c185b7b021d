/**
 * The change stream's engine: one feed reader per server process fanning out to every open
 * `GET /v1/events` stream (issue 5). A Service: the server runs it; `stop()` ends every stream.
 *
 *   open(): cursor = Last-Event-ID (or reset → head, or head when none)
 *      └─► backlog: the stream reads the feed after its cursor itself, page by page
 *            └─► live: once cursor ≥ the shared reader's position, the shared reader feeds it
 *
 * Invariants:
 * - NOTIFY (any instance, store/feed.ts `onChanges`) only wakes the shared reader; what it sends
 *   is read from the feed after `position`, so a lost notification delays, never loses (a poll
 *   every `pollIntervalMs` catches it). One query per batch of changes, whatever the fan-out.
 * - The shared reader prepares a batch (async), then hands it to every live stream and advances
 *   `position` in one synchronous step. A stream turns live only in a synchronous check
 *   `cursor ≥ position`, so every entry after its cursor reaches it from exactly one reader, and
 *   streams drop what is at or below their cursor: in order, no gap, no duplicate.
 * - A slow stream never delays the others: sending only queues bytes on that stream, and a
 *   stream whose queue overflows is closed (the client resumes with Last-Event-ID).
 * - Fan-out cost is per stream per batch, not per event: a batch goes to each stream as one chunk
 *   (one socket write), and streams sent the same events share the chunk. Each verdict is taken
 *   once per distinct row filter (events-prepare.ts). After a fan-out the reader pauses about as
 *   long as it took (`fanOutPause`), so under load batches grow instead of the process falling
 *   behind (1,000 streams at 50 changes/s: bench/events.bench.ts).
 */
import type { Logger } from 'pino'
import type { PolicyEngine, Principal } from '../../policy/index.ts'
import type { BaseSchema, ResetEvent } from '../../protocol/index.ts'
import { systemClock, type Clock, type Service } from '../../shared/index.ts'
import { feedBounds, latestSeq, onChanges, readChangesAfter, type Db } from '../../store/index.ts'
import { limitKey } from '../auth-middleware.ts'
import { ApiError } from '../errors.ts'
import { formatSseComment, formatSseEvent, type SseCloseReason } from '../sse.ts'
import { prepareChange, type PreparedChange, type StreamView } from './events-prepare.ts'
import { EventStream } from './events-stream.ts'

/** Options of {@link createEventHub}. */
export interface EventHubOptions {
  db: Db
  baseId: string
  /** The current schema; undefined before the first sync (streams then answer 503). */
  getSchema: () => BaseSchema | undefined
  /** The policy engine, or a factory for a schema (as the API's `policies`). */
  policies: PolicyEngine | ((schema: BaseSchema) => PolicyEngine)
  logger: Logger
  /** A comment on every stream this often, ms, so proxies keep it open. @default 15_000 */
  heartbeatMs?: number
  /** Open streams per user (the service key is not capped). @default 5 */
  maxStreamsPerUser?: number
  /** Unsent bytes a stream may hold before it is dropped as too slow. @default 262_144 */
  maxBufferedBytes?: number
  /** Reads the feed this often even without a notification, ms. @default 5_000 */
  pollIntervalMs?: number
  /** Feed entries per read. @default 500 */
  batchSize?: number
  /** NOW() for row filters. @default systemClock */
  clock?: Clock
  /**
   * After a fan-out that took t ms (reading, filtering, queueing and the socket writes), the
   * next feed read waits t × this. Under load, changes then gather into larger batches, sent as
   * one chunk per stream per batch, and fanning out keeps to about 1 / (1 + this) of the
   * process's time; with few streams t is tiny and so is the wait. 0 reads at once. @default 1
   */
  fanOutPause?: number
}

/** What `GET /v1/events` asks the hub for. */
export interface OpenStreamRequest {
  principal: Principal
  /** Only these table IDs; all readable tables when undefined. */
  tableIds?: readonly string[] | undefined
  /** The resume point; undefined = from now; negative = unusable (→ reset). */
  lastEventId?: number | undefined
}

/** Counters for tests, the bench and `/metrics`. */
export interface EventHubStats {
  streams: number
  live: number
  /** The shared reader's position in the feed. */
  position: number
  /** Streams closed because they fell too far behind. */
  overflows: number
  /** Events sent on every stream since start (comments not counted). */
  eventsSent: number
}

/** The hub; see the module header. */
export interface EventHub extends Service, AsyncDisposable {
  /** Opens a stream (429 over the user's cap, 503 before the first sync or after stop). */
  open(request: OpenStreamRequest): Promise<ReadableStream<Uint8Array>>
  /** The schema and its policy engine (throws 503 before the first sync). */
  current(): { schema: BaseSchema; engine: PolicyEngine }
  stats(): EventHubStats
}

/**
 * Creates the hub; streams can be opened once `run()` has started it.
 * @example
 * const hub = createEventHub({ db, baseId, getSchema, policies, logger })
 * void hub.run(); createApi({ ..., events: hub })
 */
export function createEventHub(options: EventHubOptions): EventHub {
  return new Hub(options)
}

class Hub implements EventHub {
  readonly id = 'event-hub'
  readonly #o: Required<Omit<EventHubOptions, 'policies'>> & Pick<EventHubOptions, 'policies'>
  readonly #streams = new Set<EventStream>()
  readonly #perUser = new Map<string, number>()
  #position = 0
  #notified = 0
  #overflows = 0
  /** Events sent on streams that have closed. */
  #sentByClosed = 0
  #state: 'new' | 'running' | 'stopped' = 'new'
  #started: Promise<void>
  #markStarted!: () => void
  #wake: (() => void) | undefined
  /** Ends a pause after a fan-out (stop only: notifications must not cut it short). */
  #endPause: (() => void) | undefined
  /** Set when a batch went to at least one live stream. */
  #fannedOut = false
  #running: Promise<void> | undefined
  #draining: Promise<void> = Promise.resolve()
  #cached: { schema: BaseSchema; engine: PolicyEngine } | undefined

  constructor(options: EventHubOptions) {
    this.#o = {
      heartbeatMs: 15_000,
      maxStreamsPerUser: 5,
      maxBufferedBytes: 262_144,
      pollIntervalMs: 5_000,
      batchSize: 500,
      clock: systemClock,
      fanOutPause: 1,
      ...options,
    }
    this.#started = new Promise((resolve) => (this.#markStarted = resolve))
  }

  run(): Promise<void> {
    this.#running ??= this.#loop()
    return this.#running
  }

  async stop(): Promise<void> {
    if (this.#state === 'new') this.#markStarted()
    this.#state = 'stopped'
    this.#wake?.()
    this.#endPause?.()
    await this.#running
    for (const stream of [...this.#streams]) stream.sse.close()
  }

  drain(): Promise<void> {
    return this.#draining
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  stats(): EventHubStats {
    let live = 0
    let sent = this.#sentByClosed
    for (const stream of this.#streams) {
      if (stream.live) live += 1
      sent += stream.sent
    }
    return {
      streams: this.#streams.size,
      live,
      position: this.#position,
      overflows: this.#overflows,
      eventsSent: sent,
    }
  }

  current(): { schema: BaseSchema; engine: PolicyEngine } {
    const schema = this.#o.getSchema()
    if (schema === undefined) {
      throw new ApiError({
        type: 'SERVICE_UNAVAILABLE',
        message: 'The mirror is not ready yet: the first sync has not finished',
      })
    }
    if (this.#cached?.schema !== schema) {
      const { policies } = this.#o
      this.#cached = {
        schema,
        engine: typeof policies === 'function' ? policies(schema) : policies,
      }
    }
    return this.#cached
  }

  async open(request: OpenStreamRequest): Promise<ReadableStream<Uint8Array>> {
    const stream = this.#admit(request)
    try {
      await this.#started
      if (this.#state !== 'running') throw unavailable()
      await this.#startAt(stream, request.lastEventId)
    } catch (error) {
      stream.sse.close()
      throw error
    }
    void this.#catchUp(stream).catch((error: unknown) => {
      this.#o.logger.warn({ err: error }, 'event stream backlog failed; closing it')
      stream.sse.close()
    })
    return stream.sse.body
  }

  /** Checks the cap and registers the stream. */
  #admit(request: OpenStreamRequest): EventStream {
    const userKey = limitKey(request.principal)
    const count = this.#perUser.get(userKey) ?? 0
    if (request.principal.kind === 'user' && count >= this.#o.maxStreamsPerUser) {
      throw new ApiError({
        type: 'RATE_LIMIT_REACHED',
        message: `Too many open event streams for this user (at most ${this.#o.maxStreamsPerUser})`,
        headers: { 'Retry-After': '5' },
      })
    }
    const stream = new EventStream({
      principal: request.principal,
      userKey,
      tableIds: request.tableIds === undefined ? undefined : new Set(request.tableIds),
      maxBufferedBytes: this.#o.maxBufferedBytes,
      onClose: (closed, reason) => this.#closed(closed, reason),
    })
    this.#perUser.set(userKey, count + 1)
    this.#streams.add(stream)
    return stream
  }

  #closed(stream: EventStream, reason: SseCloseReason): void {
    if (!this.#streams.delete(stream)) return
    this.#sentByClosed += stream.sent
    const left = (this.#perUser.get(stream.userKey) ?? 1) - 1
    if (left <= 0) this.#perUser.delete(stream.userKey)
    else this.#perUser.set(stream.userKey, left)
    if (reason === 'overflow') {
      this.#overflows += 1
      this.#o.logger.info(
        { user: stream.userKey, cursor: stream.cursor },
        'slow event stream dropped',
      )
    }
  }

  /** Sets the stream's starting cursor; a resume point the feed cannot honour sends a reset. */
  async #startAt(stream: EventStream, lastEventId: number | undefined): Promise<void> {
    stream.sse.send('retry: 3000\n\n')
    if (lastEventId === undefined) {
      stream.cursor = await latestSeq(this.#o.db)
      return
    }
    const bounds = await feedBounds(this.#o.db)
    const reason: ResetEvent['reason'] | undefined =
      lastEventId < 0 || lastEventId > bounds.latestSeq
        ? 'unknown'
        : lastEventId < bounds.prunedThrough
          ? 'expired'
          : undefined
    if (reason === undefined) {
      stream.cursor = lastEventId
      return
    }
    const reset: ResetEvent = { type: 'reset', seq: bounds.latestSeq, reason }
    stream.sendAt(
      reset.seq,
      formatSseEvent({ id: reset.seq, event: reset.type, data: JSON.stringify(reset) }),
    )
  }

  /** Reads the stream's backlog until it reaches the shared reader, then hands it over. */
  async #catchUp(stream: EventStream): Promise<void> {
    const { db, baseId, batchSize } = this.#o
    const tableIds = stream.tableIds === undefined ? undefined : [...stream.tableIds]
    while (!stream.sse.closed && this.#state === 'running') {
      if (stream.cursor >= this.#position) {
        stream.live = true
        return
      }
      // Everything up to `head` is committed and visible to the read that follows.
      const head = await latestSeq(db)
      const entries = await readChangesAfter(db, {
        afterSeq: stream.cursor,
        limit: batchSize,
        filter: { baseId, ...(tableIds !== undefined && { tableIds }) },
      })
      const view = this.#view()
      stream.useEngine(view.engine)
      for (const entry of entries) {
        // The backlog goes at the client's pace: it is read from the feed, not pushed to us.
        if (stream.sse.bufferedBytes > 0) await stream.sse.drained()
        stream.deliver(await prepareChange(db, entry, view))
      }
      if (entries.length < batchSize) stream.cursor = Math.max(stream.cursor, head)
    }
  }

  #view(): StreamView {
    const { schema, engine } = this.current()
    return { baseId: this.#o.baseId, schema, engine, nowMs: this.#o.clock.now() }
  }

  async #loop(): Promise<void> {
    const { db, logger } = this.#o
    const unlisten = await onChanges(db, (seq) => {
      this.#notified = Math.max(this.#notified, seq)
      this.#wake?.()
    })
    const heartbeat = setInterval(() => this.#heartbeat(), this.#o.heartbeatMs)
    try {
      this.#position = await latestSeq(db)
      if (this.#state === 'new') this.#state = 'running'
      this.#markStarted()
      while (this.#state === 'running') {
        if (this.#notified <= this.#position) await this.#sleep()
        if (this.#state !== 'running') break
        const startedMs = performance.now()
        this.#fannedOut = false
        this.#draining = this.#readFeed()
        try {
          await this.#draining
        } catch (error) {
          logger.error({ err: error }, 'event hub could not read the change feed; retrying')
          await this.#sleep()
        }
        if (this.#fannedOut) await this.#pauseAfterFanOut(startedMs)
      }
    } finally {
      clearInterval(heartbeat)
      this.#state = 'stopped'
      this.#markStarted()
      await unlisten()
    }
  }

  /** Waits for a notification, a stop, or the poll interval. */
  #sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#wake = undefined
        resolve()
      }
      const timer = setTimeout(done, this.#o.pollIntervalMs)
      this.#wake = done
    })
  }

  /** Lets the queued writes go out, then waits `fanOutPause` times as long as all that took. */
  async #pauseAfterFanOut(startedMs: number): Promise<void> {
    if (this.#o.fanOutPause <= 0) return
    // The sockets are written in the ticks after the dispatch, before the next event loop turn.
    await new Promise((resolve) => setImmediate(resolve))
    const waitMs = (performance.now() - startedMs) * this.#o.fanOutPause
    if (this.#state !== 'running' || waitMs < 1) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#endPause = undefined
        resolve()
      }
      const timer = setTimeout(done, waitMs)
      this.#endPause = done
    })
  }

  /** Reads the feed after `position` and fans it out, batch by batch. */
  async #readFeed(): Promise<void> {
    const { db, baseId, batchSize } = this.#o
    if (!this.#hasLiveStream()) {
      // Nobody to feed: move to the last announced seq (committed before it was announced)
      // without a query; a stream catching up reads its backlog itself.
      this.#position = Math.max(this.#position, this.#notified)
      return
    }
    for (;;) {
      const entries = await readChangesAfter(db, {
        afterSeq: this.#position,
        limit: batchSize,
        filter: { baseId },
      })
      const last = entries.at(-1)
      if (last === undefined) return
      if (this.#o.getSchema() === undefined) {
        // No schema, no stream can be open (open() needs it): nothing to send.
        this.#position = last.seq
        continue
      }
      const view = this.#view()
      const prepared: PreparedChange[] = []
      for (const entry of entries) prepared.push(await prepareChange(db, entry, view))
      this.#dispatch(prepared, view.engine)
      this.#position = last.seq
      if (entries.length < batchSize) return
    }
  }

  #hasLiveStream(): boolean {
    for (const stream of this.#streams) if (stream.live) return true
    return false
  }

  /** Synchronous: hands a batch to every live stream (see the module header). */
  #dispatch(batch: readonly PreparedChange[], engine: PolicyEngine): void {
    const join = sharedJoin()
    const live = [...this.#streams].filter((stream) => stream.live)
    if (live.length > 0) this.#fannedOut = true
    for (const stream of live) {
      stream.useEngine(engine)
      stream.deliverBatch(batch, join)
    }
  }

  #heartbeat(): void {
    const text = new TextEncoder().encode(formatSseComment('heartbeat'))
    for (const stream of [...this.#streams]) stream.sse.send(text)
  }
}

/**
 * Concatenates event texts into one chunk, once per distinct sequence of texts: streams that are
 * sent the same events (texts are shared objects, see events-prepare.ts) share one buffer.
 */
function sharedJoin(): (texts: Uint8Array[]) => Uint8Array {
  const ids = new Map<Uint8Array, number>()
  const joined = new Map<string, Uint8Array>()
  const idOf = (text: Uint8Array): number => {
    let id = ids.get(text)
    if (id === undefined) {
      id = ids.size
      ids.set(text, id)
    }
    return id
  }
  return (texts) => {
    const key = texts.map(idOf).join(',')
    let chunk = joined.get(key)
    if (chunk === undefined) {
      chunk = new Uint8Array(texts.reduce((sum, text) => sum + text.byteLength, 0))
      let offset = 0
      for (const text of texts) {
        chunk.set(text, offset)
        offset += text.byteLength
      }
      joined.set(key, chunk)
    }
    return chunk
  }
}

function unavailable(): ApiError {
  return new ApiError({ type: 'SERVICE_UNAVAILABLE', message: 'The event stream is stopping' })
}
