/**
 * The change stream client: `GET /v1/events` read with `fetch` (so the bearer token travels in a
 * header, never in a URL) and parsed as Server-Sent Events (WHATWG HTML §9.2.6). It reconnects
 * after a drop with `Last-Event-ID` (the server resumes exactly after it: nothing missed or
 * repeated), waiting the server's `retry:` (else 3 s) doubled per failure up to 30 s (never less than a
 * refusal's `Retry-After`), and at once when the device comes back online.
 */
import type { StreamEvent } from '../protocol/index.ts'
import { AirsyncError } from './errors.ts'
import type { Http } from './http.ts'
import { readStreamEvent } from './wire.ts'

/** What the stream needs. */
export interface EventStreamOptions {
  http: Http
  /** Table names to stream; all readable tables when undefined. */
  tables?: readonly string[] | undefined
  onEvent: (event: StreamEvent) => void
  onConnected: (connected: boolean) => void
  /** Whether to try now (false while offline). */
  isOnline: () => boolean
}

/** A running stream. */
export interface EventStream {
  start(): void
  /** Reconnect at once (e.g. the device came back online). */
  poke(): void
  stop(): void
  readonly connected: boolean
}

const MAX_DELAY_MS = 30_000

/** Creates the stream (not started). */
export function createEventStream(options: EventStreamOptions): EventStream {
  let stopped = true
  let connected = false
  let lastEventId: string | undefined
  let retryMs = 3000
  let failures = 0
  /** The server's `Retry-After` of the last refusal (e.g. too many streams), in ms. */
  let retryAfterMs = 0
  let controller: AbortController | undefined
  let timer: ReturnType<typeof setTimeout> | undefined

  const setConnected = (value: boolean): void => {
    if (connected === value) return
    connected = value
    options.onConnected(value)
  }
  const schedule = (): void => {
    if (stopped || timer !== undefined) return
    const delayMs = Math.max(
      retryAfterMs,
      Math.min(MAX_DELAY_MS, retryMs * 2 ** Math.min(failures, 4)),
    )
    retryAfterMs = 0
    timer = setTimeout(() => {
      timer = undefined
      void connect()
    }, delayMs)
  }
  const connect = async (): Promise<void> => {
    if (stopped || controller !== undefined) return
    if (!options.isOnline()) return schedule()
    controller = new AbortController()
    const query =
      options.tables === undefined
        ? ''
        : `?tables=${options.tables.map(encodeURIComponent).join(',')}`
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' }
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
      const response = await options.http.send({
        method: 'GET',
        path: `/v1/events${query}`,
        headers,
        signal: controller.signal,
      })
      if (response.body === null) throw new Error('no body')
      setConnected(true)
      failures = 0
      await read(response.body)
    } catch (error) {
      failures++
      if (error instanceof AirsyncError) retryAfterMs = error.retryAfterMs ?? 0
    } finally {
      controller = undefined
      setConnected(false)
      schedule()
    }
  }
  const read = async (body: ReadableStream<Uint8Array>): Promise<void> => {
    const reader = body.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    let data: string[] = []
    let id: string | undefined
    const line = (text: string): void => {
      if (text === '') {
        if (id !== undefined) lastEventId = id
        if (data.length > 0) dispatch(data.join('\n'))
        data = []
        id = undefined
        return
      }
      if (text.startsWith(':')) return
      const colon = text.indexOf(':')
      const name = colon === -1 ? text : text.slice(0, colon)
      const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '')
      if (name === 'data') data.push(value)
      else if (name === 'id') id = value
      else if (name === 'retry' && /^\d+$/.test(value)) retryMs = Number(value)
    }
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let match: RegExpExecArray | null
      while ((match = /\r\n|\r|\n/.exec(buffer)) !== null) {
        if (match[0] === '\r' && match.index === buffer.length - 1) break
        line(buffer.slice(0, match.index))
        buffer = buffer.slice(match.index + match[0].length)
      }
    }
  }
  const dispatch = (data: string): void => {
    let event: StreamEvent | undefined
    try {
      event = readStreamEvent(JSON.parse(data))
    } catch {
      return // a malformed event is skipped, not fatal: later ones still apply
    }
    if (event !== undefined) options.onEvent(event)
  }
  return {
    start() {
      if (!stopped) return
      stopped = false
      void connect()
    },
    poke() {
      if (stopped || controller !== undefined) return
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      failures = 0
      void connect()
    },
    stop() {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      controller?.abort()
    },
    get connected() {
      return connected
    },
  }
}
