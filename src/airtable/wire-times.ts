/**
 * When requests actually leave: undici (Node's fetch) publishes `undici:client:sendHeaders` as it
 * writes a request's headers to the socket. A granted request can sit behind a busy event loop or
 * a new connection for a hundred milliseconds or more; Airtable counts arrivals, so a sliding
 * window kept at grant times can put a sixth request into Airtable's second after such a delay.
 * Each limiter that paces requests to an origin hears, per base, when one of them left.
 *
 * A `fetch` other than Node's (tests pass their own) publishes nothing: the books keep grant times.
 */
import { subscribe } from 'node:diagnostics_channel'

/** Told when a request for `baseId` has just left (it reads its own clock). */
export interface WireListener {
  markSent(baseId: string): void
}

/** What undici publishes (the part used here). */
interface SendHeadersMessage {
  request: { origin?: unknown; path?: unknown }
}

/** Base IDs are `app` + 14 characters; the first path segment that is one names the base. */
const BASE_ID_IN_PATH = /\/(app[A-Za-z0-9]{14})(?=[/?]|$)/

/** Listeners by origin, held weakly: a client that is gone stops listening. */
const listeners = new Map<string, Set<WeakRef<WireListener>>>()
let subscribed = false

/** The base a request path is for, if any (e.g. `/v0/appXXXXXXXXXXXXXX/Members`). */
export function baseIdOfPath(path: string): string | undefined {
  return BASE_ID_IN_PATH.exec(path)?.[1]
}

/** Tells `listener` when each request to `apiUrl`'s origin leaves. */
export function watchRequestsLeaving(apiUrl: string, listener: WireListener): void {
  const origin = new URL(apiUrl).origin
  const set = listeners.get(origin) ?? new Set()
  for (const ref of set) if (ref.deref() === listener) return
  set.add(new WeakRef(listener))
  listeners.set(origin, set)
  if (!subscribed) {
    subscribed = true
    subscribe('undici:client:sendHeaders', (message) =>
      onSendHeaders(message as SendHeadersMessage),
    )
  }
}

function onSendHeaders({ request }: SendHeadersMessage): void {
  if (typeof request.origin !== 'string' || typeof request.path !== 'string') return
  const set = listeners.get(request.origin)
  if (set === undefined) return
  const baseId = baseIdOfPath(request.path)
  if (baseId === undefined) return
  for (const ref of set) {
    const listener = ref.deref()
    if (listener === undefined) set.delete(ref)
    else listener.markSent(baseId)
  }
}
