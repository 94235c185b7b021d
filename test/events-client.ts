/**
 * A small SSE client for tests and the bench: `fetch` + a parser of the event stream format
 * (WHATWG HTML §9.2.6: `id:`, `event:`, `data:`, `retry:`, comments; CRLF, LF or CR line ends).
 * It records every event and comment, remembers the last `id` as EventSource does, and can be
 * dropped at any moment to test resuming.
 */
import { streamEventSchema, type StreamEvent } from '../src/protocol/index.ts'

/** One dispatched event. */
export interface ReceivedEvent {
  id: string | undefined
  event: string
  data: string
  /** `data` parsed and validated against the wire schema. */
  parsed: StreamEvent
}

/** How to open a stream. */
export interface OpenOptions {
  token?: string
  /** Sent as `Last-Event-ID`. */
  lastEventId?: string
  /** Appended to `/v1/events`, e.g. `?tables=Templates`. */
  query?: string
  /** Called on each event as it arrives. */
  onEvent?: (event: ReceivedEvent) => void
  /** Keep events in `events` (the bench's thousand clients do not). @default true */
  keepEvents?: boolean
}

/** An open stream (or the error response that refused it). */
export interface SseClient extends AsyncDisposable {
  readonly status: number
  readonly events: ReceivedEvent[]
  readonly comments: string[]
  /** The last `id` received, as EventSource keeps it. */
  readonly lastEventId: string | undefined
  /** Resolves when the stream ends (by either side), with the read error if any. */
  readonly ended: Promise<unknown>
  /** Resolves once `predicate` holds for the events so far; rejects after `timeoutMs`. */
  waitFor(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs?: number): Promise<void>
  /** Drops the connection. */
  close(): Promise<void>
}

/** Opens `GET {url}/v1/events{query}`; a non-200 answer is returned with its status, no events. */
export async function openEvents(url: string, options: OpenOptions = {}): Promise<SseClient> {
  const controller = new AbortController()
  const headers = new Headers({ accept: 'text/event-stream' })
  if (options.token !== undefined) headers.set('authorization', `Bearer ${options.token}`)
  if (options.lastEventId !== undefined) headers.set('last-event-id', options.lastEventId)
  const response = await fetch(`${url}/v1/events${options.query ?? ''}`, {
    headers,
    signal: controller.signal,
  })
  const events: ReceivedEvent[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  let lastEventId: string | undefined
  const parser = createSseParser({
    onEvent: (raw) => {
      const event = { ...raw, parsed: streamEventSchema.parse(JSON.parse(raw.data)) }
      if (options.keepEvents !== false) events.push(event)
      if (raw.id !== undefined) lastEventId = raw.id
      options.onEvent?.(event)
      for (const wake of waiters) wake()
    },
    onComment: (text) => comments.push(text),
  })
  const ended: Promise<unknown> =
    response.status === 200 && response.body !== null
      ? (async () => {
          const decoder = new TextDecoder()
          try {
            for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
              parser.push(decoder.decode(chunk, { stream: true }))
            }
            return undefined
          } catch (error) {
            return error
          } finally {
            for (const wake of waiters) wake()
          }
        })()
      : (response.body?.cancel().then(() => undefined) ?? Promise.resolve(undefined))
  let done = false
  void ended.then(() => (done = true))
  const close = async (): Promise<void> => {
    controller.abort()
    await ended
  }
  return {
    status: response.status,
    events,
    comments,
    get lastEventId() {
      return lastEventId
    },
    ended,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (!predicate(events)) {
        if (done) throw new Error(`stream ended; ${events.length} events: ${summary(events)}`)
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`timed out; ${events.length} events: ${summary(events)}`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, Math.min(left, 200))
          function finish(): void {
            clearTimeout(timer)
            waiters.delete(finish)
            resolve()
          }
          waiters.add(finish)
        })
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

function summary(events: readonly ReceivedEvent[]): string {
  return events
    .slice(-5)
    .map((e) => `${e.id ?? '-'}:${e.event}`)
    .join(', ')
}

/** An event as the parser dispatches it. */
export interface RawSseEvent {
  id: string | undefined
  event: string
  data: string
}

/** An incremental parser of the SSE format. */
export function createSseParser(handlers: {
  onEvent: (event: RawSseEvent) => void
  onComment?: (text: string) => void
}): { push(text: string): void } {
  let buffer = ''
  let data: string[] = []
  let event = ''
  let id: string | undefined
  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0)
        handlers.onEvent({ id, event: event || 'message', data: data.join('\n') })
      data = []
      event = ''
      id = undefined
      return
    }
    if (text.startsWith(':')) {
      handlers.onComment?.(text.slice(1).trim())
      return
    }
    const colon = text.indexOf(':')
    const name = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (name === 'data') data.push(value)
    else if (name === 'event') event = value
    else if (name === 'id') id = value
  }
  return {
    push(text) {
      buffer += text
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer)
        // A lone CR at the end may be the first half of CRLF: wait for more.
        if (match === null || (match[0] === '\r' && match.index === buffer.length - 1)) return
        line(buffer.slice(0, match.index))
        buffer = buffer.slice(match.index + match[0].length)
      }
    },
  }
}
