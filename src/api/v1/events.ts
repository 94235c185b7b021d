/**
 * `GET /v1/events`: the caller's change stream as Server-Sent Events (format: protocol/events.ts;
 * engine: ./events-hub.ts).
 *
 * Query: `tables=` table names or IDs, comma-separated or repeated (default: every table the
 * caller may read; a table they may not read is 403, as for reads); `lastEventId=` when the
 * client cannot send the `Last-Event-ID` header (the header wins); `access_token=` (below).
 *
 * Authentication is the bearer token as everywhere, or `?access_token=` because the browser's
 * EventSource cannot set headers. Trade-off: a token in a URL can end up in proxy access logs,
 * browser history and (for pages) Referer headers. So only this route accepts it, airsync logs
 * no URLs with queries, and clients should pass short-lived user tokens this way (never the
 * service key), or use a fetch-based SSE client that sends the header.
 */
import { Hono } from 'hono'
import type { PolicyEngine, Principal } from '../../policy/index.ts'
import { findTable, type BaseSchema } from '../../protocol/index.ts'
import type { ApiEnv } from '../context.ts'
import { modelNotFound } from '../errors.ts'
import type { EventHub } from './events-hub.ts'

/** The path that also accepts `?access_token=`. */
export const EVENTS_PATH = '/v1/events'

/** The stream route, mounted under `/v1`. */
export function eventsRoutes(hub: EventHub): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/events', async (c) => {
    const principal = c.get('principal')
    const tableIds = resolveTables(c.req.queries('tables'), { ...hub.current(), principal })
    const lastEventId = parseLastEventId(
      c.req.header('last-event-id') ?? c.req.query('lastEventId'),
    )
    const body = await hub.open({ principal, tableIds, lastEventId })
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // nginx and similar proxies would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      },
    })
  })
  return app
}

/** Table IDs from `tables=`; undefined for every table. Unknown or unreadable → 403. */
export function resolveTables(
  values: readonly string[] | undefined,
  context: { schema: BaseSchema; engine: PolicyEngine; principal: Principal },
): string[] | undefined {
  const names = (values ?? [])
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '')
  if (names.length === 0) return undefined
  return [
    ...new Set(
      names.map((name) => {
        const table = findTable(context.schema, name)
        if (table === undefined) throw modelNotFound()
        if (!context.engine.policyFor(context.principal, table.id).canRead) throw modelNotFound()
        return table.id
      }),
    ),
  ]
}

/** The resume point: undefined when absent, -1 when not a seq (the stream then resets). */
export function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const trimmed = value.trim()
  return /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : -1
}
