/**
 * One open `GET /v1/events` stream: who reads it, which tables, and how far it has got.
 *
 * Invariant: `cursor` is the highest seq this stream has dealt with (sent, or judged not for
 * it), and {@link EventStream.deliver} ignores anything at or below it. The backlog reader and
 * the shared live reader may therefore both offer an entry; it goes out once, in seq order.
 */
import type { PolicyEngine, Principal, TableAccess } from '../../policy/index.ts'
import type { Table } from '../../protocol/index.ts'
import { createSseStream, type SseCloseReason, type SseStream } from '../sse.ts'
import type { PreparedChange, StreamViewer } from './events-prepare.ts'

/** What a stream is opened with. */
export interface EventStreamInit {
  principal: Principal
  /** The per-user cap's key. */
  userKey: string
  /** Only these tables; all readable ones when undefined. */
  tableIds: ReadonlySet<string> | undefined
  maxBufferedBytes: number
  onClose: (stream: EventStream, reason: SseCloseReason) => void
}

/** An open stream. */
export class EventStream implements StreamViewer {
  readonly principal: Principal
  readonly userKey: string
  readonly tableIds: ReadonlySet<string> | undefined
  readonly sse: SseStream
  /** The highest seq dealt with. */
  cursor = 0
  /** True once the backlog is read: from then on the shared reader feeds it. */
  live = false
  /** Events sent (not comments). */
  sent = 0
  #engine: PolicyEngine | undefined
  readonly #access = new Map<string, TableAccess>()

  constructor(init: EventStreamInit) {
    this.principal = init.principal
    this.userKey = init.userKey
    this.tableIds = init.tableIds
    this.sse = createSseStream({
      maxBufferedBytes: init.maxBufferedBytes,
      onClose: (reason) => init.onClose(this, reason),
    })
  }

  /** Judges the next changes by `engine` (a new engine after a schema change drops the cache). */
  useEngine(engine: PolicyEngine): void {
    if (engine === this.#engine) return
    this.#engine = engine
    this.#access.clear()
  }

  /** The reader's access to a table, computed once per engine. */
  access(table: Table): TableAccess {
    let access = this.#access.get(table.id)
    if (access === undefined) {
      if (this.#engine === undefined) throw new Error('EventStream.access before useEngine')
      access = this.#engine.policyFor(this.principal, table.id)
      this.#access.set(table.id, access)
    }
    return access
  }

  /** Sends `change` if it is new to this stream and for it; advances the cursor either way. */
  deliver(change: PreparedChange): void {
    if (change.seq <= this.cursor) return
    this.cursor = change.seq
    if (this.tableIds !== undefined && !this.tableIds.has(change.tableId)) return
    const text = change.textFor(this)
    if (text !== undefined && this.sse.send(text)) this.sent += 1
  }

  /**
   * Delivers a batch as {@link deliver} does each change, but queues what is for this stream as
   * one chunk (one socket write instead of one per event). `join` concatenates texts; the hub
   * gives one that shares the result between streams sent the same texts.
   */
  deliverBatch(batch: readonly PreparedChange[], join: (texts: Uint8Array[]) => Uint8Array): void {
    const texts: Uint8Array[] = []
    for (const change of batch) {
      if (change.seq <= this.cursor) continue
      this.cursor = change.seq
      if (this.tableIds !== undefined && !this.tableIds.has(change.tableId)) continue
      const text = change.textFor(this)
      if (text !== undefined) texts.push(text)
    }
    if (texts.length === 0) return
    const chunk = texts.length === 1 ? texts[0]! : join(texts)
    if (this.sse.send(chunk)) this.sent += texts.length
  }

  /** Sends a ready-made event (a reset) and moves the cursor to its seq. */
  sendAt(seq: number, text: string | Uint8Array): void {
    this.cursor = Math.max(this.cursor, seq)
    if (this.sse.send(text)) this.sent += 1
  }
}
