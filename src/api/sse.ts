/**
 * Server-Sent Events on the wire: framing (`id:`, `event:`, `data:`, comments) and a response
 * body with a bounded buffer. The body is a pull-based ReadableStream: the Node adapter reads it
 * only as fast as the socket drains, so a slow client's unsent bytes pile up here, and only here.
 * When they would exceed `maxBufferedBytes` the queue is dropped at once (its memory freed) and
 * the response ends cleanly: the client reconnects with its last `id` and loses nothing.
 *
 * Invariant: an event is enqueued whole or not at all, so a client never records an `id` whose
 * event it did not fully receive.
 */

/** One SSE event. `data` must not contain a newline (send JSON: it escapes them). */
export interface SseEvent {
  id?: number | string
  event?: string
  data: string
}

/** The text of one event, terminated by a blank line. */
export function formatSseEvent(event: SseEvent): string {
  let text = ''
  if (event.id !== undefined) text += `id: ${event.id}\n`
  if (event.event !== undefined) text += `event: ${event.event}\n`
  return `${text}data: ${event.data}\n\n`
}

/** A comment line (ignored by clients; used for heartbeats). */
export function formatSseComment(comment: string): string {
  return `: ${comment}\n\n`
}

/** Why a stream ended. */
export type SseCloseReason = 'client' | 'server' | 'overflow'

/** Options of {@link createSseStream}. */
export interface SseStreamOptions {
  /** Most bytes waiting for a slow client before the stream is dropped. */
  maxBufferedBytes: number
  /** Called once when the stream ends, whoever ended it. */
  onClose: (reason: SseCloseReason) => void
}

/** The writing end of one SSE response. */
export interface SseStream {
  /** The response body. */
  readonly body: ReadableStream<Uint8Array>
  /**
   * Queues an event or comment (text, or its UTF-8 bytes when shared by many streams); false when
   * the stream is closed or has just overflowed (and is now closed).
   */
  send(chunk: string | Uint8Array): boolean
  /** Ends the stream after what is queued (server shutdown, or the connection is replaced). */
  close(): void
  readonly closed: boolean
  /** Bytes queued and not yet read by the adapter. */
  readonly bufferedBytes: number
  /** Resolves when nothing is queued any more, or the stream has ended. */
  drained(): Promise<void>
}

const encoder = new TextEncoder()

/** Creates a bounded SSE body. */
export function createSseStream(options: SseStreamOptions): SseStream {
  const limit = options.maxBufferedBytes
  // Our own queue, so an overflow can free it at once and end the response cleanly.
  let queue: Uint8Array[] = []
  let queuedBytes = 0
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let closed = false
  let ending = false
  let ended = false
  let waiters: (() => void)[] = []
  const wake = (): void => {
    const woken = waiters
    waiters = []
    for (const resolve of woken) resolve()
  }
  const finish = (reason: SseCloseReason): void => {
    if (closed) return
    closed = true
    options.onClose(reason)
    wake()
  }
  const flush = (): void => {
    while (queue.length > 0 && (controller.desiredSize ?? 0) > 0) {
      const chunk = queue.shift()!
      queuedBytes -= chunk.byteLength
      controller.enqueue(chunk)
    }
    if (queue.length === 0) wake()
    if (ending && !ended && queue.length === 0) {
      ended = true
      controller.close()
    }
  }
  const end = (reason: SseCloseReason, drop: boolean): void => {
    if (closed) return
    if (drop) {
      queue = []
      queuedBytes = 0
    }
    ending = true
    finish(reason)
    flush()
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c
      },
      pull: () => flush(),
      cancel: () => {
        queue = []
        queuedBytes = 0
        finish('client')
      },
    },
    // One chunk in hand for the adapter; the rest waits in `queue`, counted in bytes.
    { highWaterMark: 1 },
  )
  return {
    body,
    send(chunk) {
      if (closed) return false
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
      // An event larger than the whole buffer still goes out when nothing else waits.
      if (queuedBytes > 0 && queuedBytes + bytes.byteLength > limit) {
        end('overflow', true)
        return false
      }
      queue.push(bytes)
      queuedBytes += bytes.byteLength
      flush()
      return true
    },
    close: () => end('server', false),
    get closed() {
      return closed
    },
    get bufferedBytes() {
      return queuedBytes
    },
    drained() {
      if (closed || queue.length === 0) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },
  }
}
